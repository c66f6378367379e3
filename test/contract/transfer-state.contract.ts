/**
 * What every TransferStateStore must do, run against the in-memory fake and the Table Storage
 * adapter: what a pass needs to follow the source (folder checkpoints, the item map and its
 * fingerprint lookup, removals waiting for the end of the pass, bad items), each write safe to
 * repeat, since a slice is delivered at least once.
 */
import { describe, expect, it } from "vitest";
import {
  itemFingerprint,
  type BadItemRecord,
  type FolderCheckpoint,
  type ItemRecord,
  type TransferStateStore,
} from "../../shared/transfer/state/port.js";
import { MAX_BAD_ITEM_TEXT } from "../../shared/transfer/state/port.js";

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

/** Registers the contract suite for one TransferStateStore implementation. */
export function transferStateContract(name: string, create: () => Promise<TransferStateStore>): void {
  describe(`TransferStateStore contract: ${name}`, () => {
    it("keeps every field of a folder checkpoint and an item record", async () => {
      const state = await create();
      await state.saveFolder("acct~primary", folder);
      await state.putItem("acct~primary", item);
      expect(await state.loadFolders("acct~primary")).toEqual([folder]);
      expect((await state.getItems("acct~primary", [item.sourceItemId])).get(item.sourceItemId)).toEqual(
        item,
      );
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

    it("finds recorded items by id, leaving out those never recorded and other mailboxes' items", async () => {
      const state = await create();
      await state.putItem("acct~primary", item);
      expect((await state.getItems("acct~primary", [])).size).toBe(0);
      const found = await state.getItems("acct~primary", ["never", item.sourceItemId]);
      expect([...found.keys()]).toEqual([item.sourceItemId]);
      expect((await state.getItems("acct~archive", [item.sourceItemId])).size).toBe(0);
    });

    it("replaces an intent by the import's record when the item is written again", async () => {
      const state = await create();
      const intent: ItemRecord = {
        sourceItemId: "item-c",
        targetItemId: "",
        pending: true,
        sourceVersion: "v2",
        sizeBytes: 2048,
      };
      await state.putItems("acct~primary", [intent, { ...intent, sourceItemId: "item-d" }]);
      await state.putItem("acct~primary", item);
      const read = await state.getItems("acct~primary", ["item-c", "item-d"]);
      expect(read.get("item-c")).toEqual(item);
      expect(read.get("item-d")).toEqual({ ...intent, sourceItemId: "item-d" });
    });

    it("keeps the later record of an item written twice in one batch", async () => {
      const state = await create();
      // A delta page may list an item twice; the later mention is the newer.
      await state.putItems("acct~primary", [
        { ...item, sourceVersion: "v1" },
        { ...item, sourceItemId: "other" },
        { ...item, sourceVersion: "v3" },
      ]);
      const read = await state.getItems("acct~primary", [item.sourceItemId]);
      expect(read.get(item.sourceItemId)?.sourceVersion).toBe("v3");
    });

    it("finds items by fingerprint until they are deleted or change size", async () => {
      const state = await create();
      const print = itemFingerprint(item.createdDateTime, item.sizeBytes);
      const twin: ItemRecord = { ...item, sourceItemId: "item-twin", targetItemId: "copy-twin" };
      const stranger: ItemRecord = { ...item, sourceItemId: "item-x", sizeBytes: 1 };
      await state.putItems("acct~primary", [item, twin, stranger]);
      const both = await state.findByFingerprint("acct~primary", [print, print]);
      expect(both.map((record) => record.sourceItemId).sort()).toEqual(["item-c", "item-twin"]);
      expect(await state.findByFingerprint("acct~primary", ["2024-01-01T00:00:00.000Z|7"])).toEqual([]);

      await state.deleteItem("acct~primary", twin.sourceItemId, print);
      // Deleted without its fingerprint: the lookup must still not return it.
      await state.putItem("acct~primary", { ...item, sizeBytes: 4096 });
      expect(await state.findByFingerprint("acct~primary", [print])).toEqual([]);
      expect(
        (await state.findByFingerprint("acct~primary", [itemFingerprint(item.createdDateTime, 4096)])).map(
          (record) => record.sizeBytes,
        ),
      ).toEqual([4096]);
      await state.deleteItem("acct~primary", item.sourceItemId);
      expect(
        await state.findByFingerprint("acct~primary", [itemFingerprint(item.createdDateTime, 4096)]),
      ).toEqual([]);
      // Deleting what is already gone is harmless (a replayed slice does it again).
      await state.deleteItem("acct~primary", item.sourceItemId, print);
      expect((await state.getItems("acct~primary", [item.sourceItemId])).size).toBe(0);
    });

    it("lists the items last seen in a folder, and not one that moved on", async () => {
      const state = await create();
      await state.putItems("acct~primary", [
        { ...item, sourceItemId: "a", sourceFolderId: "f'1" },
        { ...item, sourceItemId: "b", sourceFolderId: "f'1" },
        { ...item, sourceItemId: "c", sourceFolderId: "f2" },
      ]);
      await state.putItem("acct~primary", { ...item, sourceItemId: "b", sourceFolderId: "f2" });
      expect(
        (await state.listItemsInFolder("acct~primary", "f'1")).map((record) => record.sourceItemId),
      ).toEqual(["a"]);
      expect(
        (await state.listItemsInFolder("acct~primary", "f2")).map((record) => record.sourceItemId).sort(),
      ).toEqual(["b", "c"]);
      expect(await state.listItemsInFolder("acct~archive", "f2")).toEqual([]);
    });

    it("settles removals safely more than once, and ones never recorded", async () => {
      const state = await create();
      const removals = [
        { sourceFolderId: "f1", sourceItemId: "a", round: 2 },
        { sourceFolderId: "f1", sourceItemId: "b" },
      ];
      // The same removal twice in one report is recorded once.
      await state.addRemovals("acct~primary", [...removals, ...removals.slice(0, 1)]);
      expect(await state.listRemovals("acct~primary")).toEqual(expect.arrayContaining(removals));
      expect(await state.listRemovals("acct~primary")).toHaveLength(2);
      await state.deleteRemovals("acct~primary", removals.slice(0, 1));
      // Settled again after a crash, with one that was never recorded.
      await state.deleteRemovals("acct~primary", [...removals, { sourceFolderId: "f9", sourceItemId: "z" }]);
      expect(await state.listRemovals("acct~primary")).toEqual([]);
    });

    it("keeps a bad item once, the first record standing, its subject and sender cut short", async () => {
      const state = await create();
      const bad: BadItemRecord = {
        sourceItemId: "bad-1",
        folderPath: "Inbox",
        sizeBytes: 200_000_000,
        kind: "large",
        code: "ItemTooLarge",
        at: "2030-03-05T01:00:00.000Z",
        subject: "s".repeat(MAX_BAD_ITEM_TEXT + 50),
        sender: "x".repeat(MAX_BAD_ITEM_TEXT + 1),
        receivedDateTime: "2029-01-01T00:00:00Z",
      };
      await state.putBadItem("acct~primary", bad);
      await state.putBadItem("acct~primary", { ...bad, kind: "failed", code: "ErrorLater" });
      const { subject: _subject, sender: _sender, receivedDateTime: _received, ...plain } = bad;
      await state.putBadItem("acct~primary", { ...plain, sourceItemId: "bad-2" });
      const listed = await state.listBadItems("acct~primary");
      expect(listed.find((record) => record.sourceItemId === "bad-1")).toEqual({
        ...bad,
        subject: "s".repeat(MAX_BAD_ITEM_TEXT),
        sender: "x".repeat(MAX_BAD_ITEM_TEXT),
      });
      expect(listed.find((record) => record.sourceItemId === "bad-2")).toEqual({
        ...plain,
        sourceItemId: "bad-2",
      });
      expect(listed).toHaveLength(2);
      expect(await state.listBadItems("acct~archive")).toEqual([]);
    });

    it("forgets a folder, harmlessly when it is already gone, and keeps mailboxes apart", async () => {
      const state = await create();
      await state.saveFolders("acct~primary", [folder, { ...folder, sourceFolderId: "f2" }]);
      await state.saveFolder("acct2~primary", folder);
      await state.deleteFolder("acct~primary", folder.sourceFolderId);
      await state.deleteFolder("acct~primary", folder.sourceFolderId);
      await state.deleteFolder("acct~primary", "never-there");
      expect((await state.loadFolders("acct~primary")).map((read) => read.sourceFolderId)).toEqual(["f2"]);
      expect(await state.loadFolders("acct2~primary")).toEqual([folder]);
      expect(await state.loadFolders("acct~archive")).toEqual([]);
    });
  });
}
