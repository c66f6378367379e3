/**
 * The copy engine (`graph`): one time-boxed slice of one account's copy through the Graph mailbox
 * import/export API. It pre-flights the account once, copies what fits in the slice, checkpoints,
 * and hands the rest to a continuation message; a finished pass makes the account Synced, or, in
 * the cutover, runs the finalize actions and completes it.
 */
import { AccountLease, LEASE_RENEWAL_MS } from "../lease.js";
import { nextMoveMessage } from "../../bus/messages.js";
import type { Account, Progress, ProgressUpdate } from "../../domain/index.js";
import type { ActivityRecord } from "../../activity/port.js";
import { metrics } from "../../telemetry/metrics.js";
import { readCheckpoint, type MoveCheckpoint } from "../checkpoint.js";
import type { MoveEngine, MoveResult, MoveWork } from "../engine.js";
import { finalizeCutover, hasFinalizeWork } from "../finalize.js";
import { archiveCutoff, listBadItems, transferMailboxes, type MailboxesOutcome } from "../mailboxes.js";
import { recordOutcome } from "../outcome.js";
import { preflight } from "../preflight.js";

/** The copy engine: every account in flight waits for its next slice's message. */
export const graphEngine: MoveEngine = {
  move: (work) => moveSlice(work),
  awaitsMessage: () => true,
};

/** The account's progress with a slice's counts added (the same names on both sides). */
function addProgress(base: Progress, slice: MailboxesOutcome["progress"]): Progress {
  return {
    folders: base.folders + slice.folders,
    items: base.items + slice.items,
    bytes: base.bytes + slice.bytes,
    badItems: base.badItems + slice.badItems,
    largeItemsSkipped: base.largeItemsSkipped + slice.largeItemsSkipped,
  };
}

async function moveSlice(work: MoveWork): Promise<MoveResult> {
  const { services, wave, message, invocation, log } = work;
  const accounts = services.store.accounts;
  // Renew the claim as pages go by (a page can wait on the upload budget), at least every half
  // lock duration: a redelivery of this message takes the claim over only when it has gone a
  // whole lock duration without renewal (see ../lease.ts).
  const lease = new AccountLease(
    work.account,
    (account) => accounts.claim(account.id, invocation.leaseOwner, services.pipeline.leaseMs, services.now()),
    Math.min(services.pipeline.leaseMs / 3, LEASE_RENEWAL_MS),
  );
  const claimed = lease.latest();
  const memory = services.folderMemory;
  const remembered = memory.take(claimed.id, readCheckpoint(claimed.checkpoint)?.lastSlice);
  // Transfer state is written only after a checkpoint is: an account that never had one has none.
  const neverCheckpointed = claimed.checkpoint === undefined;
  let checkpoint = await startSlice(work, lease);

  const startedAt = Date.now();
  const outcome = await transferMailboxes(services, lease.latest(), wave, checkpoint, {
    deadline: startedAt + services.pipeline.sliceMs,
    logger: log,
    heartbeat: lease.heartbeat,
    knownFolders: (key) => (neverCheckpointed ? [] : remembered?.get(key)),
  });
  // From here on the account is read from the lease: its renewals during the copy wrote it.
  const copied = lease.latest();
  const sliceRecord: ActivityRecord = {
    id: `${copied.id}:${copied.attempt}:${copied.round}:${message.slice}`,
    waveId: copied.waveId,
    accountId: copied.id,
    kind: "slice",
    at: services.now().getTime(),
    requests: outcome.requests,
    throttled: outcome.throttled,
    items: outcome.progress.items + outcome.progress.itemsUpdated,
    bytes: outcome.progress.bytes,
    durationMs: Date.now() - startedAt,
    detail: outcome.kind,
  };
  await services.activity.record(sliceRecord);
  metrics().slice({ ...sliceRecord, outcome: outcome.kind });
  if (outcome.sourceItems !== undefined) checkpoint = { ...checkpoint, expectedItems: outcome.sourceItems };
  checkpoint = { ...checkpoint, lastSlice: invocation.invocationId };
  const update: SliceUpdate = {
    progress: addProgress(copied.progress, outcome.progress),
    checkpoint: JSON.stringify(checkpoint),
    ...(checkpoint.expectedItems !== undefined && checkpoint.expectedItems !== copied.stats?.sourceItems
      ? { stats: { sourceItems: checkpoint.expectedItems } }
      : {}),
  };
  if (outcome.kind !== "done") {
    lease.wrote(
      await accounts.updateProgress(copied.id, copied.etag, {
        ...update,
        slice: message.slice,
        at: services.now(),
      }),
    );
    memory.keep(copied.id, invocation.invocationId, outcome.foldersLeft);
  }
  // A finished pass leaves the slice where it was and records its progress with the status
  // change, so this message stays current until the status changes: should finalize or the
  // status change fail (a throttled licence call, a crash), redelivering this message resumes
  // it instead of finding it stale.
  return await afterSlice({ ...work, lease, checkpoint, outcome, update });
}

