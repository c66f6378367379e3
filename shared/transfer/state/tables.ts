import { RestError, type TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { decodeKey, encodeKey } from "../../tables/keys.js";
import type {
  BadItemRecord,
  FolderCheckpoint,
  ItemRecord,
  MailboxKey,
  PendingRemoval,
  TransferStateStore,
} from "./port.js";
import { itemFingerprint, MAX_BAD_ITEM_TEXT } from "./port.js";

/*
 * One partition per mailbox (`<accountId>~primary`): its folder checkpoints (`f~`), item map
 * (`i~`) with its fingerprint lookup (`p~`), removals (`r~`) and bad items (`b~`). A mailbox is worked on by one mover at a time (the account's
 * lease), so the partition never sees competing writers, and a mailbox's whole state is one
 * partition scan away.
 */
const FOLDER = "f~";
const ITEM = "i~";
const BAD = "b~";
const REMOVED = "r~";
/** Fingerprint lookup rows: `p~<fingerprint>~<source item id>`, written with the item's row. */
const PRINT = "p~";
const LOOKUP_PARALLELISM = 16;

function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

function rangeFilter(partition: string, prefix: string): string {
  const escaped = partition.replace(/'/g, "''");
  return `PartitionKey eq '${escaped}' and RowKey ge '${prefix}' and RowKey lt '${prefix.slice(0, -1)}\u007f'`;
}

function itemEntity(key: MailboxKey, record: ItemRecord): TableEntity {
  return {
    partitionKey: encodeKey(key),
    rowKey: ITEM + encodeKey(record.sourceItemId),
    targetItemId: record.targetItemId,
    targetChangeKey: record.targetChangeKey ?? "",
    sourceVersion: record.sourceVersion,
    sizeBytes: record.sizeBytes,
    pending: record.pending === true,
    createdDateTime: record.createdDateTime ?? "",
    sourceFolderId: record.sourceFolderId ?? "",
    inArchive: record.inArchive === true,
    targetFolderId: record.targetFolderId ?? "",
    supersedes: record.supersedes ? JSON.stringify(record.supersedes) : "",
    seen: record.seen ?? 0,
  };
}

function printRowKey(fingerprint: string, sourceItemId: string): string {
  return `${PRINT}${encodeKey(fingerprint)}~${encodeKey(sourceItemId)}`;
}

/** The lookup row that finds an item by fingerprint; it names the item, whose row has the rest. */
function printEntity(key: MailboxKey, record: ItemRecord): TableEntity {
  return {
    partitionKey: encodeKey(key),
    rowKey: printRowKey(itemFingerprint(record.createdDateTime, record.sizeBytes), record.sourceItemId),
    sourceItemId: record.sourceItemId,
  };
}

interface ItemRow {
  readonly rowKey?: string;
  readonly targetItemId: string;
  readonly targetChangeKey?: string;
  readonly sourceVersion: string;
  readonly sizeBytes: number;
  readonly pending?: boolean;
  readonly createdDateTime?: string;
  readonly sourceFolderId?: string;
  readonly inArchive?: boolean;
  readonly targetFolderId?: string;
  readonly supersedes?: string;
  readonly seen?: number;
}

function itemFromRow(sourceItemId: string, row: ItemRow): ItemRecord {
  return {
    sourceItemId,
    targetItemId: row.targetItemId,
    ...(row.pending ? { pending: true } : {}),
    ...(row.createdDateTime ? { createdDateTime: row.createdDateTime } : {}),
    ...(row.targetChangeKey ? { targetChangeKey: row.targetChangeKey } : {}),
    sourceVersion: row.sourceVersion,
    sizeBytes: row.sizeBytes,
    ...(row.sourceFolderId ? { sourceFolderId: row.sourceFolderId } : {}),
    ...(row.inArchive ? { inArchive: true } : {}),
    ...(row.targetFolderId ? { targetFolderId: row.targetFolderId } : {}),
    ...(row.supersedes ? { supersedes: JSON.parse(row.supersedes) as ItemRecord["supersedes"] } : {}),
    ...(typeof row.seen === "number" && row.seen > 0 ? { seen: row.seen } : {}),
  };
}

function folderEntity(key: MailboxKey, folder: FolderCheckpoint): TableEntity {
  return {
    partitionKey: encodeKey(key),
    rowKey: FOLDER + encodeKey(folder.sourceFolderId),
    targetFolderId: folder.targetFolderId,
    path: folder.path,
    cursor: folder.cursor ?? "",
    passComplete: folder.passComplete,
    sourceItemCount: folder.sourceItemCount ?? -1,
    round: folder.round ?? 0,
    sourceParentId: folder.sourceParentId ?? "",
    archiveFolderId: folder.archiveFolderId ?? "",
    badItems: folder.badItems ?? 0,
    youngCursor: folder.youngCursor ?? "",
    youngComplete: folder.youngComplete === true,
    relocatedFrom: folder.relocatedFrom ? JSON.stringify(folder.relocatedFrom) : "",
    resyncMark: folder.resyncMark ?? 0,
  };
}

/** `|` never occurs in an encoded id, so folder and item ids stay apart in the row key. */
function removalRowKey(removal: PendingRemoval): string {
  return `${REMOVED}${encodeKey(removal.sourceFolderId)}|${encodeKey(removal.sourceItemId)}`;
}

/** TransferStateStore on Azure Table Storage. */
export class TablesTransferState implements TransferStateStore {
  constructor(private readonly table: TableClient) {}

  async loadFolders(key: MailboxKey): Promise<FolderCheckpoint[]> {
    const out: FolderCheckpoint[] = [];
    const rows = this.table.listEntities<{
      rowKey: string;
      targetFolderId: string;
      path: string;
      cursor?: string;
      passComplete: boolean;
      sourceItemCount?: number;
      round?: number;
      sourceParentId?: string;
      archiveFolderId?: string;
      badItems?: number;
      youngCursor?: string;
      youngComplete?: boolean;
      relocatedFrom?: string;
      resyncMark?: number;
    }>({ queryOptions: { filter: rangeFilter(encodeKey(key), FOLDER) } });
    for await (const row of rows) {
      out.push({
        sourceFolderId: decodeKey(row.rowKey.slice(FOLDER.length)),
        targetFolderId: row.targetFolderId,
        path: row.path,
        ...(row.cursor ? { cursor: row.cursor } : {}),
        passComplete: row.passComplete,
        ...(typeof row.sourceItemCount === "number" && row.sourceItemCount >= 0
          ? { sourceItemCount: row.sourceItemCount }
          : {}),
        ...(typeof row.round === "number" && row.round > 0 ? { round: row.round } : {}),
        ...(row.sourceParentId ? { sourceParentId: row.sourceParentId } : {}),
        ...(row.archiveFolderId ? { archiveFolderId: row.archiveFolderId } : {}),
        ...(typeof row.badItems === "number" && row.badItems > 0 ? { badItems: row.badItems } : {}),
        ...(row.youngCursor ? { youngCursor: row.youngCursor } : {}),
        ...(row.youngComplete ? { youngComplete: true } : {}),
        ...(row.relocatedFrom
          ? { relocatedFrom: JSON.parse(row.relocatedFrom) as FolderCheckpoint["relocatedFrom"] }
          : {}),
        ...(typeof row.resyncMark === "number" && row.resyncMark > 0 ? { resyncMark: row.resyncMark } : {}),
      });
    }
    return out;
  }

  async saveFolder(key: MailboxKey, folder: FolderCheckpoint): Promise<void> {
    await this.table.upsertEntity(folderEntity(key, folder), "Replace");
  }

  async saveFolders(key: MailboxKey, folders: readonly FolderCheckpoint[]): Promise<void> {
    await this.submitAll(
      folders.map((folder): TransactionAction => ["upsert", folderEntity(key, folder), "Replace"]),
    );
  }

  async deleteFolder(key: MailboxKey, sourceFolderId: string): Promise<void> {
    try {
      await this.table.deleteEntity(encodeKey(key), FOLDER + encodeKey(sourceFolderId));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async getItems(key: MailboxKey, sourceItemIds: readonly string[]): Promise<Map<string, ItemRecord>> {
    const found = new Map<string, ItemRecord>();
    const partition = encodeKey(key);
    for (let start = 0; start < sourceItemIds.length; start += LOOKUP_PARALLELISM) {
      await Promise.all(
        sourceItemIds.slice(start, start + LOOKUP_PARALLELISM).map(async (id) => {
          try {
            const row = await this.table.getEntity<ItemRow>(partition, ITEM + encodeKey(id));
            found.set(id, itemFromRow(id, row));
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        }),
      );
    }
    return found;
  }

  async putItem(key: MailboxKey, record: ItemRecord): Promise<void> {
    await this.putItems(key, [record]);
  }

  /** Each record with its fingerprint row, in the mailbox partition's transactions. */
  async putItems(key: MailboxKey, records: readonly ItemRecord[]): Promise<void> {
    await this.submitAll(
      records.flatMap((record): TransactionAction[] => [
        ["upsert", itemEntity(key, record), "Replace"],
        ["upsert", printEntity(key, record), "Replace"],
      ]),
    );
  }

  async deleteItem(key: MailboxKey, sourceItemId: string, fingerprint?: string): Promise<void> {
    const rows = [ITEM + encodeKey(sourceItemId)];
    if (fingerprint !== undefined) rows.push(printRowKey(fingerprint, sourceItemId));
    for (const rowKey of rows) {
      try {
        await this.table.deleteEntity(encodeKey(key), rowKey);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  /**
   * Looks the fingerprints up, then reads the items they name; a lookup row whose item is gone
   * or has another fingerprint now (left by a deletion without one) is passed over.
   */
  async findByFingerprint(key: MailboxKey, fingerprints: readonly string[]): Promise<ItemRecord[]> {
    const partition = encodeKey(key);
    const ids = new Set<string>();
    for (const fingerprint of new Set(fingerprints)) {
      const rows = this.table.listEntities<{ sourceItemId: string }>({
        queryOptions: { filter: rangeFilter(partition, `${PRINT}${encodeKey(fingerprint)}~`) },
      });
      for await (const row of rows) ids.add(row.sourceItemId);
    }
    const wanted = new Set(fingerprints);
    const found = await this.getItems(key, [...ids]);
    return [...found.values()].filter((record) =>
      wanted.has(itemFingerprint(record.createdDateTime, record.sizeBytes)),
    );
  }

  async listItemsInFolder(key: MailboxKey, sourceFolderId: string): Promise<ItemRecord[]> {
    const partition = encodeKey(key);
    const escaped = sourceFolderId.replace(/'/g, "''");
    const rows = this.table.listEntities<ItemRow>({
      queryOptions: { filter: `${rangeFilter(partition, ITEM)} and sourceFolderId eq '${escaped}'` },
    });
    const out: ItemRecord[] = [];
    for await (const row of rows) {
      out.push(itemFromRow(decodeKey((row.rowKey ?? "").slice(ITEM.length)), row));
    }
    return out;
  }

  async addRemovals(key: MailboxKey, removals: readonly PendingRemoval[]): Promise<void> {
    await this.submitAll(
      removals.map(
        (removal): TransactionAction => [
          "upsert",
          {
            partitionKey: encodeKey(key),
            rowKey: removalRowKey(removal),
            sourceFolderId: removal.sourceFolderId,
            sourceItemId: removal.sourceItemId,
            round: removal.round ?? 0,
          },
          "Replace",
        ],
      ),
    );
  }

  async listRemovals(key: MailboxKey): Promise<PendingRemoval[]> {
    const out: PendingRemoval[] = [];
    const rows = this.table.listEntities<{ sourceFolderId: string; sourceItemId: string; round?: number }>({
      queryOptions: { filter: rangeFilter(encodeKey(key), REMOVED) },
    });
    for await (const row of rows) {
      out.push({
        sourceFolderId: row.sourceFolderId,
        sourceItemId: row.sourceItemId,
        ...(typeof row.round === "number" && row.round > 0 ? { round: row.round } : {}),
      });
    }
    return out;
  }

  async deleteRemovals(key: MailboxKey, removals: readonly PendingRemoval[]): Promise<void> {
    const partitionKey = encodeKey(key);
    try {
      await this.submitAll(
        removals.map(
          (removal): TransactionAction => ["delete", { partitionKey, rowKey: removalRowKey(removal) }],
        ),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // One row already gone (settled before a crash) fails its whole transaction: one by one then.
      for (const removal of removals) {
        try {
          await this.table.deleteEntity(partitionKey, removalRowKey(removal));
        } catch (single) {
          if (!isNotFound(single)) throw single;
        }
      }
    }
  }

  /**
   * Entity-group transactions of at most 100 rows (all in the mailbox's partition). A row may
   * appear only once in a transaction, so of two actions on one row the later one is kept.
   */
  private async submitAll(requested: readonly TransactionAction[]): Promise<void> {
    const byRow = new Map<string, TransactionAction>();
    for (const action of requested) {
      const rowKey = action[1].rowKey;
      byRow.delete(rowKey);
      byRow.set(rowKey, action);
    }
    const actions = [...byRow.values()];
    for (let start = 0; start < actions.length; start += 100) {
      const batch = actions.slice(start, start + 100);
      if (batch.length > 0) await this.table.submitTransaction(batch);
    }
  }

  async putBadItem(key: MailboxKey, record: BadItemRecord): Promise<void> {
    try {
      await this.table.createEntity({
        partitionKey: encodeKey(key),
        rowKey: BAD + encodeKey(record.sourceItemId),
        folderPath: record.folderPath,
        sizeBytes: record.sizeBytes,
        kind: record.kind,
        code: record.code,
        at: record.at,
        ...(record.subject !== undefined ? { subject: record.subject.slice(0, MAX_BAD_ITEM_TEXT) } : {}),
        ...(record.sender !== undefined ? { sender: record.sender.slice(0, MAX_BAD_ITEM_TEXT) } : {}),
        ...(record.receivedDateTime !== undefined ? { receivedDateTime: record.receivedDateTime } : {}),
      });
    } catch (error) {
      // Seen before: the first record stands.
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
    }
  }

  async listBadItems(key: MailboxKey): Promise<BadItemRecord[]> {
    const out: BadItemRecord[] = [];
    const rows = this.table.listEntities<{
      rowKey: string;
      folderPath: string;
      sizeBytes: number;
      kind: "failed" | "large";
      code: string;
      at: string;
      subject?: string;
      sender?: string;
      receivedDateTime?: string;
    }>({ queryOptions: { filter: rangeFilter(encodeKey(key), BAD) } });
    for await (const row of rows) {
      out.push({
        sourceItemId: decodeKey(row.rowKey.slice(BAD.length)),
        folderPath: row.folderPath,
        sizeBytes: row.sizeBytes,
        kind: row.kind,
        code: row.code,
        at: row.at,
        ...(typeof row.subject === "string" ? { subject: row.subject } : {}),
        ...(typeof row.sender === "string" ? { sender: row.sender } : {}),
        ...(typeof row.receivedDateTime === "string" ? { receivedDateTime: row.receivedDateTime } : {}),
      });
    }
    return out;
  }
}
