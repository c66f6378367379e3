/**
 * A compact set of 64-bit string fingerprints, each remembering the line it was first seen on.
 * Duplicate detection has to remember every row of a file; at 12 bytes per row in flat typed
 * arrays (no per-row objects), a million-row inventory costs about 24 MB instead of the hundreds
 * a Map of strings would. Two different strings share a fingerprint with odds around 2^-64 per
 * pair, negligible at inventory sizes.
 */
export class FingerprintSet {
  private high: Uint32Array;
  private low: Uint32Array;
  private lines: Uint32Array;
  private used = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
  }

  get size(): number {
    return this.used;
  }

  /**
   * Adds `text` first seen on `line` (≥ 1). Returns 0 if it is new, else the line it was first
   * seen on.
   */
  add(text: string, line: number): number {
    const [high, low] = fingerprint(text);
    const mask = this.lines.length - 1;
    for (let slot = (low ^ high) & mask; ; slot = (slot + 1) & mask) {
      const seen = this.lines[slot] ?? 0;
      if (seen === 0) {
        this.high[slot] = high;
        this.low[slot] = low;
        this.lines[slot] = line;
        this.used++;
        if (this.used * 10 > this.lines.length * 7) this.grow();
        return 0;
      }
      if (this.high[slot] === high && this.low[slot] === low) return seen;
    }
  }

  private grow(): void {
    const { high, low, lines } = this;
    const capacity = lines.length * 2;
    const mask = capacity - 1;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? 0;
      if (line === 0) continue;
      const h = high[i] ?? 0;
      const l = low[i] ?? 0;
      let slot = (l ^ h) & mask;
      while ((this.lines[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
      this.high[slot] = h;
      this.low[slot] = l;
      this.lines[slot] = line;
    }
  }
}

/** Two 32-bit multiply-xorshift lanes over the UTF-16 code units, each finished with an avalanche. */
function fingerprint(text: string): [number, number] {
  let a = 0x9e3779b9 ^ text.length;
  let b = 0x85ebca6b ^ Math.imul(text.length, 0xc2b2ae35);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x5bd1e995);
    a ^= a >>> 15;
    b = Math.imul(b ^ code, 0x27d4eb2f);
    b ^= b >>> 13;
  }
  return [avalanche(a, b), avalanche(b, a)];
}

function avalanche(x: number, mix: number): number {
  let h = x ^ Math.imul(mix, 0x165667b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
