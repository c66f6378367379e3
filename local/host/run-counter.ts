import { HostWaitTimeoutError } from "./errors.js";

/**
 * Counts the runs of one function, and lets a caller wait for a number of them: a test that must
 * show that a timer did nothing waits until the timer has run, never for a stretch of time in
 * which it may not have run at all.
 */
export class RunCounter {
  private startedRuns = 0;
  private finishedRuns = 0;
  private readonly waiters = new Set<{ readonly total: number; readonly resolve: () => void }>();

  constructor(private readonly functionName: string) {}

  /** Runs begun, finished or not. */
  get started(): number {
    return this.startedRuns;
  }

  /** Runs ended, failed or not. */
  get finished(): number {
    return this.finishedRuns;
  }

  begin(): void {
    this.startedRuns += 1;
  }

  end(): void {
    this.finishedRuns += 1;
    for (const waiter of this.waiters) {
      if (this.finishedRuns >= waiter.total) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves once `total` runs have finished; rejects after `timeoutMs` if they have not. */
  async waitFor(total: number, timeoutMs: number): Promise<void> {
    if (this.finishedRuns >= total) return;
    let timer: NodeJS.Timeout | undefined;
    let waiter: { readonly total: number; readonly resolve: () => void } | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        waiter = { total, resolve };
        this.waiters.add(waiter);
        timer = setTimeout(() => {
          reject(
            new HostWaitTimeoutError(
              `function ${this.functionName} finished ${this.finishedRuns} of the ${total} runs waited for within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
      });
    } finally {
      clearTimeout(timer);
      if (waiter) this.waiters.delete(waiter);
    }
  }
}
