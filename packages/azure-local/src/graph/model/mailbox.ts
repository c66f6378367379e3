/**
 * Operations on one mailbox. Every change takes the next value of the mailbox's change sequence so
 * delta queries can report exactly what happened after a given point.
 */
import { GraphApiError } from "../errors.js";
import { changeKeyFor, folderIdFor, itemIdFor } from "./ids.js";
import type {
  Folder,
  FolderClass,
  Item,
  ItemClass,
  ItemOrigin,
  ItemTrouble,
  Mailbox,
  MailboxKind,
  TenantSide,
} from "./types.js";

export const PATH_SEPARATOR = "/";

/** Creates an empty mailbox with its hidden root folder. */
export function createMailbox(init: {
  id: string;
  tenantId: string;
  side: TenantSide;
  ownerUpn: string;
  kind: MailboxKind;
}): Mailbox {
  const rootId = folderIdFor(init.id, 0);
  const root: Folder = {
    id: rootId,
    parentId: undefined,
    displayName: "Top of Information Store",
    folderClass: "IPF.Note",
    wellKnownName: "msgfolderroot",
    changedSeq: 0,
    childIds: [],
    itemIds: new Set(),
    itemTombstones: new Map(),
  };
  return {
    ...init,
    rootId,
    folders: new Map([[rootId, root]]),
    items: new Map(),
    seq: 0,
    folderTombstones: new Map(),
    nextLocalId: 1,
  };
}

function nextSeq(mailbox: Mailbox): number {
  mailbox.seq += 1;
  return mailbox.seq;
}

/** The folder a well-known name (`inbox`, `msgfolderroot`, ...) names in this mailbox, if any. */
export function wellKnownFolder(mailbox: Mailbox, name: string): Folder | undefined {
  const lower = name.toLowerCase();
  if (lower === "msgfolderroot") return mailbox.folders.get(mailbox.rootId);
  for (const folder of mailbox.folders.values()) if (folder.wellKnownName === lower) return folder;
  return undefined;
}

/** A folder id as a path gives it: an id, or a well-known name standing for one. */
export function folderIdOf(mailbox: Mailbox, idOrName: string): string {
  return mailbox.folders.has(idOrName) ? idOrName : (wellKnownFolder(mailbox, idOrName)?.id ?? idOrName);
}

/** The folder with this id (or well-known name), or a 404-shaped error. */
export function getFolder(mailbox: Mailbox, folderIdOrName: string): Folder {
  const folderId = folderIdOf(mailbox, folderIdOrName);
  const folder = mailbox.folders.get(folderId);
  if (!folder || folder.parentId === undefined) {
    throw new GraphApiError(
      404,
      "ErrorItemNotFound",
      "The specified folder could not be found in the store.",
    );
  }
  return folder;
}

/** The folder, or the hidden root when `folderId` is the root's id. */
export function getFolderOrRoot(mailbox: Mailbox, folderIdOrName: string): Folder {
  const folderId = folderIdOf(mailbox, folderIdOrName);
  return folderId === mailbox.rootId
    ? (mailbox.folders.get(mailbox.rootId) as Folder)
    : getFolder(mailbox, folderId);
}

/** The item with this id, or a 404-shaped error. */
export function getItem(mailbox: Mailbox, itemId: string): Item {
  const item = mailbox.items.get(itemId);
  if (!item) {
    throw new GraphApiError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  }
  return item;
}

/** Adds a folder under `parentId` (the root's id for a top-level folder). */
export function addFolder(
  mailbox: Mailbox,
  parentId: string,
  displayName: string,
  folderClass: FolderClass,
): Folder {
  const parent = getFolderOrRoot(mailbox, parentId);
  const name = displayName.trim();
  if (name === "" || name.includes(PATH_SEPARATOR)) {
    throw new GraphApiError(400, "ErrorInvalidFolderName", "The folder name is empty or not valid.");
  }
  if (
    parent.childIds.some((id) => mailbox.folders.get(id)?.displayName.toLowerCase() === name.toLowerCase())
  ) {
    throw new GraphApiError(409, "ErrorFolderExists", "A folder with the specified name already exists.");
  }
  const folder: Folder = {
    id: folderIdFor(mailbox.id, mailbox.nextLocalId++),
    parentId: parent.id,
    displayName: name,
    folderClass,
    changedSeq: nextSeq(mailbox),
    childIds: [],
    itemIds: new Set(),
    itemTombstones: new Map(),
  };
  mailbox.folders.set(folder.id, folder);
  parent.childIds.push(folder.id);
  return folder;
}

