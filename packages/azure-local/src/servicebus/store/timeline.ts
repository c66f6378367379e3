import type { Clock } from "./clock.js";
import { MinHeap } from "./heap.js";

interface Entry {
  readonly at: number;
  readonly order: number;
  readonly action: () => void;
}

// setTimeout overflows above 2^31-1 ms; longer waits are re-armed when this one ends.
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Runs actions at points in time with a single, unref'd timer for everything due (lock expiry,
 * scheduled messages, TTL). Actions check for themselves whether they still apply, so nothing is
 * ever cancelled here: a renewed lock simply leaves a stale entry that does nothing.
 */
export class Timeline {
  private readonly entries = new MinHeap<Entry>((a, b) => a.at - b.at || a.order - b.order);
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private order = 0;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `action` once `at` (ms since the epoch) has passed. */
  at(at: number, action: () => void): void {
    if (this.closed || !Number.isFinite(at)) return;
    this.entries.push({ at, order: this.order++, action });
    if (at < this.armedFor) this.arm();
  }

  /** Runs every action that is due now; the timer calls this, and tests may too. */
  runDue(): void {
    const now = this.clock.now();
    for (let entry = this.entries.peek(); entry && entry.at <= now; entry = this.entries.peek()) {
      this.entries.pop();
      entry.action();
    }
    this.arm();
  }

  /** Stops the timer and forgets every pending action. */
  close(): void {
    this.closed = true;
    this.disarm();
    this.entries.clear();
  }

  private arm(): void {
    this.disarm();
    const next = this.entries.peek();
    if (!next || this.closed) return;
    const delay = Math.min(Math.max(next.at - this.clock.now(), 0), MAX_DELAY_MS);
    this.armedFor = next.at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedFor = Number.POSITIVE_INFINITY;
      this.runDue();
    }, delay);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }
}
