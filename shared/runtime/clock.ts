/**
 * The app's and the local host's notion of time. Timers read it to decide when to fire and the app
 * reads it for every timestamp; an accelerated clock lets a demo or a test live through hours (or
 * a daylight-saving change) in seconds. In Azure it is always the wall clock.
 */
import type { ClockSettings } from "../config/clock.js";
export interface Clock {
  /** The current instant on this clock. */
  now(): Date;
  /** Resolves once this clock reaches `instant` (or at once if it already has), unless aborted. */
  sleepUntil(instant: Date, signal: AbortSignal): Promise<void>;
}

const MAX_TIMER_MS = 60_000;

/** Wall-clock time. */
export const systemClock: Clock = acceleratedClock(1);

/** Where an accelerated clock's virtual time starts, and the real instant it starts at. */
export interface ClockAnchor {
  readonly real: number;
  readonly virtual: number;
}

/**
 * A clock that shows `start` (default: the real time then) when first read and from then on runs
 * `factor` times faster than real time. Factor 60 turns every real second into a minute. Anchoring
 * on the first read, not on creation, keeps start-up time from skipping virtual hours; with no
 * `start` and factor 1 it is the wall clock. A fixed `anchor` lets two processes (or the host and
 * the app) share one accelerated time.
 */
export function acceleratedClock(factor: number, start?: Date, fixedAnchor?: ClockAnchor): Clock {
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new RangeError(`clock factor must be > 0, got ${factor}`);
  let anchor: ClockAnchor | undefined = fixedAnchor;
  const now = (): Date => {
    const real = Date.now();
    anchor ??= { real, virtual: start?.getTime() ?? real };
    return new Date(anchor.virtual + (real - anchor.real) * factor);
  };
  return {
    now,
    sleepUntil(instant, signal) {
      return new Promise((resolve) => {
        if (signal.aborted) {
          resolve();
          return;
        }
        const check = (): void => {
          const remainingVirtualMs = instant.getTime() - now().getTime();
          if (remainingVirtualMs <= 0 || signal.aborted) {
            signal.removeEventListener("abort", onAbort);
            resolve();
            return;
          }
          // Real timers are coarse; re-check after waking so a fast clock never fires early.
          // Capped: Node timers overflow past about 24.8 days, and waking once a minute is cheap.
          timer = setTimeout(
            check,
            Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(remainingVirtualMs / factor))),
          );
        };
        const onAbort = (): void => {
          clearTimeout(timer);
          resolve();
        };
        let timer: NodeJS.Timeout = setTimeout(check, 0);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}

/** The app's clock from its settings: the wall clock unless an accelerated one is set (locally). */
export function clockFrom(settings: ClockSettings | undefined): Clock {
  if (!settings) return systemClock;
  return acceleratedClock(settings.factor, undefined, {
    real: settings.realStart.getTime(),
    virtual: settings.virtualStart.getTime(),
  });
}
