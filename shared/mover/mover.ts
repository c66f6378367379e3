/**
 * The mover: runs one `moves` message. It claims the account the message is for and hands it to
 * the move engine its wave chose (the Graph copy, or Exchange's hybrid moves). A message for an
 * account that has moved on (late, duplicate, older attempt) is acknowledged without effect;
 * permanent problems end the account as Failed; a service's request to wait brings the message
 * back then; anything else is thrown so the platform redelivers and, in the end, dead-letters it.
 */
import { LeaseHeldError } from "../domain/errors.js";
import { ConcurrencyConflictError } from "../store/errors.js";
import { passOf, type Account } from "../domain/index.js";
import { parseMoveMessage, type MoveMessage } from "../bus/messages.js";
import type { Services } from "../runtime/services.js";
import { MailboxProvisioningError, PermanentTransferError, ThrottledError } from "../transfer/errors.js";
import { mailboxWait } from "./provisioning.js";
import type { MoveInvocation, MoveResult } from "./engine.js";
import { moveEngineFor } from "./engines/index.js";
import { MoveFailedError } from "./errors.js";
import { recordOutcome } from "./outcome.js";
import type { Logger } from "../telemetry/logger.js";

export type { MoveInvocation, MoveResult } from "./engine.js";

/** Whether a message is the next piece of work for the account as it stands now. */
function isCurrent(account: Account, message: MoveMessage): boolean {
  return (
    (account.status === "Queued" || account.status === "Syncing" || account.status === "Completing") &&
    account.attempt === message.attempt &&
    account.round === message.round &&
    message.slice === account.slice + 1 &&
    passOf(account) === message.pass
  );
}

/** Handles one `moves` message. */
export async function runMove(
  services: Services,
  body: unknown,
  invocation: MoveInvocation,
): Promise<MoveResult> {
  const message = parseMoveMessage(body);
  const log = services.logger.child({
    accountId: message.accountId,
    waveId: message.waveId,
    slice: message.slice,
    pass: message.pass,
    invocationId: invocation.invocationId,
  });
  const accounts = services.store.accounts;
  let account: Account | undefined;
  try {
    account = await claimIfCurrent(services, message, invocation);
  } catch (error) {
    if (error instanceof LeaseHeldError) {
      log.info("another worker holds the account; leaving it to them");
      return "busy";
    }
    throw error;
  }
  if (!account) {
    log.info("message is stale; nothing to do");
    return "stale";
  }
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
      await accounts.release(message.accountId, invocation.invocationId, services.now());
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
      await accounts.release(message.accountId, invocation.invocationId, services.now());
      await services.moves.schedule(
        { ...message, resend: Math.max(1, Math.floor(error.retryAt.getTime() / 1000)) },
        error.retryAt,
      );
      return "scheduled";
    }
    // Let the next delivery claim the account at once instead of waiting for the lease to lapse.
    await accounts.release(message.accountId, invocation.invocationId, services.now()).catch(() => undefined);
    throw error;
  }
}

/** Claims the account when the message is its next piece of work; undefined when it is stale. */
async function claimIfCurrent(
  services: Services,
  message: MoveMessage,
  invocation: MoveInvocation,
): Promise<Account | undefined> {
  const accounts = services.store.accounts;
  const claim = (ifEtag?: string): Promise<Account> =>
    accounts.claim(message.accountId, invocation.invocationId, services.pipeline.leaseMs, services.now(), {
      ...(ifEtag === undefined ? {} : { ifEtag }),
    });
  // What this process last saw of the account spares a read when it is still the stored version:
  // the claim takes exactly that version or nothing.
  const seen = await accounts.peek(message.accountId);
  if (seen && isCurrent(seen, message)) {
    try {
      return await claim(seen.etag);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
    }
  }
  const found = await accounts.find(message.accountId);
  if (!found || !isCurrent(found, message)) return undefined;
  const claimed = await claim();
  if (isCurrent(claimed, message)) return claimed;
  await accounts.release(claimed.id, invocation.invocationId, services.now());
  return undefined;
}

async function failAccount(
  services: Services,
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
