import { RestError, type TableClient } from "@azure/data-tables";
import { decodeKey, encodeKey } from "../tables/client.js";
import type { ActivityKind, ActivityLog, ActivityRecord } from "./port.js";

/*
 * One partition per minute (`m<yyyymmddhhmm>`), rows keyed `<wave>|<id>`: a time range is read
 * as a handful of partition queries, writers spread over minutes, and nothing is ever updated.
 */
const BUCKET_MS = 60_000;
const PARALLEL_QUERIES = 8;

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

/** ActivityLog on Azure Table Storage. */
export class TablesActivityLog implements ActivityLog {
  constructor(private readonly table: TableClient) {}

  async record(entry: ActivityRecord): Promise<void> {
    try {
      await this.table.createEntity({
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
      });
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
