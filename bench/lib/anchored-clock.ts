/**
 * A simulated clock two processes agree on: virtual time = `virtualAnchor` + (real time −
 * `realAnchor`) × `factor`, standing still at `virtualAnchor` before `realAnchor`. The benchmark
 * hands the same anchors to the Exchange simulator's process, so both see the same simulated
 * instant, and starts the clock (a new `realAnchor`) once the wave is imported.
 */
import type { Clock } from "../../shared/runtime/clock.js";

const MAX_TIMER_MS = 60_000;

export interface ClockAnchor {
  readonly factor: number;
  readonly realAnchor: number;
  readonly virtualAnchor: number;
}

export interface AnchoredClock extends Clock {
  /** Sets new anchors: starts the clock, or jumps it ahead (both processes must be told). */
  reanchor(next: Partial<ClockAnchor>): void;
}

export function anchoredClock(initial: ClockAnchor): AnchoredClock {
  let anchor = initial;
  const now = (): Date =>
    new Date(anchor.virtualAnchor + Math.max(0, Date.now() - anchor.realAnchor) * anchor.factor);
  return {
    now,
    reanchor(next) {
      anchor = { ...anchor, ...next };
    },
    sleepUntil(instant, signal) {
      return new Promise((resolve) => {
        if (signal.aborted) {
          resolve();
          return;
        }
        let timer: NodeJS.Timeout | undefined;
        const onAbort = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const check = (): void => {
          const left = instant.getTime() - now().getTime();
          if (left <= 0 || signal.aborted) {
            signal.removeEventListener("abort", onAbort);
            resolve();
            return;
          }
          // Before the clock starts it stands still: look again soon rather than sleep for long.
          const standing = Date.now() < anchor.realAnchor;
          timer = setTimeout(
            check,
            standing ? 200 : Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(left / anchor.factor))),
          );
        };
        signal.addEventListener("abort", onAbort, { once: true });
        check();
      });
    },
  };
}
