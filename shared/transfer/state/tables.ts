import { RestError, type TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { decodeKey, encodeKey } from "../../tables/client.js";
import type {
  BadItemRecord,
  FolderCheckpoint,
  ItemRecord,
  MailboxKey,
  PendingRemoval,
  TransferStateStore,
} from "./port.js";

/*
 * One partition per mailbox (`<accountId>~primary`): its folder checkpoints (`f~`), item map
 * (`i~`) and bad items (`b~`). A mailbox is worked on by one mover at a time (the account's
 * lease), so the partition never sees competing writers, and a mailbox's whole state is one
 * partition scan away.
 */
const FOLDER = "f~";
const ITEM = "i~";
const BAD = "b~";
const REMOVED = "r~";
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
            const row = await this.table.getEntity<{
              targetItemId: string;
              targetChangeKey?: string;
              sourceVersion: string;
              sizeBytes: number;
              pending?: boolean;
              createdDateTime?: string;
              sourceFolderId?: string;
              inArchive?: boolean;
            }>(partition, ITEM + encodeKey(id));
            found.set(id, {
              sourceItemId: id,
              targetItemId: row.targetItemId,
              ...(row.pending ? { pending: true } : {}),
              ...(row.createdDateTime ? { createdDateTime: row.createdDateTime } : {}),
              ...(row.targetChangeKey ? { targetChangeKey: row.targetChangeKey } : {}),
              sourceVersion: row.sourceVersion,
              sizeBytes: row.sizeBytes,
              ...(row.sourceFolderId ? { sourceFolderId: row.sourceFolderId } : {}),
              ...(row.inArchive ? { inArchive: true } : {}),
            });
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        }),
      );
    }
    return found;
  }

  async putItem(key: MailboxKey, record: ItemRecord): Promise<void> {
    await this.table.upsertEntity(itemEntity(key, record), "Replace");
  }

  async putItems(key: MailboxKey, records: readonly ItemRecord[]): Promise<void> {
    await this.submitAll(
      records.map((record): TransactionAction => ["upsert", itemEntity(key, record), "Replace"]),
    );
  }

  async deleteItem(key: MailboxKey, sourceItemId: string): Promise<void> {
    try {
      await this.table.deleteEntity(encodeKey(key), ITEM + encodeKey(sourceItemId));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
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
          },
          "Replace",
        ],
      ),
    );
  }

  async listRemovals(key: MailboxKey): Promise<PendingRemoval[]> {
    const out: PendingRemoval[] = [];
    const rows = this.table.listEntities<{ sourceFolderId: string; sourceItemId: string }>({
      queryOptions: { filter: rangeFilter(encodeKey(key), REMOVED) },
    });
    for await (const row of rows)
      out.push({ sourceFolderId: row.sourceFolderId, sourceItemId: row.sourceItemId });
    return out;
  }

  async deleteRemovals(key: MailboxKey, removals: readonly PendingRemoval[]): Promise<void> {
    await this.submitAll(
      removals.map(
        (removal): TransactionAction => [
          "delete",
          { partitionKey: encodeKey(key), rowKey: removalRowKey(removal) },
        ],
      ),
    );
  }

  /** Entity-group transactions of at most 100 rows (all in the mailbox's partition). */
  private async submitAll(actions: readonly TransactionAction[]): Promise<void> {
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
    }>({ queryOptions: { filter: rangeFilter(encodeKey(key), BAD) } });
    for await (const row of rows) {
      out.push({
        sourceItemId: decodeKey(row.rowKey.slice(BAD.length)),
        folderPath: row.folderPath,
        sizeBytes: row.sizeBytes,
        kind: row.kind,
        code: row.code,
        at: row.at,
      });
    }
    return out;
  }
}
