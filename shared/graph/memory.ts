/**
 * An in-memory MailboxGraph for unit tests: users, mailboxes, folders and items as plain data that
 * a test sets up and changes itself, with delta paging, import sessions, and the failures the
 * engine handles injected on demand (`failNext`). The contract suite holds it to the behaviour of
 * the Graph adapter against the simulator.
 */
import type { MailboxGovernor } from "./governor.js";
import {
  DeltaExpiredError,
  ImportSessionExpiredError,
  ItemRejectedError,
  PermanentTransferError,
  ThrottledError,
  TransientTransferError,
  type FailureClass,
} from "./errors.js";
import {
  MSG_FOLDER_ROOT,
  WELL_KNOWN_FOLDERS,
  type ExportedItem,
  type GraphUser,
  type ImportedItem,
  type ImportSession,
  type ItemDeltaPage,
  type ItemDetails,
  type MailboxFolder,
  type MailboxGraph,
  type MailboxIds,
  type MailboxItem,
  type MailboxOperations,
} from "./port.js";

/** How long an import session's URL lives (the fake's own figure; Graph says it in the session). */
const IMPORT_SESSION_MS = 60 * 60_000;

/** What a test seeds an item with; the rest is made up. */
export interface FakeItemInput {
  readonly size?: number;
  readonly createdDateTime?: string;
  readonly receivedDateTime?: string;
  readonly subject?: string;
  readonly sender?: string;
}

interface FakeItem {
  readonly id: string;
  folderId: string;
  size: number;
  readonly createdDateTime: string;
  readonly receivedDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  subject: string;
  readonly sender: string;
  /** The mailbox change that last touched the item, for delta. */
  seq: number;
}

interface FakeFolder {
  readonly id: string;
  displayName: string;
  readonly parentFolderId: string | undefined;
  readonly type: string;
  readonly wellKnownName?: string;
}

interface FakeMailbox {
  readonly id: string;
  readonly rootId: string;
  readonly folders: Map<string, FakeFolder>;
  readonly items: Map<string, FakeItem>;
  /** Items gone from a folder (deleted or moved away), with the change that removed them. */
  readonly removed: { readonly folderId: string; readonly itemId: string; readonly seq: number }[];
  seq: number;
  /** Delta links of an older generation are expired (see `expireDeltaLinks`). */
  generation: number;
}

interface FakeUser extends GraphUser {
  readonly mailbox?: MailboxIds;
}

/** A failure injected into the next calls of an operation. */
export type InjectedFailure =
  /** 429 with Retry-After: a ThrottledError. */
  | { readonly kind: "throttled"; readonly retryAfterMs: number }
  /** A 5xx: a TransientTransferError with the status. */
  | { readonly kind: "unavailable" }
  /** The call is carried out, then the connection drops before the answer (status 0). */
  | { readonly kind: "lost answer" }
  /** A failure that is permanent for the account (a full mailbox, a mailbox out of scope). */
  | { readonly kind: "permanent"; readonly failureClass: FailureClass; readonly code: string };

/** The operations a failure can be injected into. */
export type FakeOperation = Exclude<keyof MailboxGraph, "forArchives">;

interface Armed {
  readonly operation: FakeOperation;
  readonly mailboxId: string | undefined;
  readonly failure: InjectedFailure;
  remaining: number;
}

/** An export's data: the fake's own stand-in for Exchange's opaque FastTransfer stream. */
interface ExportData {
  readonly v: "mailferry-fake-1";
  readonly size: number;
  readonly createdDateTime: string;
  readonly receivedDateTime: string;
  readonly subject: string;
  readonly sender: string;
}

function encodeData(item: FakeItem): string {
  const data: ExportData = {
    v: "mailferry-fake-1",
    size: item.size,
    createdDateTime: item.createdDateTime,
    receivedDateTime: item.receivedDateTime,
    subject: item.subject,
    sender: item.sender,
  };
  return Buffer.from(JSON.stringify(data)).toString("base64");
}

function decodeData(data: string): ExportData | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(data, "base64").toString("utf8")) as Partial<ExportData>;
    return parsed.v === "mailferry-fake-1" ? (parsed as ExportData) : undefined;
  } catch {
    return undefined;
  }
}

