/**
 * Keeps at most `size` requests of this process in flight: Exchange Online refuses a tenant's
 * requests beyond a few at once, so the adapter queues them here rather than be refused.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`a limiter needs a size of at least 1, got ${size}`);
  }

  /** Resolves with a release function once a place is free. */
  async acquire(): Promise<() => void> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The place passes straight to the next waiter: the count stays as it is.
      if (next !== undefined) next();
      else this.running -= 1;
    };
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.running;
  }
}