export interface NewItem {
  itemClass: ItemClass;
  size: number;
  receivedMs: number;
  subject: string;
  trouble?: ItemTrouble;
  origin?: ItemOrigin;
  /** Creation time; defaults to the received time. */
  createdMs?: number;
}

/** Adds an item to a folder. */
export function addItem(mailbox: Mailbox, folderId: string, init: NewItem): Item {
  const folder = getFolder(mailbox, folderId);
  const id = itemIdFor(mailbox.id, mailbox.nextLocalId++);
  const createdMs = init.createdMs ?? init.receivedMs;
  const item: Item = {
    id,
    folderId: folder.id,
    itemClass: init.itemClass,
    size: init.size,
    receivedMs: init.receivedMs,
    createdMs,
    modifiedMs: createdMs,
    version: 1,
    changeKey: changeKeyFor(id, 1),
    changedSeq: nextSeq(mailbox),
    subject: init.subject,
    ...(init.trouble ? { trouble: init.trouble } : {}),
    ...(init.origin ? { origin: init.origin } : {}),
  };
  mailbox.items.set(id, item);
  folder.itemIds.add(id);
  folder.itemTombstones.delete(id);
  return item;
}

/** Records a content change: new version, new change key. */
export function touchItem(mailbox: Mailbox, itemId: string, nowMs: number, size?: number): Item {
  const item = getItem(mailbox, itemId);
  item.version += 1;
  item.changeKey = changeKeyFor(item.id, item.version);
  item.modifiedMs = Math.max(nowMs, item.modifiedMs + 1);
  item.changedSeq = nextSeq(mailbox);
  if (size !== undefined) item.size = size;
  return item;
}

/**
 * Moves an item to another folder of the same mailbox. With `newId` the item comes out under a
 * new id, as Exchange's default ids do (an immutable id would stay); delta reports it removed
 * from the old folder and added to the new one either way.
 */
export function moveItem(mailbox: Mailbox, itemId: string, toFolderId: string, newId = false): Item {
  const item = getItem(mailbox, itemId);
  const target = getFolder(mailbox, toFolderId);
  if (target.id === item.folderId) return item;
  const source = getFolder(mailbox, item.folderId);
  const seq = nextSeq(mailbox);
  source.itemIds.delete(item.id);
  source.itemTombstones.set(item.id, seq);
  const moved: Item = newId ? { ...item, id: itemIdFor(mailbox.id, mailbox.nextLocalId++) } : item;
  if (newId) {
    mailbox.items.delete(item.id);
    mailbox.items.set(moved.id, moved);
  }
  target.itemIds.add(moved.id);
  target.itemTombstones.delete(moved.id);
  moved.folderId = target.id;
  moved.changedSeq = seq;
  return moved;
}

/** Deletes an item. */
export function deleteItem(mailbox: Mailbox, itemId: string): void {
  const item = getItem(mailbox, itemId);
  const folder = getFolder(mailbox, item.folderId);
  folder.itemIds.delete(item.id);
  folder.itemTombstones.set(item.id, nextSeq(mailbox));
  mailbox.items.delete(item.id);
}

/** Bytes a mailbox holds (its items' sizes), for its quota. */
export function usedBytes(mailbox: Mailbox): number {
  let total = 0;
  for (const item of mailbox.items.values()) total += item.size;
  return total;
}