/**
 * What a slice starts from: the account's checkpoint, pre-flighting the account when it has none
 * and fixing its age-policy cutoff once; a Queued account becomes Syncing, and the pre-flight's
 * findings are written with that change when there is one (one write, not two).
 */
async function startSlice(work: MoveWork, lease: AccountLease): Promise<MoveCheckpoint> {
  const { services, wave, invocation } = work;
  const accounts = services.store.accounts;
  const claimed = lease.latest();
  let checkpoint = readCheckpoint(claimed.checkpoint);
  const preflighted = checkpoint === undefined;
  if (checkpoint === undefined)
    checkpoint = await preflight(claimed, wave, services.source.api, services.target.api);
  if (wave.archiveAgeMonths !== undefined && checkpoint.archiveCutoff === undefined) {
    checkpoint = { ...checkpoint, archiveCutoff: archiveCutoff(services.now(), wave.archiveAgeMonths) };
  }
  const findings = preflighted ? { checkpoint: JSON.stringify(checkpoint) } : undefined;
  if (claimed.status === "Queued") {
    // The first copy of the account starts its duration; a retry's or a later pass's does not.
    const started =
      claimed.stats?.startedAt === undefined ? { stats: { startedAt: services.now().toISOString() } } : {};
    lease.wrote(
      await accounts.transition(claimed.id, claimed.etag, "Syncing", {
        reason: "initial copy started",
        actor: invocation.invocationId,
        at: services.now(),
        ...(findings || started.stats ? { update: { ...findings, ...started } } : {}),
      }),
    );
  } else if (findings) {
    lease.wrote(await accounts.updateProgress(claimed.id, claimed.etag, { ...findings, at: services.now() }));
  }
  return checkpoint;
}

/** The statistics of a finished pass: the last sync, and the last incremental one after the first. */
function passFinished(account: Account, now: Date): { lastSyncAt: string; lastIncrementalSyncAt?: string } {
  const at = now.toISOString();
  return account.round === 0 ? { lastSyncAt: at } : { lastSyncAt: at, lastIncrementalSyncAt: at };
}

/** Progress and checkpoint of a slice, not yet written. */
type SliceUpdate = Omit<ProgressUpdate, "at">;

/** A slice's copy done and counted: what decides what becomes of the account and its message. */
interface SliceEnd extends Omit<MoveWork, "account"> {
  /** The slice's claim, and the account as the slice's latest write left it. */
  readonly lease: AccountLease;
  readonly checkpoint: MoveCheckpoint;
  readonly outcome: MailboxesOutcome;
  /** The slice's progress and checkpoint, written with whatever comes next. */
  readonly update: SliceUpdate;
}

/**
 * After the copy: a slice that did not finish the pass continues in the next message (now, or at
 * Retry-After); a finished pass makes the account Synced, or in the cutover checks the bad-item
 * limit, runs the finalize actions and completes the account.
 */
async function afterSlice(end: SliceEnd): Promise<MoveResult> {
  const { outcome } = end;
  if (outcome.kind === "more" || outcome.kind === "throttled") return await continueInNextSlice(end, outcome);
  if (end.lease.latest().status === "Syncing") return await finishSyncPass(end);
  return await finishCutover(end, outcome);
}

