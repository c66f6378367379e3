/**
 * Figures over time for the dashboard's charts, summed from the activity log into equal buckets:
 * accounts completed and failed, items and bytes copied, Graph requests and how many were
 * throttled. Rates are derived per bucket so the page only draws.
 */
import type { ActivityLog, ActivityRecord } from "../activity/port.js";

export interface SeriesPoint {
  /** Epoch ms of the bucket's start. */
  readonly at: number;
  readonly completed: number;
  readonly failed: number;
  readonly items: number;
  readonly bytes: number;
  readonly requests: number;
  readonly throttled: number;
  readonly itemsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** Failed share of the accounts that ended in the bucket; null when none ended. */
  readonly failureRate: number | null;
  /** Throttled share of the bucket's Graph requests; null without requests. */
  readonly throttledShare: number | null;
}

export interface Series {
  readonly from: number;
  readonly until: number;
  readonly bucketMs: number;
  readonly points: readonly SeriesPoint[];
  /** Sums over the whole span. */
  readonly total: {
    readonly completed: number;
    readonly failed: number;
    readonly requests: number;
    readonly throttled: number;
    readonly throttledShare: number | null;
  };
}

export interface SeriesRequest {
  /** Span in ms, ending now. */
  readonly spanMs: number;
  /** Number of buckets the span is cut into. */
  readonly buckets: number;
  readonly waveId?: string;
}

interface Sums {
  completed: number;
  failed: number;
  items: number;
  bytes: number;
  requests: number;
  throttled: number;
}

const MEGABYTE = 1024 * 1024;

function empty(): Sums {
  return { completed: 0, failed: 0, items: 0, bytes: 0, requests: 0, throttled: 0 };
}

function add(sums: Sums, record: ActivityRecord): void {
  sums.items += record.items;
  sums.bytes += record.bytes;
  sums.requests += record.requests;
  sums.throttled += record.throttled;
  if (record.kind === "completed") sums.completed += 1;
  else if (record.kind === "failed") sums.failed += 1;
}

/** Buckets records that fall in [from, from + bucketMs × buckets); pure, for tests. */
export function bucketSeries(
  records: readonly ActivityRecord[],
  from: number,
  bucketMs: number,
  buckets: number,
): Series {
  const sums = Array.from({ length: buckets }, empty);
  const total = empty();
  for (const record of records) {
    const index = Math.floor((record.at - from) / bucketMs);
    const bucket = sums[index];
    if (bucket === undefined) continue;
    add(bucket, record);
    add(total, record);
  }
  const seconds = bucketMs / 1000;
  const points = sums.map((bucket, index): SeriesPoint => {
    const ended = bucket.completed + bucket.failed;
    return {
      at: from + index * bucketMs,
      ...bucket,
      itemsPerSecond: bucket.items / seconds,
      megabytesPerSecond: bucket.bytes / MEGABYTE / seconds,
      failureRate: ended === 0 ? null : bucket.failed / ended,
      throttledShare: bucket.requests === 0 ? null : bucket.throttled / bucket.requests,
    };
  });
  return {
    from,
    until: from + bucketMs * buckets,
    bucketMs,
    points,
    total: {
      completed: total.completed,
      failed: total.failed,
      requests: total.requests,
      throttled: total.throttled,
      throttledShare: total.requests === 0 ? null : total.throttled / total.requests,
    },
  };
}

/** Reads the span from the activity log and buckets it; buckets end at the current one's end. */
export async function activitySeries(
  activity: ActivityLog,
  request: SeriesRequest,
  now: Date,
): Promise<Series> {
  const bucketMs = Math.max(1000, Math.ceil(request.spanMs / request.buckets / 1000) * 1000);
  // Aligned to the bucket size, so a bucket's figures do not shift between two refreshes.
  const until = (Math.floor(now.getTime() / bucketMs) + 1) * bucketMs;
  const from = until - bucketMs * request.buckets;
  const records = await activity.between(from, until, request.waveId);
  return bucketSeries(records, from, bucketMs, request.buckets);
}