/** The hidden folder Outlook keeps search folders in, outside the tree under the top. */
function finderOf(mailbox: Mailbox): Folder {
  for (const folder of mailbox.folders.values()) if (folder.wellKnownName === "searchfolders") return folder;
  const finder: Folder = {
    id: folderIdFor(mailbox.id, mailbox.nextLocalId++),
    parentId: `${mailbox.rootId}~nonipm`,
    displayName: "Finder",
    folderClass: "IPF.Note",
    changedSeq: nextSeq(mailbox),
    childIds: [],
    itemIds: new Set(),
    itemTombstones: new Map(),
    wellKnownName: "searchfolders",
  };
  mailbox.folders.set(finder.id, finder);
  return finder;
}

/**
 * Adds a search folder showing these items (which stay in their own folders), under the hidden
 * search-folder root: a listing includes it, the tree under the top does not.
 */
export function addSearchFolder(mailbox: Mailbox, displayName: string, itemIds: readonly string[]): Folder {
  const finder = finderOf(mailbox);
  const folder: Folder = {
    id: folderIdFor(mailbox.id, mailbox.nextLocalId++),
    parentId: finder.id,
    displayName,
    folderClass: "IPF.Note",
    changedSeq: nextSeq(mailbox),
    childIds: [],
    itemIds: new Set(itemIds.filter((id) => mailbox.items.has(id))),
    itemTombstones: new Map(),
    search: true,
  };
  mailbox.folders.set(folder.id, folder);
  finder.childIds.push(folder.id);
  return folder;
}

/** Renames a folder. */
export function renameFolder(mailbox: Mailbox, folderId: string, displayName: string): Folder {
  const folder = getFolder(mailbox, folderId);
  const name = displayName.trim();
  const parent = getFolderOrRoot(mailbox, folder.parentId ?? mailbox.rootId);
  if (name === "" || name.includes(PATH_SEPARATOR)) {
    throw new GraphApiError(400, "ErrorInvalidFolderName", "The folder name is empty or not valid.");
  }
  const clash = parent.childIds.some(
    (id) => id !== folder.id && mailbox.folders.get(id)?.displayName.toLowerCase() === name.toLowerCase(),
  );
  if (clash) {
    throw new GraphApiError(409, "ErrorFolderExists", "A folder with the specified name already exists.");
  }
  folder.displayName = name;
  folder.changedSeq = nextSeq(mailbox);
  return folder;
}

function isDescendant(mailbox: Mailbox, folderId: string, ancestorId: string): boolean {
  let current: string | undefined = folderId;
  while (current !== undefined) {
    if (current === ancestorId) return true;
    current = mailbox.folders.get(current)?.parentId;
  }
  return false;
}

/**
 * Moves a folder (with its subtree) under another parent (the root's id for the top level). A move
 * to the folder's current parent changes nothing; a move into its own subtree is refused.
 */
export function moveFolder(mailbox: Mailbox, folderId: string, newParentId: string): Folder {
  const folder = getFolder(mailbox, folderId);
  const parent = getFolderOrRoot(mailbox, newParentId);
  if (isDescendant(mailbox, parent.id, folder.id)) {
    throw new GraphApiError(400, "ErrorInvalidRequest", "A folder cannot be moved into its own subtree.");
  }
  // Without this the folder would clash with its own name below.
  if (parent.id === folder.parentId) return folder;
  if (
    parent.childIds.some(
      (id) => mailbox.folders.get(id)?.displayName.toLowerCase() === folder.displayName.toLowerCase(),
    )
  ) {
    throw new GraphApiError(409, "ErrorFolderExists", "A folder with the specified name already exists.");
  }
  const oldParent = getFolderOrRoot(mailbox, folder.parentId ?? mailbox.rootId);
  oldParent.childIds.splice(oldParent.childIds.indexOf(folder.id), 1);
  parent.childIds.push(folder.id);
  folder.parentId = parent.id;
  folder.changedSeq = nextSeq(mailbox);
  return folder;
}