/** A delta cursor: where a folder's delta stands, as an opaque link. */
interface Cursor {
  readonly mailboxId: string;
  readonly folderId: string;
  readonly generation: number;
  /** Changes after this one are in the round. */
  readonly since: number;
  /** The round ends at this change (a nextLink), or is open (a deltaLink, undefined). */
  readonly upto?: number;
  /** The last change handed out in this round (changes are numbered in order). */
  readonly after: number;
  readonly receivedSince?: string;
}

const CURSOR_PREFIX = "memory://delta/";

function writeCursor(cursor: Cursor): string {
  return `${CURSOR_PREFIX}${Buffer.from(JSON.stringify(cursor)).toString("base64url")}`;
}

function readCursor(link: string): Cursor | undefined {
  if (!link.startsWith(CURSOR_PREFIX)) return undefined;
  try {
    return JSON.parse(Buffer.from(link.slice(CURSOR_PREFIX.length), "base64url").toString("utf8")) as Cursor;
  } catch {
    return undefined;
  }
}

function notFound(what: string): ItemRejectedError {
  return new ItemRejectedError("ErrorItemNotFound", `${what} failed with 404 ErrorItemNotFound`);
}

/** One tenant's users and mailboxes in memory. */
export class InMemoryMailboxGraph implements MailboxGraph {
  private readonly users = new Map<string, FakeUser>();
  private readonly mailboxes = new Map<string, FakeMailbox>();
  private readonly sessions = new Map<string, { readonly mailboxId: string; readonly expiresAt: number }>();
  private readonly drafts = new Map<
    string,
    { readonly from: string; readonly to: string; subject: string }
  >();
  private readonly armed: Armed[] = [];
  private nextId = 1;
  /** Mail sent from drafts, oldest first. */
  readonly sent: { readonly from: string; readonly to: string; readonly subject: string }[] = [];
  /** Calls made, by operation, for tests that count them. */
  readonly calls: FakeOperation[] = [];

  /** `now` is the fake's clock (import session expiry, item times). */
  constructor(private readonly now: () => number = Date.now) {}

  // ---- set-up and changes behind the API's back, for tests ----

  /** Adds a user, with a primary mailbox (its well-known folders made) and, if asked, an archive. */
  addUser(
    upn: string,
    options: { readonly mailbox?: boolean; readonly archive?: boolean; readonly licensed?: boolean } = {},
  ): { readonly id: string; readonly primaryMailboxId?: string; readonly archiveMailboxId?: string } {
    const id = this.newId("user");
    const primary = options.mailbox === false ? undefined : this.addMailbox();
    const archive = options.archive === true ? this.addMailbox() : undefined;
    this.users.set(id, {
      id,
      userPrincipalName: upn,
      displayName: upn.split("@")[0] ?? upn,
      mail: upn,
      usageLocation: "NL",
      assignedLicenses: options.licensed === false ? [] : [{ skuId: "fake-sku" }],
      ...(primary
        ? { mailbox: { primaryMailboxId: primary, inPlaceArchiveMailboxId: archive ?? null } }
        : {}),
    });
    return {
      id,
      ...(primary ? { primaryMailboxId: primary } : {}),
      ...(archive ? { archiveMailboxId: archive } : {}),
    };
  }

  /** The id of a mailbox's folder with this well-known name. */
  folderId(mailboxId: string, wellKnownName: string): string {
    const mailbox = this.mailbox(mailboxId);
    if (wellKnownName === MSG_FOLDER_ROOT) return mailbox.rootId;
    const folder = [...mailbox.folders.values()].find((each) => each.wellKnownName === wellKnownName);
    if (!folder) throw new Error(`mailbox ${mailboxId} has no ${wellKnownName} folder`);
    return folder.id;
  }

  /** Puts an item into a folder, as mail arriving would; returns its id. */
  addItem(mailboxId: string, folderId: string, input: FakeItemInput = {}): string {
    const mailbox = this.mailbox(mailboxId);
    this.folder(mailbox, folderId);
    const at = new Date(this.now()).toISOString();
    const id = this.newId("item");
    mailbox.items.set(id, {
      id,
      folderId,
      size: input.size ?? 1_000,
      createdDateTime: input.createdDateTime ?? at,
      receivedDateTime: input.receivedDateTime ?? input.createdDateTime ?? at,
      lastModifiedDateTime: at,
      changeKey: this.newId("ck"),
      subject: input.subject ?? `item ${id}`,
      sender: input.sender ?? "sender@example.com",
      seq: this.change(mailbox),
    });
    return id;
  }

