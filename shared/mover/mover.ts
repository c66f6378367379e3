/**
 * The mover: runs one `moves` message. It claims the account the message is for and hands it to
 * the move engine its wave chose (the Graph copy, or Exchange's hybrid moves). A message for an
 * account that has moved on (late, duplicate, older attempt) is acknowledged without effect, after
 * re-sending the account's next message should that send have been lost; a message that finds
 * another message's lease on its account comes back when that lease lapses, never dropped;
 * permanent problems end the account as Failed; a service's request to wait brings the message
 * back then; a message for an account or wave that does not exist, and anything else, is thrown
 * so the platform redelivers and, in the end, dead-letters it.
 */
import { setTimeout as delay } from "node:timers/promises";
import { LeaseHeldError } from "../domain/errors.js";
import { hasLiveLease } from "../domain/account.js";
import { isConflict } from "../store/errors.js";
import { passOf, type Account } from "../domain/index.js";
import { moveMessageId, nextMoveMessage, parseMoveMessage, type MoveMessage } from "../bus/messages.js";
import type { MoverPorts } from "./ports.js";
import { MailboxProvisioningError, PermanentTransferError, ThrottledError } from "../graph/errors.js";
import { mailboxWait } from "./provisioning.js";
import type { MoveDelivery, MoveInvocation, MoveResult } from "./engine.js";
import { moveEngineFor } from "./engines/index.js";
import { MoveFailedError, UnknownMoveTargetError } from "./errors.js";
import { takeoverAt } from "./lease.js";
import { recordOutcome } from "./outcome.js";
import type { Logger } from "../telemetry/logger.js";

export type { MoveDelivery, MoveInvocation, MoveResult } from "./engine.js";

/** How long past a held lease's expiry its message comes back, for clock skew. */
const AFTER_LEASE_MS = 1_000;

/**
 * How many times one slice is sent again after its invocation died. Beyond it the slice goes on
 * under its message, whose deliveries then count towards the dead-letter queue: a message that
 * kills its instance every time ends there instead of taking instances down for ever.
 */
export const MAX_CRASH_RECOVERIES = 20;

/** Whether a message is the next piece of work for the account as it stands now. */
function isCurrent(account: Account, message: MoveMessage): boolean {
  return (
    (account.status === "Queued" || account.status === "Syncing" || account.status === "Completing") &&
    account.waveId === message.waveId &&
    account.attempt === message.attempt &&
    account.round === message.round &&
    message.slice === account.slice + 1 &&
    passOf(account) === message.pass
  );
}

