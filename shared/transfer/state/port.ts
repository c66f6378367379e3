/**
 * What the transfer engine remembers between slices, per mailbox: where each folder's copy stands
 * and which source item became which target item. The item map is what makes a replayed slice
 * harmless: an item already imported is skipped, or updated in place when the source changed.
 */

/** `<accountId>~primary` or `<accountId>~archive`. */
export type MailboxKey = string;

/** Builds the key of one of an account's mailboxes. */
export function mailboxKey(accountId: string, which: "primary" | "archive"): MailboxKey {
  return `${accountId}~${which}`;
}

export interface FolderCheckpoint {
  readonly sourceFolderId: string;
  readonly targetFolderId: string;
  /** Display path from the mailbox root, e.g. `Inbox/Projects`; never mail content. */
  readonly path: string;
  /** The nextLink to continue, or the deltaLink of the last finished pass. */
  readonly cursor?: string;
  /** True when the last pass reached a deltaLink (the folder is current as of that pass). */
  readonly passComplete: boolean;
  /** Items in the source folder when the pass started; 0 lets a first pass skip the folder. */
  readonly sourceItemCount?: number;
  /** The pass (the account's round) this folder was last opened for; absent means 0. */
  readonly round?: number;
  /** The source parent folder, absent at the top level: a new parent means the folder moved. */
  readonly sourceParentId?: string;
  /** Under an age policy: the folder with the same path in the target's archive mailbox. */
  readonly archiveFolderId?: string;
  /** Bad and too-large items recorded for this folder so far (absent: none). */
  readonly badItems?: number;
  /**
   * Under an age policy, the second delta of the folder: only items received on or after the
   * account's cutoff (`$filter=receivedDateTime ge ...`, the only place Graph lets that date be
   * used). Its nextLink or deltaLink; the items it lists stay in the primary mailbox.
   */
  readonly youngCursor?: string;
  /** The filtered delta reached its deltaLink in this pass. */
  readonly youngComplete?: boolean;
  /**
   * The folder moved at the source, and there is no move action on mailboxFolder: its copy is
   * rebuilt at the new place, and these old copies (target, archive) are deleted once it is.
   */
  readonly relocatedFrom?: { readonly target?: string; readonly archive?: string };
  /**
   * The folder's delta token expired and a full resync is under way: every item the resync lists
   * is marked with this, so those it no longer lists are known to be gone when it ends.
   */
  readonly resyncMark?: number;
}

/** What identifies an item across a move (its id changes, its creation time and size do not). */
export function itemFingerprint(createdDateTime: string | undefined, sizeBytes: number | undefined): string {
  return `${createdDateTime ?? ""}|${sizeBytes ?? 0}`;
}

/**
 * An item the source reported gone from a folder during the current pass, settled when the pass
 * ends: only then is it known whether it was deleted or moved to a folder read later.
 */
export interface PendingRemoval {
  readonly sourceFolderId: string;
  readonly sourceItemId: string;
  /**
   * The pass the removal was first seen in. An item that moved shows up in its new folder no
   * later than the pass after: an unexplained removal is kept that long before it counts as a
   * deletion.
   */
  readonly round?: number;
}

export interface ItemRecord {
  readonly sourceItemId: string;
  /**
   * Empty while the import is only intended: written just before the import, so that after a
   * crash the engine knows to look in the target before importing again.
   */
  readonly targetItemId: string;
  /** True for an intent whose import may or may not have happened. */
  readonly pending?: boolean;
  /** The source item's creation time, which an import keeps: with the size, it finds the copy. */
  readonly createdDateTime?: string;
  readonly targetChangeKey?: string;
  /** The source item's version when it was imported (lastModifiedDateTime or changeKey). */
  readonly sourceVersion: string;
  readonly sizeBytes: number;
  /** The source folder the item was last seen in; a delta from another folder means it moved. */
  readonly sourceFolderId?: string;
  /** The copy went to the target's archive mailbox (age policy). */
  readonly inArchive?: boolean;
  /** The target folder the copy is in (absent in records written before it was kept). */
  readonly targetFolderId?: string;
  /**
   * While a moved item is imported at its new place: its old copy, deleted once the new one is
   * recorded (there is no move action on mailboxItem, and default ids change on a move).
   */
  readonly supersedes?: {
    readonly targetItemId: string;
    readonly targetFolderId: string;
    readonly inArchive?: boolean;
  };
  /** The resync that last listed the item (FolderCheckpoint.resyncMark). */
  readonly seen?: number;
}

/** A bad or skipped item as an operator needs to find it in the source; never its body. */
export interface BadItemRecord {
  readonly sourceItemId: string;
  readonly folderPath: string;
  readonly sizeBytes: number;
  readonly kind: "failed" | "large";
  readonly code: string;
  readonly at: string;
  /** Absent when the organisation keeps subjects out of records (MAILFERRY_BAD_ITEM_SUBJECTS). */
  readonly subject?: string;
  readonly sender?: string;
  readonly receivedDateTime?: string;
}

/** Longest subject or sender kept on a bad-item record. */
export const MAX_BAD_ITEM_TEXT = 255;

/** Persistence for the transfer engine; the Tables adapter and the in-memory fake share a contract. */
export interface TransferStateStore {
  loadFolders(key: MailboxKey): Promise<FolderCheckpoint[]>;
  saveFolder(key: MailboxKey, folder: FolderCheckpoint): Promise<void>;
  /** Saves several folder checkpoints of one mailbox in as few writes as the store allows. */
  saveFolders(key: MailboxKey, folders: readonly FolderCheckpoint[]): Promise<void>;
  deleteFolder(key: MailboxKey, sourceFolderId: string): Promise<void>;
  getItems(key: MailboxKey, sourceItemIds: readonly string[]): Promise<Map<string, ItemRecord>>;
  putItem(key: MailboxKey, record: ItemRecord): Promise<void>;
  /** Records intents for several items of one mailbox in one write. */
  putItems(key: MailboxKey, records: readonly ItemRecord[]): Promise<void>;
  /** Forgets an item; `fingerprint` also drops the item from the fingerprint lookup. */
  deleteItem(key: MailboxKey, sourceItemId: string, fingerprint?: string): Promise<void>;
  /** Recorded items with these fingerprints (createdDateTime and size, see itemFingerprint). */
  findByFingerprint(key: MailboxKey, fingerprints: readonly string[]): Promise<ItemRecord[]>;
  /** Every recorded item last seen in a source folder (a partition scan: for resyncs only). */
  listItemsInFolder(key: MailboxKey, sourceFolderId: string): Promise<ItemRecord[]>;
  /** Records removals reported by a folder's delta (once each, however often reported). */
  addRemovals(key: MailboxKey, removals: readonly PendingRemoval[]): Promise<void>;
  listRemovals(key: MailboxKey): Promise<PendingRemoval[]>;
  /** Forgets settled removals. */
  deleteRemovals(key: MailboxKey, removals: readonly PendingRemoval[]): Promise<void>;
  /** Records a bad or skipped item once, however often it is seen. */
  putBadItem(key: MailboxKey, record: BadItemRecord): Promise<void>;
  listBadItems(key: MailboxKey): Promise<BadItemRecord[]>;
}