  /** Moves an item to another folder, as its user would. */
  moveItem(mailboxId: string, itemId: string, folderId: string): void {
    const mailbox = this.mailbox(mailboxId);
    const item = this.item(mailbox, itemId);
    this.folder(mailbox, folderId);
    mailbox.removed.push({ folderId: item.folderId, itemId, seq: this.change(mailbox) });
    item.folderId = folderId;
    item.seq = this.change(mailbox);
  }

  /** The items of a folder, as stored (for assertions). */
  itemsIn(mailboxId: string, folderId: string): readonly (MailboxItem & { readonly subject: string })[] {
    return [...this.mailbox(mailboxId).items.values()]
      .filter((item) => item.folderId === folderId)
      .map((item) => ({ ...this.itemJson(item), subject: item.subject }));
  }

  /** The folders of a mailbox, as stored (for assertions). */
  foldersOf(mailboxId: string): readonly MailboxFolder[] {
    return this.listed(this.mailbox(mailboxId));
  }

  /** Every delta link handed out so far stops working, as after Exchange drops its sync state. */
  expireDeltaLinks(mailboxId: string): void {
    this.mailbox(mailboxId).generation += 1;
  }

  /**
   * Makes the next `times` calls of `operation` (on `mailboxId` only, when given) fail this way.
   * A lost answer fails after the call took effect; the others before.
   */
  failNext(
    operation: FakeOperation,
    failure: InjectedFailure,
    options: { readonly times?: number; readonly mailboxId?: string } = {},
  ): void {
    this.armed.push({ operation, mailboxId: options.mailboxId, failure, remaining: options.times ?? 1 });
  }

  /** Disarms every injected failure not yet used. */
  clearFailures(): void {
    this.armed.length = 0;
  }

  // ---- the port ----

  forArchives(): MailboxOperations {
    // One store serves both versions here: the fake does not tell v1.0 from beta.
    return this;
  }

  findUser(idOrUpn: string, governor?: MailboxGovernor): Promise<GraphUser | undefined> {
    return this.call("findUser", undefined, governor, () => {
      const wanted = idOrUpn.toLowerCase();
      const user = [...this.users.values()].find(
        (each) => each.id === idOrUpn || each.userPrincipalName.toLowerCase() === wanted,
      );
      if (!user) return undefined;
      const { mailbox: _mailbox, ...visible } = user;
      return visible;
    });
  }

  mailboxIds(userId: string, withArchive: boolean): Promise<MailboxIds | undefined> {
    return this.call("mailboxIds", undefined, undefined, () => {
      const mailbox = this.users.get(userId)?.mailbox;
      if (!mailbox) return undefined;
      return withArchive ? mailbox : { primaryMailboxId: mailbox.primaryMailboxId };
    });
  }

  listFolders(mailboxId: string, governor: MailboxGovernor): Promise<MailboxFolder[]> {
    return this.call("listFolders", mailboxId, governor, () => this.listed(this.mailbox(mailboxId)));
  }

  wellKnownFolders(
    mailboxId: string,
    names: readonly string[],
    governor: MailboxGovernor,
  ): Promise<Map<string, MailboxFolder>> {
    return this.call("wellKnownFolders", mailboxId, governor, () => {
      const mailbox = this.mailbox(mailboxId);
      const found = new Map<string, MailboxFolder>();
      for (const name of names) {
        const folder =
          name === MSG_FOLDER_ROOT
            ? mailbox.folders.get(mailbox.rootId)
            : [...mailbox.folders.values()].find((each) => each.wellKnownName === name);
        if (folder) found.set(name, this.folderJson(mailbox, folder));
      }
      return found;
    });
  }

  createFolder(
    mailboxId: string,
    parentFolderId: string | undefined,
    displayName: string,
    type: string | undefined,
    governor: MailboxGovernor,
  ): Promise<MailboxFolder> {
    return this.call("createFolder", mailboxId, governor, () => {
      const mailbox = this.mailbox(mailboxId);
      const parentId = parentFolderId ?? mailbox.rootId;
      this.folder(mailbox, parentId);
      const name = displayName.trim();
      const taken = [...mailbox.folders.values()].some(
        (folder) =>
          folder.parentFolderId === parentId && folder.displayName.toLowerCase() === name.toLowerCase(),
      );
      if (taken)
        throw new ItemRejectedError(
          "ErrorFolderExists",
          "creating a folder failed with 409 ErrorFolderExists",
        );
      const folder: FakeFolder = {
        id: this.newId("folder"),
        displayName: name,
        parentFolderId: parentId,
        type: type || "IPF.Note",
      };
      mailbox.folders.set(folder.id, folder);
      this.change(mailbox);
      return this.folderJson(mailbox, folder);
    });
  }

