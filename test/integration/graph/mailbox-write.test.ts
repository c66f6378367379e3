import { type Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphSimulator, startGraphSimulator } from "../../../local/graph/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import {
  type FolderInfo,
  type ItemInfo,
  appClient,
  clientFor,
  folderPages,
  folderTree,
  graphError,
  itemPages,
  mailboxIds,
  mailboxPath,
} from "./helpers.js";

describe("Graph simulator: moving folders and items, deleting items", () => {
  let simulator: GraphSimulator;
  let target: Client;
  let upns: string[];

  beforeAll(async () => {
    simulator = await startGraphSimulator({
      mailboxes: 4,
      itemsPerMailbox: 10,
      seed: 31,
      plantTrouble: false,
      logger: silentLogger,
    });
    target = clientFor(simulator, "target");
    upns = simulator.inventory().map((entry) => entry.targetUpn);
  });

  afterAll(async () => {
    await simulator.close();
  });

  const mailboxOf = async (upn: string): Promise<string> => (await mailboxIds(target, upn)).primaryMailboxId;
  const folderUrl = (mailboxId: string, folderId: string): string =>
    `${mailboxPath(mailboxId)}/folders/${folderId}`;

  it("moves a folder with its subtree, to the top level too, answering the folder as GET does", async () => {
    const upn = upns[0] ?? "";
    const mailboxId = await mailboxOf(upn);
    const projects = simulator.mutate.addFolder(upn, "", "Projects");
    const alpha = simulator.mutate.addFolder(upn, "Projects", "Alpha");
    const before = await folderPages(target, `${mailboxPath(mailboxId)}/folders/delta`);
    const inbox = (await folderTree(target, mailboxId)).get("Inbox") as FolderInfo;

    const moved = (await target
      .api(`${folderUrl(mailboxId, projects)}/move`)
      .post({ destinationId: inbox.id })) as Record<string, unknown>;
    const fetched = (await target.api(folderUrl(mailboxId, projects)).get()) as Record<string, unknown>;
    expect(moved).toEqual(fetched);
    expect(moved).toMatchObject({ id: projects, displayName: "Projects", parentFolderId: inbox.id });
    const tree = await folderTree(target, mailboxId);
    expect(tree.get("Inbox/Projects/Alpha")?.id).toBe(alpha);
    expect(tree.has("Projects")).toBe(false);

    // Only the moved folder changed: its children keep their parent.
    const changed = await folderPages(target, before.deltaLink ?? "");
    expect(changed.values.map((folder) => folder.id)).toEqual([projects]);

    const top = (await target
      .api(`${folderUrl(mailboxId, projects)}/move`)
      .post({ destinationId: "MsgFolderRoot" })) as FolderInfo;
    expect(top.parentFolderId).toBe(inbox.parentFolderId);
    expect((await folderTree(target, mailboxId)).get("Projects/Alpha")?.id).toBe(alpha);

    // A move to where the folder already is changes nothing and is no name clash.
    const again = (await target
      .api(`${folderUrl(mailboxId, projects)}/move`)
      .post({ destinationId: "msgfolderroot" })) as FolderInfo;
    expect(again.parentFolderId).toBe(inbox.parentFolderId);
  });

  it("refuses moves into the folder's own subtree, unknown folders, clashes, bad bodies and readers", async () => {
    const upn = upns[1] ?? "";
    const mailboxId = await mailboxOf(upn);
    const parent = simulator.mutate.addFolder(upn, "", "Parent");
    const child = simulator.mutate.addFolder(upn, "Parent", "Child");
    const grandchild = simulator.mutate.addFolder(upn, "Parent/Child", "Grandchild");
    const moveUrl = `${folderUrl(mailboxId, parent)}/move`;
    for (const destinationId of [parent, child, grandchild]) {
      const cycle = await graphError(target.api(moveUrl).post({ destinationId }));
      expect([cycle.statusCode, cycle.code]).toEqual([400, "ErrorInvalidRequest"]);
    }
    const unknownFolder = await graphError(
      target.api(`${folderUrl(mailboxId, "AAMkAFnope")}/move`).post({ destinationId: "msgfolderroot" }),
    );
    expect([unknownFolder.statusCode, unknownFolder.code]).toEqual([404, "ErrorItemNotFound"]);
    const unknownDestination = await graphError(target.api(moveUrl).post({ destinationId: "AAMkAFnope" }));
    expect([unknownDestination.statusCode, unknownDestination.code]).toEqual([404, "ErrorItemNotFound"]);
    const noBody = await graphError(target.api(moveUrl).post({}));
    expect([noBody.statusCode, noBody.code]).toEqual([400, "ErrorInvalidRequest"]);

    simulator.mutate.addFolder(upn, "Inbox", "Child");
    const inbox = (await folderTree(target, mailboxId)).get("Inbox") as FolderInfo;
    const clash = await graphError(
      target.api(`${folderUrl(mailboxId, child)}/move`).post({ destinationId: inbox.id }),
    );
    expect([clash.statusCode, clash.code]).toEqual([409, "ErrorFolderExists"]);

    const reader = appClient(simulator, "target", ["MailboxFolder.Read.All"]);
    const denied = await graphError(reader.api(moveUrl).post({ destinationId: "msgfolderroot" }));
    expect([denied.statusCode, denied.code]).toEqual([403, "ErrorAccessDenied"]);
    expect((await folderTree(target, mailboxId)).get("Parent/Child/Grandchild")?.id).toBe(grandchild);
  });

  it("moves an item between folders, keeping its id, and delta reports it gone and arrived", async () => {
    const upn = upns[2] ?? "";
    const mailboxId = await mailboxOf(upn);
    const received = "2019-05-06T07:08:09.000Z";
    const itemId = simulator.mutate.addItem(upn, "Inbox", { receivedDateTime: received, subject: "Old" });
    const tree = await folderTree(target, mailboxId);
    const inbox = tree.get("Inbox") as FolderInfo;
    const archive = tree.get("Archive") as FolderInfo;
    const inboxDelta = await itemPages(target, `${folderUrl(mailboxId, inbox.id)}/items/delta`);
    const archiveDelta = await itemPages(target, `${folderUrl(mailboxId, archive.id)}/items/delta`);
    const before = (await target.api(`${folderUrl(mailboxId, inbox.id)}/items/${itemId}`).get()) as ItemInfo;
    expect(before.receivedDateTime).toBe(received);

    const moved = (await target
      .api(`${mailboxPath(mailboxId)}/items/${itemId}/move`)
      .post({ destinationId: archive.id })) as Record<string, unknown>;
    const fetched = (await target.api(`${folderUrl(mailboxId, archive.id)}/items/${itemId}`).get()) as Record<
      string,
      unknown
    >;
    expect(moved).toEqual(fetched);
    expect(moved).toMatchObject({ id: itemId, receivedDateTime: received, changeKey: before.changeKey });
    const gone = await graphError(target.api(`${folderUrl(mailboxId, inbox.id)}/items/${itemId}`).get());
    expect(gone.statusCode).toBe(404);

    const left = await itemPages(target, inboxDelta.deltaLink ?? "");
    expect(left.values).toEqual([{ id: itemId, "@removed": { reason: "deleted" } }]);
    const arrived = await itemPages(target, archiveDelta.deltaLink ?? "");
    expect(arrived.values.map((item) => item.id)).toEqual([itemId]);

    const unknownItem = await graphError(
      target.api(`${mailboxPath(mailboxId)}/items/AAMkAGnope/move`).post({ destinationId: inbox.id }),
    );
    expect([unknownItem.statusCode, unknownItem.code]).toEqual([404, "ErrorItemNotFound"]);
    const unknownFolder = await graphError(
      target.api(`${mailboxPath(mailboxId)}/items/${itemId}/move`).post({ destinationId: "AAMkAFnope" }),
    );
    expect([unknownFolder.statusCode, unknownFolder.code]).toEqual([404, "ErrorItemNotFound"]);
    const noBody = await graphError(target.api(`${mailboxPath(mailboxId)}/items/${itemId}/move`).post({}));
    expect([noBody.statusCode, noBody.code]).toEqual([400, "ErrorInvalidRequest"]);
  });

  it("deletes an item with 204, leaving a tombstone for delta, and 404s an unknown one", async () => {
    const upn = upns[3] ?? "";
    const mailboxId = await mailboxOf(upn);
    const doomed = simulator.mutate.addItem(upn, "Inbox", { subject: "Doomed" });
    const kept = simulator.mutate.addItem(upn, "Inbox", { subject: "Kept" });
    const inbox = (await folderTree(target, mailboxId)).get("Inbox") as FolderInfo;
    const first = await itemPages(target, `${folderUrl(mailboxId, inbox.id)}/items/delta`);
    expect(first.values.map((item) => item.id).sort()).toEqual([doomed, kept].sort());

    const reply = (await target
      .api(`${mailboxPath(mailboxId)}/items/${doomed}`)
      .responseType(ResponseType.RAW)
      .delete()) as Response;
    expect(reply.status).toBe(204);
    const gone = await graphError(target.api(`${folderUrl(mailboxId, inbox.id)}/items/${doomed}`).get());
    expect([gone.statusCode, gone.code]).toEqual([404, "ErrorItemNotFound"]);
    const after = await itemPages(target, first.deltaLink ?? "");
    expect(after.values).toEqual([{ id: doomed, "@removed": { reason: "deleted" } }]);
    const listed = await itemPages(target, `${folderUrl(mailboxId, inbox.id)}/items`);
    expect(listed.values.map((item) => item.id)).toEqual([kept]);

    const again = await graphError(target.api(`${mailboxPath(mailboxId)}/items/${doomed}`).delete());
    expect([again.statusCode, again.code]).toEqual([404, "ErrorItemNotFound"]);

    // Deleting and moving items needs the import/export permission, which a reader lacks.
    const reader = appClient(simulator, "target", ["MailboxItem.Read.All", "MailboxFolder.ReadWrite.All"]);
    const denied = await graphError(reader.api(`${mailboxPath(mailboxId)}/items/${kept}`).delete());
    expect([denied.statusCode, denied.code]).toEqual([403, "ErrorAccessDenied"]);
    const deniedMove = await graphError(
      reader.api(`${mailboxPath(mailboxId)}/items/${kept}/move`).post({ destinationId: inbox.id }),
    );
    expect(deniedMove.statusCode).toBe(403);
  });

  it("serves receivedDateTime in item JSON and $select", async () => {
    const upn = upns[0] ?? "";
    const mailboxId = await mailboxOf(upn);
    const received = "2021-02-03T04:05:06.789Z";
    const itemId = simulator.mutate.addItem(upn, "Sent Items", { receivedDateTime: received });
    const sent = (await folderTree(target, mailboxId)).get("Sent Items") as FolderInfo;
    const selected = (await target
      .api(`${folderUrl(mailboxId, sent.id)}/items/${itemId}`)
      .select("receivedDateTime")
      .get()) as Record<string, unknown>;
    expect(selected).toMatchObject({ id: itemId, receivedDateTime: received });
    expect(selected).not.toHaveProperty("size");
    const listed = await itemPages(target, `${folderUrl(mailboxId, sent.id)}/items?$select=receivedDateTime`);
    expect(listed.values.find((item) => item.id === itemId)?.receivedDateTime).toBe(received);
  });
});
