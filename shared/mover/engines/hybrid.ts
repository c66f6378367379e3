/**
 * The hybrid engine (`hybrid`): Exchange Online's Mailbox Replication Service moves the mailbox.
 * The mover only pre-flights and submits a Queued account, and finalizes a Completing one whose
 * move Exchange completed; the watcher follows everything in between.
 */
import { readHybridCheckpoint } from "../hybrid/checkpoint.js";
import { finishAccount, submitAccount } from "../hybrid/submit.js";
import type { MoveEngine } from "../engine.js";

export const hybridEngine: MoveEngine = {
  move: (work) => (work.account.status === "Completing" ? finishAccount(work) : submitAccount(work)),
  awaitsMessage: (account) => {
    const checkpoint = readHybridCheckpoint(account.checkpoint);
    if (account.status === "Queued") return checkpoint?.submittedAttempt !== account.attempt;
    if (account.status === "Completing") return checkpoint?.exchangeCompletedAt !== undefined;
    return false;
  },
};