  itemDelta(
    mailboxId: string,
    folderId: string,
    cursor: string | undefined,
    pageSize: number,
    governor: MailboxGovernor,
    options: { readonly receivedSince?: string } = {},
  ): Promise<ItemDeltaPage> {
    return this.call("itemDelta", mailboxId, governor, () => {
      const mailbox = this.mailbox(mailboxId);
      let at: Cursor;
      if (cursor === undefined) {
        this.folder(mailbox, folderId);
        at = {
          mailboxId,
          folderId,
          generation: mailbox.generation,
          since: 0,
          after: 0,
          ...(options.receivedSince === undefined ? {} : { receivedSince: options.receivedSince }),
        };
      } else {
        const read = readCursor(cursor);
        if (!read || read.mailboxId !== mailboxId || read.generation !== mailbox.generation)
          throw new DeltaExpiredError();
        at = read;
      }
      const upto = at.upto ?? mailbox.seq;
      // Only what this round has not handed out yet: an item changed mid-round leaves its place
      // in the round (its change is past `upto`) without shifting the others.
      const inRound = (seq: number): boolean => seq > Math.max(at.since, at.after) && seq <= upto;
      const since = at.receivedSince === undefined ? undefined : Date.parse(at.receivedSince);
      type Entry = { readonly seq: number; readonly item?: MailboxItem; readonly removedId?: string };
      const entries: Entry[] = [];
      for (const item of mailbox.items.values()) {
        if (item.folderId !== at.folderId || !inRound(item.seq)) continue;
        if (since !== undefined && Date.parse(item.receivedDateTime) < since) continue;
        entries.push({ seq: item.seq, item: this.itemJson(item) });
      }
      // A first round lists what is there; later rounds also tell what left the folder.
      if (at.since > 0) {
        for (const gone of mailbox.removed) {
          if (gone.folderId === at.folderId && inRound(gone.seq))
            entries.push({ seq: gone.seq, removedId: gone.itemId });
        }
      }
      entries.sort((a, b) => a.seq - b.seq);
      const page = entries.slice(0, pageSize);
      const last = entries.length <= pageSize;
      return {
        items: page.flatMap((entry) => (entry.item ? [entry.item] : [])),
        removedIds: page.flatMap((entry) => (entry.removedId === undefined ? [] : [entry.removedId])),
        ...(last
          ? { deltaLink: writeCursor({ ...at, since: upto, after: upto, upto: undefined }) }
          : { nextLink: writeCursor({ ...at, upto, after: page.at(-1)?.seq ?? at.after }) }),
      };
    });
  }

  exportItems(
    mailboxId: string,
    itemIds: readonly string[],
    governor: MailboxGovernor,
  ): Promise<ExportedItem[]> {
    if (itemIds.length > 20) return Promise.reject(new RangeError("exportItems takes at most 20 ids"));
    return this.call("exportItems", mailboxId, governor, () => {
      const mailbox = this.mailbox(mailboxId);
      return itemIds.map((itemId): ExportedItem => {
        const item = mailbox.items.get(itemId);
        if (!item)
          return { itemId, error: { code: "ErrorItemNotFound", message: "The item was not found." } };
        return { itemId, changeKey: item.changeKey, data: encodeData(item) };
      });
    });
  }

  createImportSession(mailboxId: string, governor: MailboxGovernor): Promise<ImportSession> {
    return this.call("createImportSession", mailboxId, governor, () => {
      this.mailbox(mailboxId);
      const importUrl = `memory://import/${this.newId("session")}`;
      const expiresAt = this.now() + IMPORT_SESSION_MS;
      this.sessions.set(importUrl, { mailboxId, expiresAt });
      return { importUrl, expirationDateTime: new Date(expiresAt).toISOString(), mailboxId };
    });
  }

