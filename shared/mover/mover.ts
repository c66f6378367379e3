/**
 * The mover: runs one time-boxed slice of one account's move per `moves` message. It claims the
 * account, copies what fits in the slice, checkpoints, and hands the rest to a continuation
 * message. A message for an account that has moved on (late, duplicate, older attempt) is
 * acknowledged without effect; permanent problems end the account as Failed; anything else is
 * thrown so the platform redelivers and, in the end, dead-letters the message.
 */
import { LeaseHeldError } from "../domain/errors.js";
import { ConcurrencyConflictError } from "../store/errors.js";
import { passOf, type Account, type Progress, type ProgressUpdate, type Wave } from "../domain/index.js";
import { nextMoveMessage, parseMoveMessage, type MoveMessage } from "../bus/messages.js";
import type { Services } from "../runtime/services.js";
import { MailboxProvisioningError, PermanentTransferError, ThrottledError } from "../transfer/errors.js";
import { mailboxWait } from "./provisioning.js";
import { readCheckpoint, type MoveCheckpoint } from "./checkpoint.js";
import { finalizeCutover, hasFinalizeWork } from "./finalize.js";
import { folderMemoryOf } from "./folder-memory.js";
import { archiveCutoff, listBadItems, transferMailboxes, type MailboxesOutcome } from "./mailboxes.js";
import { preflight } from "./preflight.js";
import type { Logger } from "../telemetry/logger.js";
import { metrics } from "../telemetry/metrics.js";
import type { ActivityRecord } from "../activity/port.js";

export interface MoveInvocation {
  readonly invocationId: string;
  readonly deliveryCount: number;
}

export type MoveResult = "stale" | "busy" | "continued" | "scheduled" | "synced" | "completed" | "failed";

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

