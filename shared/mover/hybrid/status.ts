/**
 * How Exchange's move states map onto mailferry's statuses, and the audited steps from one status
 * to another along the main path (a watcher may see a move only after it passed several). Pure.
 */
import type { AccountStatus } from "../../domain/index.js";
import type { MoveStatus } from "../../exchange/port.js";

/** The mailferry status an Exchange move state means. */
export function statusFor(move: MoveStatus): AccountStatus {
  switch (move) {
    case "Queued":
      return "Queued";
    case "InProgress":
    case "Retrying":
      return "Syncing";
    case "AutoSuspended":
    case "Synced":
      return "Synced";
    case "CompletionInProgress":
      return "Completing";
    case "Completed":
      return "Completed";
    case "CompletedWithWarning":
    case "CompletedWithSkippedItems":
      return "CompletedWithWarnings";
    case "Failed":
      return "Failed";
    case "Suspended":
      return "Stopped";
  }
}

const MAIN_PATH: readonly AccountStatus[] = ["Queued", "Syncing", "Synced", "Completing"];

/**
 * The statuses to pass through from `from` to `to`, each one audited transition: along the main
 * path (Queued → Syncing → Synced → Completing), then the end. Empty when there is nothing to do
 * or the move would go backwards (an incremental sync is not a new pass for mailferry).
 */
export function stepsTo(from: AccountStatus, to: AccountStatus): AccountStatus[] {
  if (from === to) return [];
  if (to === "Failed" || to === "Stopped") return [to];
  const start = MAIN_PATH.indexOf(from);
  if (start < 0) return [];
  const end = to === "Completed" || to === "CompletedWithWarnings" ? MAIN_PATH.length : MAIN_PATH.indexOf(to);
  if (end <= start) return [];
  const steps = MAIN_PATH.slice(start + 1, Math.min(end + 1, MAIN_PATH.length));
  return to === "Completed" || to === "CompletedWithWarnings" ? [...steps, to] : steps;
}