  importItem(
    session: ImportSession,
    request: { folderId: string; data: string; update?: { itemId: string; changeKey?: string } },
    governor: MailboxGovernor,
  ): Promise<ImportedItem> {
    const open = this.sessions.get(session.importUrl);
    return this.call("importItem", open?.mailboxId, governor, () => {
      if (!open || open.expiresAt <= this.now()) throw new ImportSessionExpiredError();
      const mailbox = this.mailbox(open.mailboxId);
      this.folder(mailbox, request.folderId);
      const data = decodeData(request.data);
      if (!data)
        throw new ItemRejectedError("ErrorCorruptData", "importing an item failed with 400 ErrorCorruptData");
      if (!request.update) {
        const itemId = this.addItem(open.mailboxId, request.folderId, data);
        return { itemId, changeKey: this.item(mailbox, itemId).changeKey };
      }
      const existing = mailbox.items.get(request.update.itemId);
      if (!existing || existing.folderId !== request.folderId)
        throw new ItemRejectedError(
          "ErrorInvalidRequest",
          "importing an item failed with 400 ErrorInvalidRequest",
        );
      if (existing.changeKey !== request.update.changeKey)
        throw new ItemRejectedError(
          "ErrorIrresolvableConflict",
          "importing an item failed with 409 ErrorIrresolvableConflict",
        );
      existing.subject = data.subject;
      existing.size = data.size;
      existing.changeKey = this.newId("ck");
      existing.lastModifiedDateTime = new Date(this.now()).toISOString();
      existing.seq = this.change(mailbox);
      return { itemId: existing.id, changeKey: existing.changeKey };
    });
  }

  renameFolder(
    mailboxId: string,
    folderId: string,
    displayName: string,
    governor: MailboxGovernor,
  ): Promise<void> {
    return this.call("renameFolder", mailboxId, governor, () => {
      const mailbox = this.mailbox(mailboxId);
      this.folder(mailbox, folderId).displayName = displayName;
      this.change(mailbox);
    });
  }

  deleteFolder(mailboxId: string, folderId: string, governor: MailboxGovernor): Promise<void> {
    return this.call("deleteFolder", mailboxId, governor, () => {
      const mailbox = this.mailbox(mailboxId);
      const doomed = new Set<string>();
      const collect = (id: string): void => {
        doomed.add(id);
        for (const folder of mailbox.folders.values()) if (folder.parentFolderId === id) collect(folder.id);
      };
      if (!mailbox.folders.has(folderId)) return;
      collect(folderId);
      for (const id of doomed) mailbox.folders.delete(id);
      for (const item of [...mailbox.items.values()]) {
        if (doomed.has(item.folderId)) this.remove(mailbox, item);
      }
      this.change(mailbox);
    });
  }

  deleteItem(mailboxId: string, folderId: string, itemId: string, governor: MailboxGovernor): Promise<void> {
    return this.call("deleteItem", mailboxId, governor, () => {
      const mailbox = this.mailbox(mailboxId);
      const item = mailbox.items.get(itemId);
      if (item && item.folderId === folderId) this.remove(mailbox, item);
    });
  }

  itemDetails(
    mailboxId: string,
    folderId: string,
    itemId: string,
    governor: MailboxGovernor,
    options: { readonly subject: boolean },
  ): Promise<ItemDetails> {
    return this.call("itemDetails", mailboxId, governor, () => {
      const item = this.item(this.mailbox(mailboxId), itemId);
      if (item.folderId !== folderId) throw notFound("reading a bad item's details");
      return {
        ...(options.subject ? { subject: item.subject } : {}),
        sender: item.sender,
        receivedDateTime: item.receivedDateTime,
      };
    });
  }

  assignLicense(userId: string, skuId: string, governor?: MailboxGovernor): Promise<void> {
    return this.call("assignLicense", undefined, governor, () => {
      const user = this.users.get(userId);
      if (!user) throw notFound("assigning a licence");
      const licences = user.assignedLicenses ?? [];
      if (!licences.some((licence) => licence.skuId === skuId))
        this.users.set(userId, { ...user, assignedLicenses: [...licences, { skuId }] });
    });
  }

  createDraft(fromUpn: string, to: string, subject: string, _body: string): Promise<string> {
    return this.call("createDraft", undefined, undefined, () => {
      const id = this.newId("draft");
      this.drafts.set(id, { from: fromUpn.toLowerCase(), to, subject });
      return id;
    });
  }

  sendDraft(fromUpn: string, messageId: string): Promise<void> {
    return this.call("sendDraft", undefined, undefined, () => {
      const draft = this.drafts.get(messageId);
      if (!draft || draft.from !== fromUpn.toLowerCase()) throw notFound("sending the cutover notice");
      this.drafts.delete(messageId);
      this.sent.push(draft);
    });
  }

  // ---- inside ----

