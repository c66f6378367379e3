/**
 * What every MailboxGraph must do, run against the in-memory fake and the Graph adapter on the
 * HTTPS simulator: users and mailbox ids, the folder tree, item delta paging, export and import
 * (keeping the creation time and size the engine recognises a copy by), deletes that tolerate a
 * replay, drafts sent once, and the failures the engine handles (throttling, a lost answer).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailboxGovernor } from "../../shared/graph/governor.js";
import { MSG_FOLDER_ROOT, type MailboxGraph, type MailboxItem } from "../../shared/graph/port.js";
import { ItemRejectedError, ThrottledError, TransientTransferError } from "../../shared/graph/errors.js";

export interface MailboxGraphFixture {
  /** The source tenant: read only, as the source app's permissions are. */
  readonly source: MailboxGraph;
  /** The target tenant, written to. */
  readonly target: MailboxGraph;
  /** A source user whose primary mailbox has a folder of at least three items. */
  readonly sourceUpn: string;
  /** A licensed target user with a mailbox. */
  readonly targetUpn: string;
  /** A UPN neither tenant has. */
  readonly missingUpn: string;
  /** Runs `call` while the target answers every request with 429. */
  whileThrottled<T>(call: () => Promise<T>): Promise<T>;
  /** Runs `call`, an import into the target, which is carried out but whose answer never arrives. */
  losingTheAnswer<T>(call: () => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

const governor = (): MailboxGovernor => new MailboxGovernor();

async function primaryOf(graph: MailboxGraph, upn: string): Promise<string> {
  const user = await graph.findUser(upn);
  const ids = user && (await graph.mailboxIds(user.id, false));
  if (!ids) throw new Error(`${upn} has no mailbox`);
  return ids.primaryMailboxId;
}

/** Every item of a folder's first delta round, and the round's delta link. */
async function fullRound(
  graph: MailboxGraph,
  mailboxId: string,
  folderId: string,
  pageSize = 50,
): Promise<{ items: MailboxItem[]; deltaLink: string; pages: number }> {
  const items: MailboxItem[] = [];
  let cursor: string | undefined;
  for (let pages = 1; ; pages += 1) {
    const page = await graph.itemDelta(mailboxId, folderId, cursor, pageSize, governor());
    items.push(...page.items);
    if (page.deltaLink !== undefined) return { items, deltaLink: page.deltaLink, pages };
    if (page.nextLink === undefined) throw new Error("a delta page with neither link");
    cursor = page.nextLink;
  }
}

/** A new folder at the top of the target user's mailbox. */
async function freshFolder(graph: MailboxGraph, mailboxId: string): Promise<string> {
  const folder = await graph.createFolder(
    mailboxId,
    undefined,
    `Contract ${randomUUID()}`,
    "IPF.Note",
    governor(),
  );
  return folder.id;
}

/** Registers the contract suite for one MailboxGraph implementation. */
export function mailboxGraphContract(name: string, create: () => Promise<MailboxGraphFixture>): void {
  describe(`MailboxGraph contract: ${name}`, () => {
    let fixture: MailboxGraphFixture;
    let sourceMailbox: string;
    let targetMailbox: string;

    beforeAll(async () => {
      fixture = await create();
      sourceMailbox = await primaryOf(fixture.source, fixture.sourceUpn);
      targetMailbox = await primaryOf(fixture.target, fixture.targetUpn);
    });
    afterAll(async () => {
      await fixture.dispose();
    });

    /** A source folder holding at least three items, and its items. */
    const seededFolder = async (): Promise<{ folderId: string; count: number }> => {
      const folders = await fixture.source.listFolders(sourceMailbox, governor());
      const folder = folders.find((each) => (each.totalItemCount ?? 0) >= 3);
      if (!folder) throw new Error("the source mailbox has no folder of three items");
      return { folderId: folder.id, count: folder.totalItemCount ?? 0 };
    };

    it("finds a user by UPN in any case, and its mailbox; a missing user is undefined", async () => {
      const user = await fixture.source.findUser(fixture.sourceUpn.toUpperCase());
      expect(user?.userPrincipalName.toLowerCase()).toBe(fixture.sourceUpn.toLowerCase());
      expect(await fixture.source.findUser(user?.id ?? "")).toMatchObject({ id: user?.id });
      expect(await fixture.source.findUser(fixture.missingUpn)).toBeUndefined();
      const ids = await fixture.source.mailboxIds(user?.id ?? "", true);
      expect(ids?.primaryMailboxId).toBe(sourceMailbox);
    });

    it("lists the folder tree under its top, and finds well-known folders by name", async () => {
      const known = await fixture.target.wellKnownFolders(
        targetMailbox,
        ["inbox", MSG_FOLDER_ROOT],
        governor(),
      );
      const inbox = known.get("inbox");
      const root = known.get(MSG_FOLDER_ROOT);
      expect(inbox?.parentFolderId).toBe(root?.id);
      const listed = await fixture.target.listFolders(targetMailbox, governor());
      expect(listed.map((folder) => folder.id)).toContain(inbox?.id);
      expect(listed.map((folder) => folder.id)).not.toContain(root?.id);
    });

    it("creates a folder once per name under a parent, renames it and deletes it with its children", async () => {
      const name = `Projects ${randomUUID()}`;
      const parent = await fixture.target.createFolder(
        targetMailbox,
        undefined,
        name,
        "IPF.Note",
        governor(),
      );
      await expect(
        fixture.target.createFolder(targetMailbox, undefined, name.toUpperCase(), "IPF.Note", governor()),
      ).rejects.toBeInstanceOf(ItemRejectedError);
      const child = await fixture.target.createFolder(
        targetMailbox,
        parent.id,
        "2031",
        "IPF.Note",
        governor(),
      );
      expect(child.parentFolderId).toBe(parent.id);

      await fixture.target.renameFolder(targetMailbox, parent.id, `${name} (old)`, governor());
      const renamed = await fixture.target.listFolders(targetMailbox, governor());
      expect(renamed.find((folder) => folder.id === parent.id)?.displayName).toBe(`${name} (old)`);

      await fixture.target.deleteFolder(targetMailbox, parent.id, governor());
      const after = (await fixture.target.listFolders(targetMailbox, governor())).map((folder) => folder.id);
      expect(after).not.toContain(parent.id);
      expect(after).not.toContain(child.id);
      // A replay of the delete has the effect asked for.
      await fixture.target.deleteFolder(targetMailbox, parent.id, governor());
    });

    it("pages a folder's items once each, then reports nothing while nothing changes", async () => {
      const { folderId, count } = await seededFolder();
      const round = await fullRound(fixture.source, sourceMailbox, folderId, 2);
      expect(round.pages).toBeGreaterThan(1);
      expect(new Set(round.items.map((item) => item.id)).size).toBe(count);
      expect(round.items).toHaveLength(count);
      const quiet = await fixture.source.itemDelta(sourceMailbox, folderId, round.deltaLink, 2, governor());
      expect(quiet.items).toEqual([]);
      expect(quiet.removedIds).toEqual([]);
    });

    it("exports items with their data, and an unknown item with an error of its own", async () => {
      const { folderId } = await seededFolder();
      const [first, second] = (await fullRound(fixture.source, sourceMailbox, folderId)).items;
      const unknown = first?.id.replace(/.$/, (last) => (last === "A" ? "B" : "A")) ?? "";
      const exported = await fixture.source.exportItems(
        sourceMailbox,
        [first?.id ?? "", second?.id ?? "", unknown],
        governor(),
      );
      expect(exported.find((entry) => entry.itemId === first?.id)?.data).toEqual(expect.any(String));
      expect(exported.find((entry) => entry.itemId === second?.id)?.data).toEqual(expect.any(String));
      const missing = exported.find((entry) => entry.itemId === unknown);
      expect(missing?.data).toBeUndefined();
      expect(missing?.error?.code).toEqual(expect.any(String));
    });

    it("imports an item keeping its creation time and size, updates it under its change key, and deletes it", async () => {
      const { folderId } = await seededFolder();
      const [original] = (await fullRound(fixture.source, sourceMailbox, folderId)).items;
      const [exported] = await fixture.source.exportItems(sourceMailbox, [original?.id ?? ""], governor());
      const data = exported?.data ?? "";
      const folder = await freshFolder(fixture.target, targetMailbox);
      const session = await fixture.target.createImportSession(targetMailbox, governor());
      expect(Date.parse(session.expirationDateTime)).toBeGreaterThan(Date.now());

      const imported = await fixture.target.importItem(session, { folderId: folder, data }, governor());
      const round = await fullRound(fixture.target, targetMailbox, folder);
      expect(round.items).toHaveLength(1);
      expect(round.items[0]).toMatchObject({
        id: imported.itemId,
        createdDateTime: original?.createdDateTime,
        size: original?.size,
      });

      await expect(
        fixture.target.importItem(
          session,
          {
            folderId: folder,
            data,
            update: { itemId: imported.itemId, changeKey: `${imported.changeKey}x` },
          },
          governor(),
        ),
      ).rejects.toBeInstanceOf(ItemRejectedError);
      const updated = await fixture.target.importItem(
        session,
        {
          folderId: folder,
          data,
          update: {
            itemId: imported.itemId,
            ...(imported.changeKey ? { changeKey: imported.changeKey } : {}),
          },
        },
        governor(),
      );
      expect(updated.itemId).toBe(imported.itemId);
      expect(updated.changeKey).not.toBe(imported.changeKey);

      await fixture.target.deleteItem(targetMailbox, folder, imported.itemId, governor());
      await fixture.target.deleteItem(targetMailbox, folder, imported.itemId, governor());
      const changes = await fixture.target.itemDelta(targetMailbox, folder, round.deltaLink, 50, governor());
      expect(changes.removedIds).toContain(imported.itemId);
      expect((await fullRound(fixture.target, targetMailbox, folder)).items).toEqual([]);
    });

    it("a lost import answer is a network failure, and the item is in the target all the same", async () => {
      const { folderId } = await seededFolder();
      const [original] = (await fullRound(fixture.source, sourceMailbox, folderId)).items;
      const [exported] = await fixture.source.exportItems(sourceMailbox, [original?.id ?? ""], governor());
      const folder = await freshFolder(fixture.target, targetMailbox);
      const session = await fixture.target.createImportSession(targetMailbox, governor());

      const failure: unknown = await fixture
        .losingTheAnswer(() =>
          fixture.target.importItem(session, { folderId: folder, data: exported?.data ?? "" }, governor()),
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(TransientTransferError);
      expect((failure as TransientTransferError).status).toBe(0);
      const round = await fullRound(fixture.target, targetMailbox, folder);
      expect(round.items).toHaveLength(1);
      expect(round.items[0]).toMatchObject({
        createdDateTime: original?.createdDateTime,
        size: original?.size,
      });
    });

    it("a throttled call is a ThrottledError that says when to come back", async () => {
      const before = Date.now();
      const failure: unknown = await fixture
        .whileThrottled(() => fixture.target.listFolders(targetMailbox, governor()))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(ThrottledError);
      expect((failure as ThrottledError).retryAt.getTime()).toBeGreaterThan(before);
      expect((await fixture.target.listFolders(targetMailbox, governor())).length).toBeGreaterThan(0);
    });

    it("sends a draft once; sending it again is refused", async () => {
      const id = await fixture.target.createDraft(
        fixture.targetUpn,
        fixture.targetUpn,
        "Your mailbox moved",
        "Hello",
      );
      await fixture.target.sendDraft(fixture.targetUpn, id);
      await expect(fixture.target.sendDraft(fixture.targetUpn, id)).rejects.toBeInstanceOf(ItemRejectedError);
    });
  });
}