/** Handles one `moves` message. */
export async function runMove(
  services: MoverPorts,
  body: unknown,
  delivery: MoveDelivery,
): Promise<MoveResult> {
  const message = parseMoveMessage(body);
  const invocation: MoveInvocation = { ...delivery, leaseOwner: `slice ${moveMessageId(message)}` };
  const log = services.logger.child({
    accountId: message.accountId,
    waveId: message.waveId,
    slice: message.slice,
    pass: message.pass,
    invocationId: invocation.invocationId,
  });
  const accounts = services.store.accounts;
  let claim: Claim;
  try {
    claim = await claimIfCurrent(services, message, invocation);
  } catch (error) {
    if (!(error instanceof LeaseHeldError)) throw error;
    if (error.owner !== invocation.leaseOwner) return await comeBackAfterLease(services, message, error, log);
    // This message's own claim, renewed less than a lock duration ago: its holder died just now or
    // still works. Waiting here (the host keeps this delivery's lock) tells which; rescheduling
    // would come back under another MessageId, which may not take this message's claim over.
    await delay(Math.max(0, Date.parse(error.expiresAt) - services.now().getTime()));
    try {
      claim = await claimIfCurrent(services, message, invocation);
    } catch (again) {
      if (again instanceof LeaseHeldError) return await comeBackAfterLease(services, message, again, log);
      throw again;
    }
  }
  if (claim.kind === "stale") {
    await resendIfLost(services, claim.account, message, log);
    return "stale";
  }
  if (claim.fromDeadInvocation && (message.recovered ?? 0) < MAX_CRASH_RECOVERIES)
    return await sendAgainAfterCrash(services, claim.account, message, invocation, log);
  const account = claim.account;
  try {
    const wave = await services.store.waves.get(account.waveId);
    return await moveEngineFor(wave).move({ services, account, wave, message, invocation, log });
  } catch (error) {
    if (error instanceof PermanentTransferError || error instanceof MoveFailedError)
      return await failAccount(services, message, invocation, error, log);
    if (error instanceof MailboxProvisioningError) {
      const wait = mailboxWait(message.waitingSince, services.now(), services.pipeline);
      if (wait.kind === "give up") {
        const failure = new PermanentTransferError(
          "MailboxNotFound",
          `the ${error.side} user is licensed but Exchange Online had not provisioned its mailbox after ${wait.waitedMinutes} minutes`,
          "MailboxNotFound",
          { cause: error },
        );
        return await failAccount(services, message, invocation, failure, log);
      }
      log.info("the mailbox is still being provisioned; looking again later", { at: wait.at.toISOString() });
      await accounts.release(message.accountId, invocation.leaseOwner, services.now());
      await services.moves.schedule(
        {
          ...message,
          waitingSince: wait.waitingSince,
          resend: Math.max(1, Math.floor(wait.at.getTime() / 1000)),
        },
        wait.at,
      );
      return "scheduled";
    }
    if (error instanceof ThrottledError) {
      // Throttled before the copy began (pre-flight): the same slice again at Retry-After, under
      // a new MessageId, instead of burning deliveries towards the dead-letter queue.
      await accounts.release(message.accountId, invocation.leaseOwner, services.now());
      await services.moves.schedule(
        { ...message, resend: Math.max(1, Math.floor(error.retryAt.getTime() / 1000)) },
        error.retryAt,
      );
      return "scheduled";
    }
    // Let the next delivery claim the account at once instead of waiting for the lease to lapse.
    await accounts.release(message.accountId, invocation.leaseOwner, services.now()).catch(() => undefined);
    throw error;
  }
}

type Claim =
  | {
      readonly kind: "claimed";
      readonly account: Account;
      /** Taken over from this message's own earlier invocation, which died holding it. */
      readonly fromDeadInvocation: boolean;
    }
  /** The message is not the account's next piece of work (as the account was last read). */
  | { readonly kind: "stale"; readonly account: Account };

/**
 * Claims the account when the message is its next piece of work. An account that does not exist,
 * or whose wave is not the message's, is an UnknownMoveTargetError: such a message can never be
 * worked, and dead-lettering it shows it to an operator.
 */
