/**
 * The transfer engine's state, round-tripped through the Table Storage adapter and the in-memory
 * fake alike: what a pass needs to follow the source (pass numbers, parents, archive folders,
 * removals waiting for the end of the pass, the folder an item was last seen in).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { createTableClient } from "../../../shared/tables/client.js";
import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";
import type {
  FolderCheckpoint,
  ItemRecord,
  TransferStateStore,
} from "../../../shared/transfer/state/port.js";
import { TablesTransferState } from "../../../shared/transfer/state/tables.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

async function tablesState(): Promise<TransferStateStore> {
  const table = createTableClient(
    {
      kind: "connectionString",
      connectionString: azurite.connectionString,
      tablePrefix: `t${randomBytes(5).toString("hex")}`,
    },
    "transfer",
  );
  await table.createTable();
  return new TablesTransferState(table);
}

const folder: FolderCheckpoint = {
  sourceFolderId: "src/folder+1",
  targetFolderId: "tgt-1",
  path: "Inbox/Projects",
  cursor: "https://graph/delta?$deltatoken=abc",
  passComplete: false,
  sourceItemCount: 12,
  round: 3,
  sourceParentId: "src-inbox",
  archiveFolderId: "arch-1",
};

const item: ItemRecord = {
  sourceItemId: "item-c",
  targetItemId: "copy-c",
  targetChangeKey: "ck",
  sourceVersion: "v2",
  sizeBytes: 2048,
  createdDateTime: "2024-01-01T00:00:00.000Z",
  sourceFolderId: "src/folder+1",
  inArchive: true,
};

describe.each([
  ["in memory", (): Promise<TransferStateStore> => Promise.resolve(new InMemoryTransferState())],
  ["Table Storage", tablesState],
])("transfer state (%s)", (_name, create) => {
  it("keeps every field of a folder checkpoint and an item record", async () => {
    const state = await create();
    await state.saveFolder("acct~primary", folder);
    await state.putItem("acct~primary", item);
    expect(await state.loadFolders("acct~primary")).toEqual([folder]);
    expect((await state.getItems("acct~primary", [item.sourceItemId])).get(item.sourceItemId)).toEqual(item);
  });

  it("saves many folder checkpoints of a mailbox at once", async () => {
    const state = await create();
    const folders = Array.from({ length: 130 }, (_, n) => ({
      ...folder,
      sourceFolderId: `folder-${n}`,
      path: `Inbox/${n}`,
    }));
    await state.saveFolders("acct~primary", folders);
    const read = await state.loadFolders("acct~primary");
    expect(read.map((f) => f.path).sort()).toEqual(folders.map((f) => f.path).sort());
    expect(read.every((f) => f.round === 3 && f.archiveFolderId === "arch-1")).toBe(true);
  });

  it("keeps pending removals apart per folder, once each, until they are settled", async () => {
    const state = await create();
    // Real item ids are long: a thousand of them would not fit one Table Storage property.
    const long = (n: number): string => `AAMkAD${"x".repeat(140)}${n}`;
    const removals = Array.from({ length: 1_000 }, (_, n) => ({
      sourceFolderId: n % 2 === 0 ? "folder|a~1" : "folder-b",
      sourceItemId: long(n),
    }));
    await state.addRemovals("acct~primary", removals);
    await state.addRemovals("acct~primary", removals.slice(0, 10));
    const listed = await state.listRemovals("acct~primary");
    expect(listed).toHaveLength(1_000);
    expect(listed.filter((removal) => removal.sourceFolderId === "folder|a~1")).toHaveLength(500);
    await state.deleteRemovals("acct~primary", removals.slice(0, 400));
    expect(await state.listRemovals("acct~primary")).toHaveLength(600);
    expect(await state.listRemovals("acct~archive")).toEqual([]);
  });

  it("drops optional fields when a checkpoint is saved without them", async () => {
    const state = await create();
    await state.saveFolder("acct~archive", folder);
    const { archiveFolderId: _none, sourceParentId: _top, ...plain } = folder;
    await state.saveFolder("acct~archive", { ...plain, round: 0 });
    const [read] = await state.loadFolders("acct~archive");
    expect(read).toBeDefined();
    expect(read?.archiveFolderId).toBeUndefined();
    expect(read?.sourceParentId).toBeUndefined();
    expect(read?.round ?? 0).toBe(0);
  });
});
