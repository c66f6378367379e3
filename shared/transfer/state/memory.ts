import type {
  BadItemRecord,
  FolderCheckpoint,
  ItemRecord,
  MailboxKey,
  PendingRemoval,
  TransferStateStore,
} from "./port.js";
import { itemFingerprint, MAX_BAD_ITEM_TEXT } from "./port.js";

/** In-memory TransferStateStore for unit tests. */
export class InMemoryTransferState implements TransferStateStore {
  private readonly folders = new Map<MailboxKey, Map<string, FolderCheckpoint>>();
  private readonly items = new Map<MailboxKey, Map<string, ItemRecord>>();
  private readonly bad = new Map<MailboxKey, Map<string, BadItemRecord>>();
  private readonly removals = new Map<MailboxKey, Map<string, PendingRemoval>>();

  private bucket<T>(map: Map<MailboxKey, Map<string, T>>, key: MailboxKey): Map<string, T> {
    let inner = map.get(key);
    if (!inner) {
      inner = new Map();
      map.set(key, inner);
    }
    return inner;
  }

  loadFolders(key: MailboxKey): Promise<FolderCheckpoint[]> {
    return Promise.resolve([...this.bucket(this.folders, key).values()]);
  }

  saveFolder(key: MailboxKey, folder: FolderCheckpoint): Promise<void> {
    this.bucket(this.folders, key).set(folder.sourceFolderId, { ...folder });
    return Promise.resolve();
  }

  addRemovals(key: MailboxKey, removals: readonly PendingRemoval[]): Promise<void> {
    const bucket = this.bucket(this.removals, key);
    for (const removal of removals)
      bucket.set(`${removal.sourceFolderId}|${removal.sourceItemId}`, { ...removal });
    return Promise.resolve();
  }

  listRemovals(key: MailboxKey): Promise<PendingRemoval[]> {
    return Promise.resolve([...this.bucket(this.removals, key).values()]);
  }

  deleteRemovals(key: MailboxKey, removals: readonly PendingRemoval[]): Promise<void> {
    const bucket = this.bucket(this.removals, key);
    for (const removal of removals) bucket.delete(`${removal.sourceFolderId}|${removal.sourceItemId}`);
    return Promise.resolve();
  }

  saveFolders(key: MailboxKey, folders: readonly FolderCheckpoint[]): Promise<void> {
    for (const folder of folders) this.bucket(this.folders, key).set(folder.sourceFolderId, { ...folder });
    return Promise.resolve();
  }

  deleteFolder(key: MailboxKey, sourceFolderId: string): Promise<void> {
    this.bucket(this.folders, key).delete(sourceFolderId);
    return Promise.resolve();
  }

  getItems(key: MailboxKey, sourceItemIds: readonly string[]): Promise<Map<string, ItemRecord>> {
    const bucket = this.bucket(this.items, key);
    const found = new Map<string, ItemRecord>();
    for (const id of sourceItemIds) {
      const record = bucket.get(id);
      if (record) found.set(id, record);
    }
    return Promise.resolve(found);
  }

  putItem(key: MailboxKey, record: ItemRecord): Promise<void> {
    this.bucket(this.items, key).set(record.sourceItemId, { ...record });
    return Promise.resolve();
  }

  putItems(key: MailboxKey, records: readonly ItemRecord[]): Promise<void> {
    for (const record of records) this.bucket(this.items, key).set(record.sourceItemId, { ...record });
    return Promise.resolve();
  }

  deleteItem(key: MailboxKey, sourceItemId: string): Promise<void> {
    this.bucket(this.items, key).delete(sourceItemId);
    return Promise.resolve();
  }

  findByFingerprint(key: MailboxKey, fingerprints: readonly string[]): Promise<ItemRecord[]> {
    const wanted = new Set(fingerprints);
    return Promise.resolve(
      [...this.bucket(this.items, key).values()].filter((record) =>
        wanted.has(itemFingerprint(record.createdDateTime, record.sizeBytes)),
      ),
    );
  }

  listItemsInFolder(key: MailboxKey, sourceFolderId: string): Promise<ItemRecord[]> {
    return Promise.resolve(
      [...this.bucket(this.items, key).values()].filter((record) => record.sourceFolderId === sourceFolderId),
    );
  }

  putBadItem(key: MailboxKey, record: BadItemRecord): Promise<void> {
    const bucket = this.bucket(this.bad, key);
    if (!bucket.has(record.sourceItemId))
      bucket.set(record.sourceItemId, {
        ...record,
        ...(record.subject !== undefined ? { subject: record.subject.slice(0, MAX_BAD_ITEM_TEXT) } : {}),
        ...(record.sender !== undefined ? { sender: record.sender.slice(0, MAX_BAD_ITEM_TEXT) } : {}),
      });
    return Promise.resolve();
  }

  listBadItems(key: MailboxKey): Promise<BadItemRecord[]> {
    return Promise.resolve([...this.bucket(this.bad, key).values()]);
  }
}