/** Releases the account and sends its next slice's message: at once, or at Retry-After. */
async function continueInNextSlice(
  end: SliceEnd,
  outcome: Extract<MailboxesOutcome, { kind: "more" | "throttled" }>,
): Promise<MoveResult> {
  const { services, invocation, log } = end;
  const released = await services.store.accounts.release(
    end.lease.latest().id,
    invocation.leaseOwner,
    services.now(),
  );
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

/** Pre-staged: the scheduler starts the next incremental pass or the cutover when it is time. */
async function finishSyncPass(end: SliceEnd): Promise<MoveResult> {
  const { services, invocation, update, outcome } = end;
  const account = end.lease.latest();
  end.lease.wrote(
    await services.store.accounts.transition(account.id, account.etag, "Synced", {
      reason: account.round === 0 ? "initial copy finished" : `incremental pass ${account.round} finished`,
      actor: invocation.invocationId,
      at: services.now(),
      update: { ...update, stats: { ...update.stats, ...passFinished(account, services.now()) } },
    }),
  );
  services.folderMemory.keep(account.id, invocation.invocationId, outcome.foldersLeft);
  return "synced";
}

/**
 * The cutover's final pass is done: over the bad-item limit the account fails before any finalize
 * action (no licence, notice or routing change for an account that is not moving); otherwise the
 * finalize actions run and the account completes, with warnings when items were skipped.
 */
async function finishCutover(
  end: SliceEnd,
  outcome: Extract<MailboxesOutcome, { kind: "done" }>,
): Promise<MoveResult> {
  const { services, wave, checkpoint, invocation, update, lease } = end;
  const accounts = services.store.accounts;
  const account = lease.latest();
  // Folders that never recorded a bad item need no listing.
  const skipped = outcome.badItemsSeen ? await listBadItems(services, account.id, checkpoint) : [];
  const badItems = skipped.filter((item) => item.kind === "failed").length;
  const largeItemsSkipped = skipped.filter((item) => item.kind === "large").length;
  let unwritten: SliceUpdate | undefined = {
    ...update,
    progress: { ...update.progress, badItems, largeItemsSkipped },
    stats: { ...update.stats, ...passFinished(account, services.now()) },
  };
  if (badItems <= wave.badItemLimit && hasFinalizeWork(wave, checkpoint)) {
    // Finalize actions can fail (a throttled licence call) and the redelivered slice then copies
    // nothing: the pass's figures are kept first, not held for the final status change.
    lease.wrote(
      await accounts.updateProgress(account.id, account.etag, { ...unwritten, at: services.now() }),
    );
    unwritten = undefined;
  }
  if (badItems > wave.badItemLimit) {
    const failed = lease.wrote(
      await accounts.transition(account.id, account.etag, "Failed", {
        reason: `${badItems} bad items, over the wave's limit of ${wave.badItemLimit}`,
        actor: invocation.invocationId,
        at: services.now(),
        error: {
          class: "BadItemLimitExceeded",
          code: "BadItemLimitExceeded",
          message: `${badItems} items could not be copied`,
        },
        update: { ...unwritten, stats: { ...unwritten?.stats, finishedAt: services.now().toISOString() } },
      }),
    );
    await recordOutcome(services, failed, "failed", "BadItemLimitExceeded");
    return "failed";
  }
  const finalized = await finalizeCutover(services, lease.latest(), wave, checkpoint, async (next) => {
    const before = lease.latest();
    lease.wrote(
      await accounts.updateProgress(before.id, before.etag, {
        ...unwritten,
        checkpoint: JSON.stringify(next),
        at: services.now(),
      }),
    );
    unwritten = undefined;
  });
  const warnings = [
    ...(badItems + largeItemsSkipped > 0
      ? [`${badItems} bad and ${largeItemsSkipped} large items skipped`]
      : []),
    ...finalized.warnings,
  ];
  const finalizedAccount = lease.latest();
  const completed = lease.wrote(
    await accounts.transition(
      finalizedAccount.id,
      finalizedAccount.etag,
      warnings.length > 0 ? "CompletedWithWarnings" : "Completed",
      {
        reason: warnings.length > 0 ? warnings.join("; ") : "cutover finished",
        actor: invocation.invocationId,
        at: services.now(),
        // CompletedWithWarnings always says what the warnings were, on the account itself.
        update: {
          ...unwritten,
          stats: {
            ...unwritten?.stats,
            finishedAt: services.now().toISOString(),
            warnings,
            waiting: null,
          },
        },
      },
    ),
  );
  await recordOutcome(services, completed, "completed", completed.status);
  return "completed";
}
