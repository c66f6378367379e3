/**
 * Waiting for a mailbox a licence has just been assigned for: Exchange Online provisions it some
 * minutes later. Pre-flight finds the user licensed without a mailbox; the mover then schedules
 * the same slice again (no function sleeps), up to a bound, and fails the account after it.
 */

export type MailboxWait =
  | { readonly kind: "again"; readonly at: Date; readonly waitingSince: number }
  | { readonly kind: "give up"; readonly waitedMinutes: number };

/**
 * What to do about a missing mailbox: look again at `now + recheck`, or give up once `wait` has
 * passed since `waitingSince` (epoch seconds; absent the first time).
 */
export function mailboxWait(
  waitingSince: number | undefined,
  now: Date,
  settings: { readonly mailboxWaitMs: number; readonly mailboxRecheckMs: number },
): MailboxWait {
  const nowMs = now.getTime();
  const since = waitingSince ?? Math.floor(nowMs / 1000);
  const waitedMs = nowMs - since * 1000;
  if (waitedMs >= settings.mailboxWaitMs) {
    return { kind: "give up", waitedMinutes: Math.round(waitedMs / 60_000) };
  }
  // The last look falls on the bound, not beyond it.
  const at = Math.min(nowMs + settings.mailboxRecheckMs, since * 1000 + settings.mailboxWaitMs);
  return { kind: "again", at: new Date(at), waitingSince: since };
}