function addProgress(base: Progress, slice: MailboxesOutcome["progress"]): Progress {
  return {
    folders: base.folders + slice.foldersCreated,
    items: base.items + slice.itemsCopied,
    bytes: base.bytes + slice.bytesCopied,
    badItems: base.badItems + slice.badItems,
    largeItemsSkipped: base.largeItemsSkipped + slice.largeItems,
  };
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
    return await moveSlice(services, account, message, invocation, log);
  } catch (error) {
    if (error instanceof PermanentTransferError)
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

async function moveSlice(
  services: Services,
  claimed: Account,
  message: MoveMessage,
  invocation: MoveInvocation,
  log: Logger,
): Promise<MoveResult> {
  const accounts = services.store.accounts;
  const actor = invocation.invocationId;
  let account = claimed;
  let checkpoint = readCheckpoint(account.checkpoint);
  const memory = folderMemoryOf(services.transferState);
  const remembered = memory.take(account.id, checkpoint?.lastSlice);
  const wave = await services.store.waves.get(account.waveId);
  const preflighted = checkpoint === undefined;
  // Transfer state is written only after a checkpoint is: an account that never had one has none.
  const fresh = account.checkpoint === undefined;
  if (checkpoint === undefined)
    checkpoint = await preflight(account, wave, services.source.api, services.target.api);
  if (wave.archiveAgeMonths !== undefined && checkpoint.archiveCutoff === undefined) {
    checkpoint = { ...checkpoint, archiveCutoff: archiveCutoff(services.now(), wave.archiveAgeMonths) };
  }
  // The pre-flight's findings go with the status change when there is one: one write, not two.
  const findings = preflighted ? { checkpoint: JSON.stringify(checkpoint) } : undefined;
  if (account.status === "Queued") {
    account = await accounts.transition(account.id, account.etag, "Syncing", {
      reason: "initial copy started",
      actor,
      at: services.now(),
      ...(findings ? { update: findings } : {}),
    });
  } else if (findings) {
    account = await accounts.updateProgress(account.id, account.etag, { ...findings, at: services.now() });
  }

  // Renew the claim as pages go by (a page can wait on the upload budget), one renewal at a time.
  let renewedAt = Date.now();
  let renewing: Promise<void> | undefined;
  const heartbeat = (): Promise<void> => {
    if (Date.now() - renewedAt < services.pipeline.leaseMs / 3) return Promise.resolve();
    renewing ??= (async () => {
      try {
        account = await accounts.claim(account.id, actor, services.pipeline.leaseMs, services.now());
        renewedAt = Date.now();
      } finally {
        renewing = undefined;
      }
    })();
    return renewing;
  };
  const startedAt = Date.now();
  const outcome = await transferMailboxes(services, account, wave, checkpoint, {
    deadline: startedAt + services.pipeline.sliceMs,
    logger: log,
    heartbeat,
    knownFolders: (key) => (fresh ? [] : remembered?.get(key)),
  });
  const sliceRecord: ActivityRecord = {
    id: `${account.id}:${account.attempt}:${account.round}:${message.slice}`,
    waveId: account.waveId,
    accountId: account.id,
    kind: "slice",
    at: services.now().getTime(),
    requests: outcome.requests,
    throttled: outcome.throttled,
    items: outcome.progress.itemsCopied + outcome.progress.itemsUpdated,
    bytes: outcome.progress.bytesCopied,
    durationMs: Date.now() - startedAt,
    detail: outcome.kind,
  };
  await services.activity.record(sliceRecord);
  metrics().slice({ ...sliceRecord, outcome: outcome.kind });
  if (outcome.sourceItems !== undefined) checkpoint = { ...checkpoint, expectedItems: outcome.sourceItems };
  checkpoint = { ...checkpoint, lastSlice: invocation.invocationId };
  const update: SliceUpdate = {
    progress: addProgress(account.progress, outcome.progress),
    checkpoint: JSON.stringify(checkpoint),
  };
  if (outcome.kind !== "done") {
    account = await accounts.updateProgress(account.id, account.etag, {
      ...update,
      slice: message.slice,
      at: services.now(),
    });
    memory.keep(account.id, invocation.invocationId, outcome.foldersLeft);
  }
  // A finished pass leaves the slice where it was and records its progress with the status
  // change, so this message stays current until the status changes: should finalize or the
  // status change fail (a throttled licence call, a crash), redelivering this message resumes
  // it instead of finding it stale.
  return await afterSlice(services, account, wave, checkpoint, outcome, invocation, log, update);
}

/** Progress and checkpoint of a slice, not yet written. */
type SliceUpdate = Omit<ProgressUpdate, "at">;

async function afterSlice(
  services: Services,
  account: Account,
  wave: Wave,
  checkpoint: MoveCheckpoint,
  outcome: MailboxesOutcome,
  invocation: MoveInvocation,
  log: Logger,
  update: SliceUpdate,
): Promise<MoveResult> {
  const accounts = services.store.accounts;
  if (outcome.kind === "more" || outcome.kind === "throttled") {
    const released = await accounts.release(account.id, invocation.invocationId, services.now());
    // A continuation is an ordinary message again, whatever re-send brought this slice here.
    const next = nextMoveMessage(released);
    if (outcome.kind === "more") {
      await services.moves.send([next]);
      return "continued";
    }
    log.info("throttled; continuing at Retry-After", { retryAt: outcome.retryAt.toISOString() });
    await services.moves.schedule(next, outcome.retryAt);
    return "scheduled";
  }
  if (account.status === "Syncing") {
    // Pre-staged: the scheduler starts the next incremental pass or the cutover when it is time.
    await accounts.transition(account.id, account.etag, "Synced", {
      reason: account.round === 0 ? "initial copy finished" : `incremental pass ${account.round} finished`,
      actor: invocation.invocationId,
      at: services.now(),
      update,
    });
    folderMemoryOf(services.transferState).keep(account.id, invocation.invocationId, outcome.foldersLeft);
    return "synced";
  }
  // Over the bad-item limit the cutover stops before any finalize action: no licence, notice or
  // routing change for an account that is not moving. Folders that never recorded a bad item
  // need no listing.
  const bad = outcome.badItemsSeen ? await listBadItems(services, account.id, checkpoint) : [];
  const failedItems = bad.filter((item) => item.kind === "failed").length;
  const largeItems = bad.filter((item) => item.kind === "large").length;
  let pending: SliceUpdate | undefined = {
    ...update,
    progress: { ...update.progress, badItems: failedItems, largeItemsSkipped: largeItems },
  };
  let current = account;
  if (failedItems <= wave.badItemLimit && hasFinalizeWork(wave, checkpoint)) {
    // Finalize actions can fail (a throttled licence call) and the redelivered slice then copies
    // nothing: the pass's figures are kept first, not held for the final status change.
    current = await accounts.updateProgress(current.id, current.etag, { ...pending, at: services.now() });
    pending = undefined;
  }
  if (failedItems > wave.badItemLimit) {
    current = await accounts.transition(current.id, current.etag, "Failed", {
      reason: `${failedItems} bad items, over the wave's limit of ${wave.badItemLimit}`,
      actor: invocation.invocationId,
      at: services.now(),
      error: {
        class: "BadItemLimitExceeded",
        code: "BadItemLimitExceeded",
        message: `${failedItems} items could not be copied`,
      },
      ...(pending ? { update: pending } : {}),
    });
    await recordOutcome(services, current, "failed", "BadItemLimitExceeded");
    return "failed";
  }
  const finalized = await finalizeCutover(services, current, wave, checkpoint, async (next) => {
    current = await accounts.updateProgress(current.id, current.etag, {
      ...pending,
      checkpoint: JSON.stringify(next),
      at: services.now(),
    });
    pending = undefined;
  });
  const notes = [
    ...(failedItems + largeItems > 0 ? [`${failedItems} bad and ${largeItems} large items skipped`] : []),
    ...finalized.warnings,
  ];
  current = await accounts.transition(
    current.id,
    current.etag,
    notes.length > 0 ? "CompletedWithWarnings" : "Completed",
    {
      reason: notes.length > 0 ? notes.join("; ") : "cutover finished",
      actor: invocation.invocationId,
      at: services.now(),
      ...(pending ? { update: pending } : {}),
    },
  );
  await recordOutcome(services, current, "completed", current.status);
  return "completed";
}

async function failAccount(
  services: Services,
  message: MoveMessage,
  invocation: MoveInvocation,
  error: PermanentTransferError,
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

async function recordOutcome(
  services: Services,
  account: Account,
  kind: "completed" | "failed",
  detail: string,
): Promise<void> {
  await services.activity.record({
    id: `${account.id}:${account.attempt}:${kind}`,
    waveId: account.waveId,
    accountId: account.id,
    kind,
    at: services.now().getTime(),
    requests: 0,
    throttled: 0,
    items: 0,
    bytes: 0,
    durationMs: 0,
    detail,
  });
  metrics().accountOutcome(account.waveId, account.status);
}
