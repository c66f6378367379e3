/**
 * What the simulator observed, per mailbox and in total, and the theoretical ceiling the limits
 * allow, so a transfer engine's throughput can be measured against the best it could do.
 */
import { MEGABYTE, type LatencyOptions, type ScaledWindows, type ThrottleLimits } from "./options.js";
import type { Mailbox } from "./model/types.js";
import type { ThrottleReason } from "./throttle/mailboxThrottle.js";

/** What is counted for each mailbox, and in total. */
export interface TrafficCounters {
  requests: number;
  throttled: number;
  faults: number;
  bytesUploaded: number;
  bytesDownloaded: number;
  itemsExported: number;
  itemsImported: number;
}

export interface MailboxCounters extends TrafficCounters {
  readonly mailboxId: string;
  readonly upn: string;
  readonly side: "source" | "target";
  readonly kind: "primary" | "archive";
}

export interface CounterTotals extends TrafficCounters {
  tokensIssued: number;
  throttledBy: Record<ThrottleReason, number>;
}

/** The best a single app can do against one mailbox under the current limits. */
export interface Ceiling {
  readonly itemsPerSecond: number;
  /** Item content (not base64) moved per second. */
  readonly megabytesPerSecond: number;
  readonly limitedBy: "requests" | "uploads" | "concurrency";
  /** Mean size of the movable source items the ceiling assumes. */
  readonly meanItemBytes: number;
}

export interface SimulatorCounters {
  readonly since: string;
  readonly elapsedSeconds: number;
  readonly mailboxes: readonly Readonly<MailboxCounters>[];
  readonly totals: Readonly<CounterTotals>;
  /**
   * Per mailbox, one import request per item on the target mailbox. Mailboxes are throttled
   * independently, so N mailboxes moved in parallel allow N times this.
   */
  readonly ceiling: Ceiling;
}

function emptyTotals(): CounterTotals {
  return {
    requests: 0,
    throttled: 0,
    faults: 0,
    bytesUploaded: 0,
    bytesDownloaded: 0,
    itemsExported: 0,
    itemsImported: 0,
    tokensIssued: 0,
    throttledBy: { concurrency: 0, requests: 0, uploads: 0 },
  };
}

/** Size of the JSON body that imports an item of `itemBytes` (base64 plus the envelope). */
export function importBodyBytes(itemBytes: number): number {
  return Math.ceil(itemBytes / 3) * 4 + 200;
}

/** The ceiling for items of `meanItemBytes` under these limits and this latency. */
export function computeCeiling(
  limits: ThrottleLimits,
  windows: ScaledWindows,
  latency: LatencyOptions,
  meanItemBytes: number,
): Ceiling {
  const body = importBodyBytes(meanItemBytes);
  const byRequests = limits.requestsPerWindow / (windows.requestWindowMs / 1000);
  const byUploads = limits.uploadBytesPerWindow / (windows.uploadWindowMs / 1000) / body;
  const perRequestSeconds = (latency.perRequestMs + (latency.perMegabyteMs * body) / MEGABYTE) / 1000;
  const byConcurrency = perRequestSeconds > 0 ? limits.concurrentRequests / perRequestSeconds : Infinity;
  const candidates: readonly (readonly [Ceiling["limitedBy"], number])[] = [
    ["requests", byRequests],
    ["uploads", byUploads],
    ["concurrency", byConcurrency],
  ];
  let best = candidates[0] as readonly [Ceiling["limitedBy"], number];
  for (const candidate of candidates) if (candidate[1] < best[1]) best = candidate;
  return {
    itemsPerSecond: best[1],
    megabytesPerSecond: (best[1] * meanItemBytes) / MEGABYTE,
    limitedBy: best[0],
    meanItemBytes,
  };
}

export class Counters {
  private readonly perMailbox = new Map<string, MailboxCounters>();
  private totals = emptyTotals();
  private sinceMs = Date.now();

  /** The counters of one mailbox, created on first use. */
  mailbox(mailbox: Mailbox): MailboxCounters {
    let counters = this.perMailbox.get(mailbox.id);
    if (!counters) {
      counters = {
        mailboxId: mailbox.id,
        upn: mailbox.ownerUpn,
        side: mailbox.side,
        kind: mailbox.kind,
        requests: 0,
        throttled: 0,
        faults: 0,
        bytesUploaded: 0,
        bytesDownloaded: 0,
        itemsExported: 0,
        itemsImported: 0,
      };
      this.perMailbox.set(mailbox.id, counters);
    }
    return counters;
  }

  request(mailbox: Mailbox | undefined, uploaded: number, downloaded: number): void {
    this.totals.requests += 1;
    this.totals.bytesUploaded += uploaded;
    this.totals.bytesDownloaded += downloaded;
    if (!mailbox) return;
    const counters = this.mailbox(mailbox);
    counters.requests += 1;
    counters.bytesUploaded += uploaded;
    counters.bytesDownloaded += downloaded;
  }

  throttled(mailbox: Mailbox, reason: ThrottleReason): void {
    this.totals.throttled += 1;
    this.totals.throttledBy[reason] += 1;
    this.mailbox(mailbox).throttled += 1;
  }

  fault(mailbox: Mailbox | undefined): void {
    this.totals.faults += 1;
    if (mailbox) this.mailbox(mailbox).faults += 1;
  }

  exported(mailbox: Mailbox, items: number): void {
    this.totals.itemsExported += items;
    this.mailbox(mailbox).itemsExported += items;
  }

  imported(mailbox: Mailbox): void {
    this.totals.itemsImported += 1;
    this.mailbox(mailbox).itemsImported += 1;
  }

  tokenIssued(): void {
    this.totals.tokensIssued += 1;
  }

  /** Starts counting afresh (benchmarks reset between phases). */
  reset(): void {
    this.perMailbox.clear();
    this.totals = emptyTotals();
    this.sinceMs = Date.now();
  }

  snapshot(ceiling: Ceiling): SimulatorCounters {
    return {
      since: new Date(this.sinceMs).toISOString(),
      elapsedSeconds: (Date.now() - this.sinceMs) / 1000,
      mailboxes: [...this.perMailbox.values()].map((counters) => ({ ...counters })),
      totals: { ...this.totals, throttledBy: { ...this.totals.throttledBy } },
      ceiling,
    };
  }
}
