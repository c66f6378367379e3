import { RestError, type TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { decodeKey, encodeKey } from "../tables/client.js";
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

interface Queued {
  readonly entity: TableEntity;
  readonly done: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * ActivityLog on Azure Table Storage. Records arriving together (many movers finish slices at
 * once) share one entity-group transaction per minute partition; each caller still waits until
 * its own record is stored.
 */
export class TablesActivityLog implements ActivityLog {
  private readonly queued = new Map<string, Queued[]>();
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
      const list = this.queued.get(entity.partitionKey) ?? [];
      list.push({ entity, done: { resolve, reject } });
      this.queued.set(entity.partitionKey, list);
      this.flushing ??= setTimeout(() => void this.flush(), GROUP_COMMIT_MS);
    });
  }

  private async flush(): Promise<void> {
    this.flushing = undefined;
    const groups = [...this.queued.values()];
    this.queued.clear();
    const chunks: Queued[][] = [];
    for (const group of groups) {
      // A record written twice (a retried slice) is one row: duplicates in a transaction would fail it.
      const byKey = new Map<string, Queued[]>();
      for (const queued of group)
        byKey.set(queued.entity.rowKey, [...(byKey.get(queued.entity.rowKey) ?? []), queued]);
      const distinct = [...byKey.values()];
      for (let start = 0; start < distinct.length; start += MAX_TRANSACTION)
        chunks.push(distinct.slice(start, start + MAX_TRANSACTION).flatMap((same) => same));
    }
    await Promise.all(chunks.map((chunk) => this.writeChunk(chunk)));
  }

  private async writeChunk(chunk: readonly Queued[]): Promise<void> {
    const distinct = [...new Map(chunk.map((queued) => [queued.entity.rowKey, queued.entity])).values()];
    try {
      if (distinct.length === 1) await this.createOnce(distinct[0] as TableEntity);
      else
        try {
          await this.table.submitTransaction(distinct.map((entity): TransactionAction => ["create", entity]));
        } catch (error) {
          // One of them was stored before (a retried write): each on its own, where a 409 is success.
          if (!(error instanceof RestError && error.statusCode === 409)) throw error;
          await Promise.all(distinct.map((entity) => this.createOnce(entity)));
        }
      for (const queued of chunk) queued.done.resolve();
    } catch (error) {
      for (const queued of chunk) queued.done.reject(error);
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
