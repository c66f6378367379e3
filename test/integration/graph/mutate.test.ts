import type { Client } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphSimulator,
  type SimulatedAccount,
  SimulatorInputError,
  startGraphSimulator,
} from "@mailferry/azure-local/graph";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import {
  type FolderInfo,
  clientFor,
  folderPages,
  folderTree,
  itemPages,
  mailboxIds,
  mailboxPath,
  planted,
} from "./helpers.js";

/** What an incremental-sync test changes behind the API's back, checked through the API. */
describe("Graph simulator: changes behind the API's back", () => {
  let simulator: GraphSimulator;
  let source: Client;
  let accounts: readonly SimulatedAccount[];
  const account = (expectation: SimulatedAccount["expectation"], index = 0): SimulatedAccount =>
    planted(accounts, expectation, index);
  const itemUrl = (mailboxId: string, folder: FolderInfo | undefined, itemId: string): string =>
    `${mailboxPath(mailboxId)}/folders/${folder?.id ?? ""}/items/${itemId}`;

  beforeAll(async () => {
    simulator = await startGraphSimulator({
      mailboxes: 12,
      itemsPerMailbox: 10,
      seed: 11,
      logger: silentLogger,
    });
    source = clientFor(simulator, "source", { version: "beta" });
    accounts = simulator.inventory();
  });

  afterAll(async () => {
    await simulator.close();
  });

  it("adds, moves, renames and deletes folders and items of the archive under archive: paths", async () => {
    const { sourceUpn } = account("archive");
    const ids = await mailboxIds(source, sourceUpn);
    const archiveId = ids.inPlaceArchiveMailboxId ?? "";
    const first = await folderPages(source, `${mailboxPath(archiveId)}/folders/delta`);

    const projects = simulator.mutate.addFolder(sourceUpn, "archive:Inbox", "Old Projects");
    const topLevel = simulator.mutate.addFolder(sourceUpn, "archive:", "Top Level");
    const itemId = simulator.mutate.addItem(sourceUpn, "archive:Inbox/Old Projects", {
      receivedDateTime: "2017-01-02T03:04:05Z",
      size: 1234,
      subject: "Kept for years",
    });
    let tree = await folderTree(source, archiveId);
    expect(tree.get("Inbox/Old Projects")?.id).toBe(projects);
    const added = (await source.api(itemUrl(archiveId, tree.get("Inbox/Old Projects"), itemId)).get()) as {
      size: number;
      type: string;
    };
    expect(added).toMatchObject({ size: 1234, type: "IPM.Note" });
    // The received time is no property of mailboxItem: the delta's filter is where it shows.
    const folderOf = `${mailboxPath(archiveId)}/folders/${projects}/items/delta`;
    const since = await itemPages(source, `${folderOf}?$filter=receivedDateTime ge 2017-01-02T03:04:05Z`);
    const after = await itemPages(source, `${folderOf}?$filter=receivedDateTime gt 2017-01-02T03:04:05Z`);
    expect([since.values.map((item) => item.id), after.values]).toEqual([[itemId], []]);

    simulator.mutate.moveItem(sourceUpn, itemId, "archive:Top Level");
    tree = await folderTree(source, archiveId);
    const movedItem = (await source.api(itemUrl(archiveId, tree.get("Top Level"), itemId)).get()) as {
      id: string;
    };
    expect(movedItem.id).toBe(itemId);

    simulator.mutate.renameFolder(sourceUpn, "archive:Inbox/Old Projects", "Older Projects");
    simulator.mutate.moveFolder(sourceUpn, "archive:Inbox/Older Projects", "");
    expect((await folderTree(source, archiveId)).get("Older Projects")?.id).toBe(projects);
    // The new parent is in the same mailbox as the folder: no prefix needed.
    simulator.mutate.moveFolder(sourceUpn, "archive:Older Projects", "Top Level");
    expect((await folderTree(source, archiveId)).get("Top Level/Older Projects")?.id).toBe(projects);

    const beforeDeletes = await folderPages(source, first.deltaLink ?? "");
    expect(beforeDeletes.values.map((folder) => folder.id).sort()).toEqual([projects, topLevel].sort());
    simulator.mutate.deleteItem(sourceUpn, itemId);
    const topLevelItems = await itemPages(source, `${mailboxPath(archiveId)}/folders/${topLevel}/items`);
    expect(topLevelItems.values).toEqual([]);
    simulator.mutate.deleteFolder(sourceUpn, "archive:Top Level");
    const removed = await folderPages(source, beforeDeletes.deltaLink ?? "");
    expect(removed.values).toEqual(
      [projects, topLevel].sort().map((id) => ({ id, "@removed": { reason: "deleted" } })),
    );
    expect((await folderTree(source, ids.primaryMailboxId)).has("Top Level")).toBe(false);
  });

  it("moves a primary folder to the top level and adds items of the folder's class", async () => {
    const { sourceUpn } = account("ok");
    const { primaryMailboxId } = await mailboxIds(source, sourceUpn);
    const nested = simulator.mutate.addFolder(sourceUpn, "Inbox", "Nested");
    simulator.mutate.moveFolder(sourceUpn, "Inbox/Nested", "");
    const tree = await folderTree(source, primaryMailboxId);
    expect(tree.get("Nested")?.id).toBe(nested);
    expect(tree.has("Inbox/Nested")).toBe(false);

    const meeting = simulator.mutate.addItem(sourceUpn, "Calendar");
    const fetched = (await source.api(itemUrl(primaryMailboxId, tree.get("Calendar"), meeting)).get()) as {
      type: string;
    };
    expect(fetched.type).toBe("IPM.Appointment");
  });

  it("refuses users, paths and items it does not know, and moves between mailboxes", () => {
    const archived = account("archive").sourceUpn;
    const plain = account("ok").sourceUpn;
    const inboxItem = simulator.mutate.addItem(archived, "Inbox");
    const refusals: (() => unknown)[] = [
      () => simulator.mutate.addItem("nobody@nowhere.example", "Inbox"),
      () => simulator.mutate.addItem(plain, "No Such Folder"),
      () => simulator.mutate.addItem(plain, "archive:Inbox"),
      () => simulator.mutate.deleteItem(plain, "AAMkAGnope"),
      () => simulator.mutate.moveItem(archived, inboxItem, "archive:Inbox"),
      () => simulator.mutate.moveFolder(archived, "Inbox", "archive:Sent Items"),
      () => simulator.mutate.renameFolder(plain, "No Such Folder", "Other"),
    ];
    for (const refused of refusals) expect(refused).toThrow(SimulatorInputError);
  });
});