  /** Runs one call through the governor, as the adapter does, with any failure armed for it. */
  private async call<T>(
    operation: FakeOperation,
    mailboxId: string | undefined,
    governor: MailboxGovernor | undefined,
    work: () => T,
  ): Promise<T> {
    this.calls.push(operation);
    const failure = this.takeFailure(operation, mailboxId);
    const run = async (): Promise<T> => {
      await Promise.resolve();
      if (failure === undefined) return work();
      switch (failure.kind) {
        case "throttled":
          throw new ThrottledError(new Date(this.now() + failure.retryAfterMs));
        case "unavailable":
          throw new TransientTransferError(`${operation} failed with 503`, 503);
        case "permanent":
          throw new PermanentTransferError(
            failure.failureClass,
            `${operation} failed (${failure.code})`,
            failure.code,
          );
        case "lost answer":
          work();
          throw new TransientTransferError(`${operation} failed with a network error`, 0);
      }
    };
    return governor ? governor.run(run) : run();
  }

  private takeFailure(operation: FakeOperation, mailboxId: string | undefined): InjectedFailure | undefined {
    const index = this.armed.findIndex(
      (armed) =>
        armed.operation === operation && (armed.mailboxId === undefined || armed.mailboxId === mailboxId),
    );
    const armed = this.armed[index];
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed.splice(index, 1);
    return armed.failure;
  }

  private newId(kind: string): string {
    const id = `${kind}-${this.nextId}`;
    this.nextId += 1;
    return id;
  }

  private change(mailbox: FakeMailbox): number {
    mailbox.seq += 1;
    return mailbox.seq;
  }

  private addMailbox(): string {
    const id = this.newId("mailbox");
    const rootId = this.newId("folder");
    const folders = new Map<string, FakeFolder>([
      [
        rootId,
        { id: rootId, displayName: "Top of Information Store", parentFolderId: undefined, type: "IPF.Note" },
      ],
    ]);
    for (const [wellKnownName, displayName] of Object.entries(WELL_KNOWN_FOLDERS)) {
      const folderId = this.newId("folder");
      folders.set(folderId, {
        id: folderId,
        displayName,
        parentFolderId: rootId,
        type: "IPF.Note",
        wellKnownName,
      });
    }
    this.mailboxes.set(id, { id, rootId, folders, items: new Map(), removed: [], seq: 0, generation: 0 });
    return id;
  }

  private mailbox(mailboxId: string): FakeMailbox {
    const mailbox = this.mailboxes.get(mailboxId);
    if (!mailbox) throw notFound(`mailbox ${mailboxId}`);
    return mailbox;
  }

  private folder(mailbox: FakeMailbox, folderId: string): FakeFolder {
    const folder = mailbox.folders.get(folderId);
    if (!folder) throw notFound(`folder ${folderId}`);
    return folder;
  }

  private item(mailbox: FakeMailbox, itemId: string): FakeItem {
    const item = mailbox.items.get(itemId);
    if (!item) throw notFound(`item ${itemId}`);
    return item;
  }

  private remove(mailbox: FakeMailbox, item: FakeItem): void {
    mailbox.items.delete(item.id);
    mailbox.removed.push({ folderId: item.folderId, itemId: item.id, seq: this.change(mailbox) });
  }

  /** Every folder under the top, parents before children (the root itself is not listed). */
  private listed(mailbox: FakeMailbox): MailboxFolder[] {
    const out: MailboxFolder[] = [];
    const walk = (parentId: string): void => {
      for (const folder of mailbox.folders.values()) {
        if (folder.parentFolderId !== parentId) continue;
        out.push(this.folderJson(mailbox, folder));
        walk(folder.id);
      }
    };
    walk(mailbox.rootId);
    return out;
  }

  private folderJson(mailbox: FakeMailbox, folder: FakeFolder): MailboxFolder {
    const children = [...mailbox.folders.values()].filter((each) => each.parentFolderId === folder.id);
    return {
      id: folder.id,
      displayName: folder.displayName,
      parentFolderId: folder.parentFolderId ?? null,
      childFolderCount: children.length,
      totalItemCount: [...mailbox.items.values()].filter((item) => item.folderId === folder.id).length,
      type: folder.type,
      wellKnownName: folder.wellKnownName ?? null,
    };
  }

  private itemJson(item: FakeItem): MailboxItem {
    return {
      id: item.id,
      size: item.size,
      createdDateTime: item.createdDateTime,
      lastModifiedDateTime: item.lastModifiedDateTime,
      changeKey: item.changeKey,
    };
  }
}
