/**
 * Changes to a mailbox made behind the API's back, as a user would make them, for incremental-sync
 * tests and for breaking a copy on purpose. Users are found by UPN in either tenant; folder paths
 * are display names joined by "/", prefixed with "archive:" for the in-place archive.
 */
import { SimulatorInputError } from "./errors.js";
import { expandArchive } from "./seed/tenant.js";
import {
  addFolder,
  addItem,
  addSearchFolder,
  deleteFolder,
  deleteItem,
  findFolderByPath,
  moveFolder,
  moveItem,
  renameFolder,
  touchItem,
} from "./model/mailbox.js";
import type { Folder, FolderClass, ItemClass, Mailbox } from "./model/types.js";
import { type SimulatorState, findUserAnywhere } from "./state.js";

export interface AddItemOptions {
  /** Defaults to the class matching the folder (mail in mail folders, and so on). */
  itemClass?: ItemClass;
  /** Size in bytes (default 20 KB). */
  size?: number;
  /** Received time (default now). */
  receivedDateTime?: Date | string;
  /** Creation time (default the received time; later for mail restored or imported since). */
  createdDateTime?: Date | string;
  subject?: string;
}

export interface MailboxMutations {
  /** Adds an item and returns its id. */
  addItem(upn: string, folderPath: string, options?: AddItemOptions): string;
  /** Changes an item's content: new version and change key. */
  updateItem(upn: string, itemId: string): void;
  /** Moves an item; returns its id after the move (a new one when ids change on move). */
  moveItem(upn: string, itemId: string, toFolderPath: string): string;
  deleteItem(upn: string, itemId: string): void;
  renameFolder(upn: string, path: string, newName: string): void;
  /** Moves a folder under another ("" for the top level). */
  moveFolder(upn: string, path: string, newParentPath: string): void;
  deleteFolder(upn: string, path: string): void;
  /** Adds a folder under `parentPath` ("" for the top level) and returns its id. */
  addFolder(upn: string, parentPath: string, name: string, folderClass?: FolderClass): string;
  /** Adds a search folder showing these items (a listing includes it; it holds none of its own). */
  addSearchFolder(upn: string, name: string, itemIds: readonly string[]): string;
  /** Every delta token handed out so far expires: the next use answers 410 Gone. */
  expireDeltaTokens(): void;
  /** Gives the user's primary mailbox a quota in bytes (undefined: none). */
  setQuota(upn: string, bytes: number | undefined): void;
  /** Puts the user's mailbox (`archive:` for the archive) under a hold: deletes answer 403. */
  setHold(upn: string, which: "primary" | "archive", onHold: boolean): void;
  /** Leaves the user's primary mailbox out of (or back in) the target app's management scope. */
  setOutsideScope(upn: string, outside: boolean): void;
  /** Expands an archive folder (`archive:` path) into a new auxiliary archive. */
  expandArchiveFolder(upn: string, path: string): void;
}

const ARCHIVE_PREFIX = "archive:";

const ITEM_FOR_FOLDER: Record<FolderClass, ItemClass> = {
  "IPF.Note": "IPM.Note",
  "IPF.Appointment": "IPM.Appointment",
  "IPF.Contact": "IPM.Contact",
  "IPF.Task": "IPM.Task",
};