async function claimIfCurrent(
  services: MoverPorts,
  message: MoveMessage,
  invocation: MoveInvocation,
): Promise<Claim> {
  const accounts = services.store.accounts;
  const claimAccount = (ifEtag?: string): Promise<Account> =>
    accounts.claim(message.accountId, invocation.leaseOwner, services.pipeline.leaseMs, services.now(), {
      ...(ifEtag === undefined ? {} : { ifEtag }),
    });
  // What this process last saw of the account spares a read when it is still the stored version:
  // the claim takes exactly that version or nothing.
  const heldByThisMessage = (account: Account): boolean => account.lease?.owner === invocation.leaseOwner;
  const lastSeen = await accounts.peek(message.accountId);
  if (
    lastSeen &&
    isCurrent(lastSeen, message) &&
    takeoverAt(lastSeen, invocation.leaseOwner, services.pipeline.leaseMs, services.now()) === undefined
  ) {
    try {
      const account = await claimAccount(lastSeen.etag);
      return { kind: "claimed", account, fromDeadInvocation: heldByThisMessage(lastSeen) };
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
  const found = await accounts.find(message.accountId);
  if (!found) throw new UnknownMoveTargetError("account", message.accountId, moveMessageId(message));
  if (found.waveId !== message.waveId)
    throw new UnknownMoveTargetError("wave", message.waveId, moveMessageId(message));
  if (!isCurrent(found, message)) return { kind: "stale", account: found };
  // This message's own claim, renewed within a lock duration: its holder may still be working.
  const takeover = takeoverAt(found, invocation.leaseOwner, services.pipeline.leaseMs, services.now());
  if (takeover !== undefined)
    throw new LeaseHeldError(found.id, invocation.leaseOwner, takeover.toISOString());
  const taken = await claimAccount();
  if (isCurrent(taken, message))
    return { kind: "claimed", account: taken, fromDeadInvocation: heldByThisMessage(found) };
  await accounts.release(taken.id, invocation.leaseOwner, services.now());
  return { kind: "stale", account: taken };
}

/**
 * Another message holds the account: a duplicate being worked right now, or one whose invocation
 * died and whose lease has not lapsed yet. This message comes back once the lease lapses, under a
 * new MessageId: then it is either stale (the holder finished the work) or takes the account.
 */
async function comeBackAfterLease(
  services: MoverPorts,
  message: MoveMessage,
  held: LeaseHeldError,
  log: Logger,
): Promise<MoveResult> {
  const at = new Date(Math.max(services.now().getTime(), Date.parse(held.expiresAt)) + AFTER_LEASE_MS);
  log.info("another message holds the account; coming back when its lease lapses", {
    holder: held.owner,
    at: at.toISOString(),
  });
  await services.moves.schedule({ ...message, resend: Math.max(1, Math.floor(at.getTime() / 1000)) }, at);
  return "busy";
}

/**
 * This message's earlier invocation died while working the slice (its instance was lost), so the
 * broker counted a delivery that no failure caused. The slice goes on under a new message with a
 * fresh delivery count, sent once the claim is given up (the new message takes it at once):
 * otherwise a few lost instances in a row would dead-letter a healthy slice, and its account would
 * wait for the sweeper. The new MessageId is fixed by the recovery count, so a redelivery of this
 * message that sends it again is dropped as a duplicate.
 */
async function sendAgainAfterCrash(
  services: MoverPorts,
  account: Account,
  message: MoveMessage,
  invocation: MoveInvocation,
  log: Logger,
): Promise<MoveResult> {
  const recovered = (message.recovered ?? 0) + 1;
  log.info("the invocation working this slice died; sending the slice again under a new message", {
    recovered,
  });
  await services.store.accounts.release(account.id, invocation.leaseOwner, services.now());
  await services.moves.send([{ ...message, recovered }]);
  return "recovered";
}

/**
 * A stale message that is the slice just before the account's next one is a redelivery after its
 * invocation moved the account on and then died, perhaps before sending the next slice. That
 * message is sent again under its own MessageId: if it was sent, the broker drops the copy.
 */
async function resendIfLost(
  services: MoverPorts,
  account: Account,
  message: MoveMessage,
  log: Logger,
): Promise<void> {
  const isSliceBeforeNext =
    isCurrent(account, { ...message, slice: message.slice + 1 }) && !hasLiveLease(account, services.now());
  if (!isSliceBeforeNext) {
    log.info("message is stale; nothing to do");
    return;
  }
  const wave = await services.store.waves.get(account.waveId);
  if (!moveEngineFor(wave).awaitsMessage(account)) return;
  log.info("redelivered after its slice was done; sending the next slice again in case it was lost");
  await services.moves.send([nextMoveMessage(account)]);
}

async function failAccount(
  services: MoverPorts,
  message: MoveMessage,
  invocation: MoveInvocation,
  error: PermanentTransferError | MoveFailedError,
  log: Logger,
): Promise<MoveResult> {
  log.warn("account failed", { failureClass: error.failureClass, code: error.code });
  const account = await services.store.accounts.get(message.accountId);
  const failed = await services.store.accounts.transition(account.id, account.etag, "Failed", {
    reason: error.message,
    actor: invocation.invocationId,
    at: services.now(),
    error: { class: error.failureClass, code: error.code ?? error.failureClass, message: error.message },
  });
  await recordOutcome(services, failed, "failed", error.failureClass);
  return "failed";
}
