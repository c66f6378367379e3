/**
 * When an account's next pass runs and when it may be cut over: pre-staging copies content before
 * the cutover window, incremental passes keep a synced account current, and the cutover (a final
 * pass, then the finalize actions) runs only inside a window unless an operator says "now".
 */
import type { AccountRecord } from "./account.js";
import type { WaveRecord } from "./wave.js";
import type { WindowOccurrence } from "./windows.js";

/** The kind of pass an account's next slice belongs to. */
export type PassKind = "initial" | "incremental" | "cutover";

/** The pass an account in Queued, Syncing or Completing is on. */
export function passOf(account: Pick<AccountRecord, "status" | "round">): PassKind {
  if (account.status === "Completing") return "cutover";
  return account.round === 0 ? "initial" : "incremental";
}

/** Whether a cutover may start now, and if not, why (for operators). */
export type CutoverDecision =
  | {
      readonly ready: true;
      /** Asked for by an operator: no window or capacity needed. */ readonly forced: boolean;
    }
  | { readonly ready: false; readonly reason: string };

/** Why a Synced account waits when no window is open. */
export const NO_WINDOW_OPEN = "no cutover window is open";

/** Why a Synced account that finished copying inside the open window waits for the next one. */
export const COPIED_IN_WINDOW =
  "initial copy finished after this window opened; the wave cuts it over in the next window";

/**
 * Decides whether a Synced account may be cut over at `now`. The account's own completeNow and
 * completeAfter replace the wave's; without "complete now" a window must be open, and an account
 * whose initial copy finished after the window opened waits for the next one unless the wave
 * allows it.
 */
export function cutoverDecision(
  account: Pick<AccountRecord, "syncedAt" | "completeAfter" | "completeNow">,
  wave: Pick<WaveRecord, "completeAfter" | "completeNow" | "cutoverUnsynced">,
  window: WindowOccurrence | undefined,
  now: Date,
): CutoverDecision {
  // An account's own times replace the wave's, both of them: a wave-wide "complete now" does
  // not override an account an operator told to wait.
  const own = account.completeNow !== undefined || account.completeAfter !== undefined;
  const completeNow = own ? account.completeNow : wave.completeNow;
  const completeAfter = own ? account.completeAfter : wave.completeAfter;
  if (completeNow !== undefined && Date.parse(completeNow) <= now.getTime())
    return { ready: true, forced: true };
  if (completeAfter !== undefined && Date.parse(completeAfter) > now.getTime()) {
    return { ready: false, reason: `waits until ${completeAfter} (complete after)` };
  }
  if (window === undefined) return { ready: false, reason: NO_WINDOW_OPEN };
  if (
    !wave.cutoverUnsynced &&
    account.syncedAt !== undefined &&
    Date.parse(account.syncedAt) > window.start.getTime()
  ) {
    return { ready: false, reason: COPIED_IN_WINDOW };
  }
  return { ready: true, forced: false };
}

/** Why a ready account waits when its window has no cutovers left. */
export const WINDOW_FULL = "window capacity used";

/**
 * Hands out a window's remaining cutovers to Synced accounts in listing order (highest priority,
 * longest synced first), the way the scheduler starts them; says why each other account waits.
 * Forced cutovers ("complete now") take no window capacity.
 */
export class CutoverQueue {
  private windowedLeft: number;

  constructor(
    private readonly wave: Pick<WaveRecord, "completeAfter" | "completeNow" | "cutoverUnsynced">,
    private readonly window: WindowOccurrence | undefined,
    private readonly now: Date,
    capacityLeft: number,
  ) {
    this.windowedLeft = capacityLeft;
  }

  /** Takes a cutover for the account if it may have one now, else says why not. */
  consider(
    account: Pick<AccountRecord, "syncedAt" | "completeAfter" | "completeNow">,
  ): { readonly take: true; readonly forced: boolean } | { readonly take: false; readonly reason: string } {
    const decision = cutoverDecision(account, this.wave, this.window, this.now);
    if (!decision.ready) return { take: false, reason: decision.reason };
    if (!decision.forced) {
      if (this.windowedLeft <= 0) return { take: false, reason: WINDOW_FULL };
      this.windowedLeft -= 1;
    }
    return { take: true, forced: decision.forced };
  }
}

/** Whether a Synced account is due for an incremental pass (it entered Synced when its last pass ended). */
export function incrementalDue(
  account: Pick<AccountRecord, "statusSince">,
  wave: Pick<WaveRecord, "incrementalHours">,
  now: Date,
): boolean {
  if (wave.incrementalHours <= 0) return false;
  return Date.parse(account.statusSince) + wave.incrementalHours * 3_600_000 <= now.getTime();
}

/** Whether Pending accounts may start their initial copy now: always when pre-staging, else in a window. */
export function mayStartInitialCopy(
  wave: Pick<WaveRecord, "prestage">,
  window: WindowOccurrence | undefined,
): boolean {
  return wave.prestage || window !== undefined;
}
