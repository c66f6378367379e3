/**
 * A sliding-window counter kept as a ring of time slots per key (60 slots per window), so memory
 * stays fixed however many requests arrive and "when will this fit?" has a precise answer.
 */

interface Ring {
  readonly slotIds: Float64Array;
  readonly amounts: Float64Array;
}

export class SlidingWindow {
  private readonly rings = new Map<string, Ring>();
  private readonly slotMs: number;

  constructor(
    readonly windowMs: number,
    private readonly slots = 60,
  ) {
    this.slotMs = windowMs / slots;
  }

  private ring(key: string): Ring {
    let ring = this.rings.get(key);
    if (!ring) {
      ring = { slotIds: new Float64Array(this.slots).fill(-1), amounts: new Float64Array(this.slots) };
      this.rings.set(key, ring);
    }
    return ring;
  }

  private currentSlot(nowMs: number): number {
    return Math.floor(nowMs / this.slotMs);
  }

  /** Amount recorded for `key` within the window ending now. */
  total(key: string, nowMs: number): number {
    const ring = this.rings.get(key);
    if (!ring) return 0;
    const oldest = this.currentSlot(nowMs) - this.slots + 1;
    let sum = 0;
    for (let i = 0; i < this.slots; i += 1) {
      if ((ring.slotIds[i] ?? -1) >= oldest) sum += ring.amounts[i] ?? 0;
    }
    return sum;
  }

  /** Records `amount` for `key` now. */
  add(key: string, nowMs: number, amount: number): void {
    const ring = this.ring(key);
    const slot = this.currentSlot(nowMs);
    const index = slot % this.slots;
    if (ring.slotIds[index] !== slot) {
      ring.slotIds[index] = slot;
      ring.amounts[index] = 0;
    }
    ring.amounts[index] = (ring.amounts[index] ?? 0) + amount;
  }

  /**
   * Milliseconds until `amount` more fits under `limit` (0 if it fits now). An amount larger than
   * the whole limit fits only into an empty window, so one oversized upload cannot block forever.
   */
  msUntilFits(key: string, nowMs: number, amount: number, limit: number): number {
    const total = this.total(key, nowMs);
    if (total + amount <= limit || (total === 0 && amount > limit)) return 0;
    const ring = this.rings.get(key);
    if (!ring) return 0;
    const current = this.currentSlot(nowMs);
    const needed = amount > limit ? total : total + amount - limit;
    let freed = 0;
    for (let slot = current - this.slots + 1; slot <= current; slot += 1) {
      const index = ((slot % this.slots) + this.slots) % this.slots;
      if (ring.slotIds[index] !== slot) continue;
      freed += ring.amounts[index] ?? 0;
      if (freed >= needed) return Math.max(1, Math.ceil((slot + this.slots) * this.slotMs - nowMs));
    }
    return this.windowMs;
  }

  /** Forgets every key. */
  clear(): void {
    this.rings.clear();
  }
}
