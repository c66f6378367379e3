import { RestError, type TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { decodeKey, encodeKey } from "../tables/keys.js";
import type { ActivityKind, ActivityLog, ActivityRecord } from "./port.js";

/*
 * One partition per minute (`m<yyyymmddhhmm>`), rows keyed `<wave>|<id>`: a time range is read
 * as a handful of partition queries, writers spread over minutes, and nothing is ever updated.
 */
const BUCKET_MS = 60_000;
const PARALLEL_QUERIES = 8;
/** How long a record waits for others to share its transaction. */
const GROUP_COMMIT_MS = 10;
/** Table Storage's limit on operations in one entity-group transaction. */
const MAX_TRANSACTION = 100;

function bucketOf(at: number): string {
  const date = new Date(Math.floor(at / BUCKET_MS) * BUCKET_MS);
  return `m${date.toISOString().slice(0, 16).replace(/[-T:]/g, "")}`;
}

interface Row {
  rowKey: string;
  accountId: string;
  kind: ActivityKind;
  at: number;
  requests: number;
  throttled: number;
  items: number;
  bytes: number;
  durationMs: number;
  detail?: string;
}

/** A row waiting for its transaction, and everyone waiting for it (the same record may come twice). */
interface Pending {
  readonly entity: TableEntity;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * ActivityLog on Azure Table Storage. Records arriving together (many movers finish slices at
 * once) share one entity-group transaction per minute partition; each caller still waits until
 * its own record is stored.
 */
export class TablesActivityLog implements ActivityLog {
  /** By minute partition, then by row key: a record written twice is one row. */
  private readonly queued = new Map<string, Map<string, Pending>>();
  private flushing: NodeJS.Timeout | undefined;

  constructor(private readonly table: TableClient) {}

  record(entry: ActivityRecord): Promise<void> {
    const entity: TableEntity = {
      partitionKey: bucketOf(entry.at),
      rowKey: `${encodeKey(entry.waveId)}|${encodeKey(entry.id)}`,
      accountId: entry.accountId,
      kind: entry.kind,
      at: entry.at,
      requests: entry.requests,
      throttled: entry.throttled,
      items: entry.items,
      bytes: { value: entry.bytes, type: "Double" },
      durationMs: entry.durationMs,
      ...(entry.detail ? { detail: entry.detail } : {}),
    };
    return new Promise<void>((resolve, reject) => {
      const rows = this.queued.get(entity.partitionKey) ?? new Map<string, Pending>();
      this.queued.set(entity.partitionKey, rows);
      const pending = rows.get(entity.rowKey) ?? { entity, waiters: [] };
      pending.waiters.push({ resolve, reject });
      rows.set(entity.rowKey, pending);
      this.flushing ??= setTimeout(() => void this.flush(), GROUP_COMMIT_MS);
    });
  }

  private async flush(): Promise<void> {
    this.flushing = undefined;
    const chunks: Pending[][] = [];
    for (const rows of this.queued.values()) {
      const pending = [...rows.values()];
      for (let start = 0; start < pending.length; start += MAX_TRANSACTION)
        chunks.push(pending.slice(start, start + MAX_TRANSACTION));
    }
    this.queued.clear();
    await Promise.all(chunks.map((chunk) => this.writeChunk(chunk)));
  }

  private async writeChunk(chunk: readonly Pending[]): Promise<void> {
    const [only] = chunk;
    if (chunk.length === 1 && only) return this.writeAlone(only);
    try {
      await this.table.submitTransaction(
        chunk.map((pending): TransactionAction => ["create", pending.entity]),
      );
      for (const pending of chunk) for (const waiter of pending.waiters) waiter.resolve();
    } catch (error) {
      // One record stored before (a retried write) or refused (a bad value) fails the whole
      // transaction: each on its own then, so only a refused record's writers see an error. A
      // service in trouble (5xx, no answer) is not asked a hundred times instead of once.
      const status = error instanceof RestError ? (error.statusCode ?? 0) : 0;
      const refused = status >= 400 && status < 500 && status !== 408 && status !== 429;
      if (!refused) {
        for (const pending of chunk) for (const waiter of pending.waiters) waiter.reject(error);
        return;
      }
      await Promise.all(chunk.map((pending) => this.writeAlone(pending)));
    }
  }

  private async writeAlone(pending: Pending): Promise<void> {
    try {
      await this.createOnce(pending.entity);
      for (const waiter of pending.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of pending.waiters) waiter.reject(error);
    }
  }

  private async createOnce(entity: TableEntity): Promise<void> {
    try {
      await this.table.createEntity(entity);
    } catch (error) {
      // The same record written twice (a retried write) counts once.
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
    }
  }

  async between(sinceMs: number, untilMs: number, waveId?: string): Promise<ActivityRecord[]> {
    const buckets: string[] = [];
    for (let at = Math.floor(sinceMs / BUCKET_MS) * BUCKET_MS; at < untilMs; at += BUCKET_MS)
      buckets.push(bucketOf(at));
    const out: ActivityRecord[] = [];
    for (let start = 0; start < buckets.length; start += PARALLEL_QUERIES) {
      const pages = await Promise.all(
        buckets.slice(start, start + PARALLEL_QUERIES).map((bucket) => this.readBucket(bucket, waveId)),
      );
      for (const page of pages)
        out.push(...page.filter((record) => record.at >= sinceMs && record.at < untilMs));
    }
    return out;
  }

  private async readBucket(bucket: string, waveId: string | undefined): Promise<ActivityRecord[]> {
    let filter = `PartitionKey eq '${bucket}'`;
    if (waveId !== undefined) {
      const prefix = `${encodeKey(waveId)}|`;
      filter += ` and RowKey ge '${prefix}' and RowKey lt '${encodeKey(waveId)}}'`;
    }
    const out: ActivityRecord[] = [];
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } })) {
      const [wave = "", id = ""] = row.rowKey.split("|");
      out.push({
        waveId: decodeKey(wave),
        id: decodeKey(id),
        accountId: row.accountId,
        kind: row.kind,
        at: row.at,
        requests: row.requests,
        throttled: row.throttled,
        items: row.items,
        bytes: row.bytes,
        durationMs: row.durationMs,
        ...(row.detail ? { detail: row.detail } : {}),
      });
    }
    return out;
  }
}
