/**
 * Records every call the simulator answers, by described operation: what a whole migration asked
 * of Graph, and anything it asked that the description lacks. A recorder test fails on the
 * latter, so an undocumented call cannot slip into the product unnoticed.
 */

/** A call the description did not allow, as the simulator refused it. */
export interface RefusedCall {
  readonly version: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly reason: string;
}

export interface CallRecord {
  /** Calls per described operation, keyed `<version> <operation id>` (`import <...>` for import URLs). */
  readonly described: Readonly<Record<string, number>>;
  /** Calls the description lacks (the first 100 are kept). */
  readonly refused: readonly RefusedCall[];
  readonly refusedCount: number;
}

const KEPT = 100;

export class CallRecorder {
  private described = new Map<string, number>();
  private refused: RefusedCall[] = [];
  private refusedCount = 0;

  /** A call the description allows. */
  count(key: string): void {
    this.described.set(key, (this.described.get(key) ?? 0) + 1);
  }

  /** A call the description lacks. */
  refuse(call: RefusedCall): void {
    this.refusedCount += 1;
    if (this.refused.length < KEPT) this.refused.push(call);
  }

  snapshot(): CallRecord {
    return {
      described: Object.fromEntries([...this.described.entries()].sort(([a], [b]) => a.localeCompare(b))),
      refused: [...this.refused],
      refusedCount: this.refusedCount,
    };
  }

  reset(): void {
    this.described = new Map();
    this.refused = [];
    this.refusedCount = 0;
  }
}

/** Throws, listing them, when any recorded call was outside the description. */
export function assertAllDescribed(record: CallRecord): void {
  if (record.refusedCount === 0) return;
  const lines = record.refused.map(
    (call) => `${call.method} /${call.version}${call.path} -> ${call.status}: ${call.reason}`,
  );
  throw new Error(
    `${record.refusedCount} calls were outside Microsoft's description of Graph:\n${lines.join("\n")}`,
  );
}
