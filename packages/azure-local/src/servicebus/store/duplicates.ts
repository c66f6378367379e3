/**
 * Remembers MessageIds for the queue's duplicate-detection window. Every id lives exactly one
 * window, so insertion order is expiry order and pruning only ever looks at the oldest entries.
 */
export class DuplicateWindow {
  private readonly seenUntil = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** Whether `key` was seen inside the window; records it when it was not. */
  isDuplicate(key: string, now: number): boolean {
    this.prune(now);
    if (this.seenUntil.has(key)) return true;
    this.seenUntil.set(key, now + this.windowMs);
    return false;
  }

  private prune(now: number): void {
    for (const [key, until] of this.seenUntil) {
      if (until > now) return;
      this.seenUntil.delete(key);
    }
  }
}
