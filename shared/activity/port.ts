/**
 * A log of what the movers did, one record per slice or outcome, kept in time buckets. The
 * scheduler reads it to adapt its release rate; alerts and the dashboard read failure rates,
 * throttling and throughput from it. Records are append-only, so concurrent movers never
 * contend on a shared row.
 */
export type ActivityKind = "slice" | "completed" | "failed";

export interface ActivityRecord {
  readonly waveId: string;
  readonly accountId: string;
  readonly kind: ActivityKind;
  /** Epoch ms. */
  readonly at: number;
  readonly requests: number;
  readonly throttled: number;
  readonly items: number;
  readonly bytes: number;
  readonly durationMs: number;
  /** Failure class for `failed`, outcome detail for `slice` (done, more, throttled). */
  readonly detail?: string;
  /** Unique per record (e.g. the message id), so a retried write does not count twice. */
  readonly id: string;
}

export interface ActivityLog {
  record(entry: ActivityRecord): Promise<void>;
  /** Records of a wave (or all waves) with `at` in [sinceMs, untilMs). */
  between(sinceMs: number, untilMs: number, waveId?: string): Promise<ActivityRecord[]>;
}

/** Sums records into the figures the scheduler, alerts and status read. */
export function summarise(records: readonly ActivityRecord[]): {
  requests: number;
  throttled: number;
  slices: number;
  completed: number;
  failed: number;
  items: number;
  bytes: number;
} {
  const out = { requests: 0, throttled: 0, slices: 0, completed: 0, failed: 0, items: 0, bytes: 0 };
  for (const record of records) {
    out.requests += record.requests;
    out.throttled += record.throttled;
    out.items += record.items;
    out.bytes += record.bytes;
    if (record.kind === "slice") out.slices += 1;
    else if (record.kind === "completed") out.completed += 1;
    else out.failed += 1;
  }
  return out;
}