/** Deletes a folder, its subfolders and all their items. */
export function deleteFolder(mailbox: Mailbox, folderId: string): void {
  const folder = getFolder(mailbox, folderId);
  const parent = getFolderOrRoot(mailbox, folder.parentId ?? mailbox.rootId);
  parent.childIds.splice(parent.childIds.indexOf(folder.id), 1);
  const doomed: Folder[] = [];
  const walk = (current: Folder): void => {
    doomed.push(current);
    for (const childId of current.childIds) {
      const child = mailbox.folders.get(childId);
      if (child) walk(child);
    }
  };
  walk(folder);
  const seq = nextSeq(mailbox);
  for (const gone of doomed) {
    for (const itemId of gone.itemIds) mailbox.items.delete(itemId);
    mailbox.folders.delete(gone.id);
    mailbox.folderTombstones.set(gone.id, seq);
  }
}

/** The folder's path of display names from the top of the mailbox, e.g. `Inbox/Projects`. */
export function folderPath(mailbox: Mailbox, folderId: string): string {
  const names: string[] = [];
  let current = mailbox.folders.get(folderId);
  while (current && current.parentId !== undefined) {
    names.unshift(current.displayName);
    current = mailbox.folders.get(current.parentId);
  }
  return names.join(PATH_SEPARATOR);
}

/** Outlook's folders by well-known name, with their English display names. */
export const ENGLISH_NAMES: Readonly<Record<string, string>> = {
  inbox: "Inbox",
  drafts: "Drafts",
  sentitems: "Sent Items",
  deleteditems: "Deleted Items",
  junkemail: "Junk Email",
  archive: "Archive",
  outbox: "Outbox",
  calendar: "Calendar",
  contacts: "Contacts",
  tasks: "Tasks",
};

/**
 * The folder's place as it is the same across mailboxes and languages: display names from the
 * top, in lower case, an Outlook folder at the top by its English name (a German Posteingang is
 * `inbox`, as an English Inbox is).
 */
export function folderKey(mailbox: Mailbox, folderId: string): string {
  const names: string[] = [];
  let current = mailbox.folders.get(folderId);
  while (current && current.parentId !== undefined) {
    const top = current.parentId === mailbox.rootId;
    const english = top && current.wellKnownName ? ENGLISH_NAMES[current.wellKnownName] : undefined;
    names.unshift((english ?? current.displayName).toLowerCase());
    current = mailbox.folders.get(current.parentId);
  }
  return names.join(PATH_SEPARATOR);
}

/** Finds a folder by its display-name path (case-insensitive), or undefined. */
export function findFolderByPath(mailbox: Mailbox, path: string): Folder | undefined {
  let current = mailbox.folders.get(mailbox.rootId);
  for (const name of path.split(PATH_SEPARATOR).filter((part) => part !== "")) {
    if (!current) return undefined;
    const lower = name.toLowerCase();
    const childId: string | undefined = current.childIds.find(
      (id) => mailbox.folders.get(id)?.displayName.toLowerCase() === lower,
    );
    current = childId === undefined ? undefined : mailbox.folders.get(childId);
  }
  return current && current.parentId !== undefined ? current : undefined;
}

/**
 * Every folder a listing shows: the tree under the top, and the search folders, which Outlook
 * keeps outside it (api-reference/v1.0/api/mailbox-list-folders.md: listings include them).
 */
export function listedFolders(mailbox: Mailbox): Folder[] {
  return [
    ...listFolders(mailbox),
    ...[...mailbox.folders.values()].filter((folder) => folder.search === true),
  ];
}

/** Every folder of the tree under the top (search folders are not in it), parents before children. */
export function listFolders(mailbox: Mailbox): Folder[] {
  const out: Folder[] = [];
  const walk = (folder: Folder): void => {
    for (const childId of folder.childIds) {
      const child = mailbox.folders.get(childId);
      if (child) {
        out.push(child);
        walk(child);
      }
    }
  };
  const root = mailbox.folders.get(mailbox.rootId);
  if (root) walk(root);
  return out;
}
