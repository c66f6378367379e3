/**
 * Keeps one mailbox's Graph traffic just under Exchange Online's published per-app, per-mailbox
 * limits (10,000 requests per 10 minutes, 4 concurrent requests, 150 MB uploaded per 5 minutes),
 * so a transfer runs near the ceiling instead of bouncing off 429s. A Retry-After from the
 * service always wins over the governor's own pacing.
 */
export interface GovernorLimits {
  readonly maxConcurrent: number;
  readonly requestsPerWindow: number;
  readonly requestWindowMs: number;
  readonly uploadBytesPerWindow: number;
  readonly uploadWindowMs: number;
  /** Share of each budget the governor allows itself (e.g. 0.97), leaving room for clock skew. */
  readonly headroom: number;
}

/** Microsoft's published Outlook limits for the mailbox import/export API. */
export const PUBLISHED_LIMITS: GovernorLimits = {
  maxConcurrent: 4,
  requestsPerWindow: 10_000,
  requestWindowMs: 10 * 60_000,
  uploadBytesPerWindow: 150 * 1024 * 1024,
  uploadWindowMs: 5 * 60_000,
  headroom: 0.97,
};

/** Scales the window lengths (not the budgets), as the simulator does to fit tests into seconds. */
export function scaleLimits(limits: GovernorLimits, windowFactor: number): GovernorLimits {
  return {
    ...limits,
    requestWindowMs: Math.max(1, Math.round(limits.requestWindowMs * windowFactor)),
    uploadWindowMs: Math.max(1, Math.round(limits.uploadWindowMs * windowFactor)),
  };
}

export interface GovernorStats {
  readonly requests: number;
  readonly uploadedBytes: number;
  readonly waitedMs: number;
  /** Time requests spent in flight, summed: over a period, divided by it, the mean in flight. */
  readonly inFlightMs: number;
  readonly retryAfterPauses: number;
  /** 429 answers reported back with pauseUntil. */
  readonly throttled: number;
  /** Requests allowed in flight now (lowered after a 429, raised again as requests succeed). */
  readonly concurrency: number;
}

/** Successful requests after which a lowered concurrency is raised by one again. */
const RAISE_AFTER_SUCCESSES = 50;

interface Stamp {
  readonly at: number;
  readonly amount: number;
}

/** A sliding-window budget: `limit` units in any `windowMs`. */
class SlidingWindow {
  private readonly stamps: Stamp[] = [];
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `amount` more units fit (0 when they fit now). */
  delayFor(amount: number, now: number): number {
    this.expire(now);
    if (this.used + amount <= this.limit || this.stamps.length === 0) return 0;
    // Free the oldest stamps until the amount fits; wait until the last one needed expires.
    let freed = 0;
    for (const stamp of this.stamps) {
      freed += stamp.amount;
      if (this.used - freed + amount <= this.limit) return Math.max(0, stamp.at + this.windowMs - now);
    }
    const last = this.stamps[this.stamps.length - 1];
    return last ? Math.max(0, last.at + this.windowMs - now) : 0;
  }

  take(amount: number, now: number): void {
    if (amount <= 0) return;
    this.stamps.push({ at: now, amount });
    this.used += amount;
  }

  private expire(now: number): void {
    while (this.stamps.length > 0) {
      const first = this.stamps[0];
      if (!first || first.at + this.windowMs > now) break;
      this.stamps.shift();
      this.used -= first.amount;
    }
  }
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Paces one mailbox's requests; share one instance per mailbox within a process. */
export class MailboxGovernor {
  private readonly requests: SlidingWindow;
  private readonly uploads: SlidingWindow;
  private readonly waiters: (() => void)[] = [];
  private active = 0;
  private pausedUntil = 0;
  private stats = {
    requests: 0,
    uploadedBytes: 0,
    waitedMs: 0,
    inFlightMs: 0,
    retryAfterPauses: 0,
    throttled: 0,
  };
  /** Additive increase, multiplicative decrease on concurrency: the service's own limit wins. */
  private concurrency: number;
  private successes = 0;

  constructor(
    readonly limits: GovernorLimits = PUBLISHED_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = defaultSleep,
  ) {
    this.concurrency = limits.maxConcurrent;
    this.requests = new SlidingWindow(
      Math.floor(limits.requestsPerWindow * limits.headroom),
      limits.requestWindowMs,
    );
    this.uploads = new SlidingWindow(
      Math.floor(limits.uploadBytesPerWindow * limits.headroom),
      limits.uploadWindowMs,
    );
  }

  /** Runs `request` when a concurrency slot and both budgets allow it. */
  async run<T>(
    request: () => Promise<T>,
    cost: { uploadBytes?: number } = {},
    signal?: AbortSignal,
  ): Promise<T> {
    await this.acquireSlot();
    try {
      const uploadBytes = cost.uploadBytes ?? 0;
      for (;;) {
        const now = this.now();
        const wait = Math.max(
          this.pausedUntil - now,
          this.requests.delayFor(1, now),
          this.uploads.delayFor(uploadBytes, now),
        );
        if (wait <= 0) {
          this.requests.take(1, now);
          this.uploads.take(uploadBytes, now);
          break;
        }
        this.stats.waitedMs += wait;
        await this.sleep(wait, signal);
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
      }
      this.stats.requests += 1;
      this.stats.uploadedBytes += uploadBytes;
      const sent = this.now();
      let result: T;
      try {
        result = await request();
      } finally {
        this.stats.inFlightMs += this.now() - sent;
      }
      this.successes += 1;
      if (this.successes >= RAISE_AFTER_SUCCESSES && this.concurrency < this.limits.maxConcurrent) {
        this.successes = 0;
        this.concurrency += 1;
        this.releaseWaiters();
      }
      return result;
    } finally {
      this.releaseSlot();
    }
  }

  /** Holds every request until `untilMs` (epoch ms): the service asked us to wait. */
  pauseUntil(untilMs: number): void {
    this.stats.throttled += 1;
    this.successes = 0;
    this.concurrency = Math.max(1, Math.floor(this.concurrency / 2));
    if (untilMs > this.pausedUntil) {
      this.pausedUntil = untilMs;
      this.stats.retryAfterPauses += 1;
    }
  }

  /** The instant until which the service asked us to wait (0 when it has not). */
  get retryAfterUntil(): number {
    return this.pausedUntil;
  }

  /** Counters since creation. */
  snapshot(): GovernorStats {
    return { ...this.stats, concurrency: this.concurrency };
  }

  private acquireSlot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push(() => {
        this.active += 1;
        resolve();
      });
    });
  }

  private releaseSlot(): void {
    this.active -= 1;
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    while (this.active < this.concurrency && this.waiters.length > 0) this.waiters.shift()?.();
  }
}

/** One governor per mailbox id within a process. */
export class GovernorRegistry {
  private readonly governors = new Map<string, MailboxGovernor>();

  constructor(private readonly limits: GovernorLimits = PUBLISHED_LIMITS) {}

  /** The governor of a mailbox, created on first use. */
  for(mailboxId: string): MailboxGovernor {
    let governor = this.governors.get(mailboxId);
    if (!governor) {
      governor = new MailboxGovernor(this.limits);
      this.governors.set(mailboxId, governor);
    }
    return governor;
  }
}