export function createMutations(state: SimulatorState): MailboxMutations {
  const mailboxFor = (upn: string, path: string): { mailbox: Mailbox; path: string } => {
    const found = findUserAnywhere(state, upn);
    if (!found) throw new SimulatorInputError(`no user ${upn} in either tenant`);
    const archive = path.startsWith(ARCHIVE_PREFIX);
    const id = archive ? found.user.archiveMailboxId : found.user.primaryMailboxId;
    const mailbox = id ? found.tenant.mailboxes.get(id) : undefined;
    if (!mailbox) throw new SimulatorInputError(`${upn} has no ${archive ? "archive" : "mailbox"}`);
    return { mailbox, path: archive ? path.slice(ARCHIVE_PREFIX.length) : path };
  };
  const folderAt = (upn: string, path: string): { mailbox: Mailbox; folder: Folder } => {
    const { mailbox, path: inner } = mailboxFor(upn, path);
    const folder = findFolderByPath(mailbox, inner);
    if (!folder) throw new SimulatorInputError(`${upn} has no folder ${path}`);
    return { mailbox, folder };
  };
  const parentAt = (upn: string, path: string): { mailbox: Mailbox; parentId: string } => {
    const { mailbox, path: inner } = mailboxFor(upn, path);
    if (inner === "") return { mailbox, parentId: mailbox.rootId };
    return { mailbox, parentId: folderAt(upn, path).folder.id };
  };
  const mailboxOfItem = (upn: string, itemId: string): Mailbox => {
    const found = findUserAnywhere(state, upn);
    if (!found) throw new SimulatorInputError(`no user ${upn} in either tenant`);
    for (const id of [found.user.primaryMailboxId, found.user.archiveMailboxId]) {
      const mailbox = id ? found.tenant.mailboxes.get(id) : undefined;
      if (mailbox?.items.has(itemId)) return mailbox;
      for (const auxId of mailbox?.auxiliaries ?? []) {
        const aux = found.tenant.mailboxes.get(auxId);
        if (aux?.items.has(itemId)) return aux;
      }
    }
    throw new SimulatorInputError(`${upn} has no item ${itemId}`);
  };
  const primaryOf = (upn: string, which: "primary" | "archive" = "primary"): Mailbox =>
    mailboxFor(upn, which === "archive" ? ARCHIVE_PREFIX : "").mailbox;

  return {
    addItem(upn, path, options = {}) {
      const { mailbox, folder } = folderAt(upn, path);
      const received =
        options.receivedDateTime === undefined ? Date.now() : new Date(options.receivedDateTime).getTime();
      const home =
        folder.expandedTo === undefined
          ? mailbox
          : state.tenants[mailbox.side].mailboxes.get(folder.expandedTo);
      return addItem(home ?? mailbox, folder.id, {
        itemClass: options.itemClass ?? ITEM_FOR_FOLDER[folder.folderClass],
        size: options.size ?? 20_000,
        receivedMs: received,
        ...(options.createdDateTime === undefined
          ? {}
          : { createdMs: new Date(options.createdDateTime).getTime() }),
        subject: options.subject ?? "Added after the first copy",
      }).id;
    },
    updateItem(upn, itemId) {
      touchItem(mailboxOfItem(upn, itemId), itemId, Date.now());
    },
    moveItem(upn, itemId, toPath) {
      const mailbox = mailboxOfItem(upn, itemId);
      const { mailbox: targetMailbox, folder } = folderAt(upn, toPath);
      if (targetMailbox !== mailbox) throw new SimulatorInputError("items move only within one mailbox");
      return moveItem(mailbox, itemId, folder.id, state.realism.idsChangeOnMove).id;
    },
    deleteItem(upn, itemId) {
      deleteItem(mailboxOfItem(upn, itemId), itemId);
    },
    renameFolder(upn, path, newName) {
      const { mailbox, folder } = folderAt(upn, path);
      renameFolder(mailbox, folder.id, newName);
    },
    moveFolder(upn, path, newParentPath) {
      const { mailbox, folder } = folderAt(upn, path);
      const prefix = path.startsWith(ARCHIVE_PREFIX) ? ARCHIVE_PREFIX : "";
      const { mailbox: parentMailbox, parentId } = parentAt(upn, `${prefix}${newParentPath}`);
      if (parentMailbox !== mailbox) throw new SimulatorInputError("folders move only within one mailbox");
      moveFolder(mailbox, folder.id, parentId);
    },
    deleteFolder(upn, path) {
      const { mailbox, folder } = folderAt(upn, path);
      deleteFolder(mailbox, folder.id);
    },
    addSearchFolder(upn, name, itemIds) {
      return addSearchFolder(primaryOf(upn), name, itemIds).id;
    },
    expireDeltaTokens() {
      state.deltaTokensExpiredBefore = Date.now() + 1;
    },
    setQuota(upn, bytes) {
      const mailbox = primaryOf(upn);
      if (bytes === undefined) delete mailbox.quotaBytes;
      else mailbox.quotaBytes = bytes;
    },
    setHold(upn, which, onHold) {
      primaryOf(upn, which).onHold = onHold;
    },
    setOutsideScope(upn, outside) {
      primaryOf(upn).outsideAppScope = outside;
    },
    expandArchiveFolder(upn, path) {
      const { mailbox, folder } = folderAt(upn, path);
      if (mailbox.kind !== "archive") throw new SimulatorInputError(`${path} is not an archive folder`);
      const found = findUserAnywhere(state, upn);
      if (found) expandArchive(found.tenant, mailbox, folder.id);
    },
    addFolder(upn, parentPath, name, folderClass) {
      const { mailbox, parentId } = parentAt(upn, parentPath);
      const parent = mailbox.folders.get(parentId);
      const inherited = parent && parent.id !== mailbox.rootId ? parent.folderClass : "IPF.Note";
      return addFolder(mailbox, parentId, name, folderClass ?? inherited).id;
    },
  };
}
