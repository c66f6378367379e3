/**
 * The copy engine (`graph`): one time-boxed slice of one account's copy through the Graph mailbox
 * import/export API. It pre-flights the account once, copies what fits in the slice, checkpoints,
 * and hands the rest to a continuation message; a finished pass makes the account Synced, or, in
 * the cutover, runs the finalize actions and completes it.
 */
import type { MoveMessage } from "../../bus/messages.js";
import { LEASE_RENEWAL_MS } from "../lease.js";
import { nextMoveMessage } from "../../bus/messages.js";
import type { Account, Progress, ProgressUpdate, Wave } from "../../domain/index.js";
import type { ActivityRecord } from "../../activity/port.js";
import type { MoverPorts } from "../ports.js";
import type { Logger } from "../../telemetry/logger.js";
import { metrics } from "../../telemetry/metrics.js";
import { readCheckpoint, type MoveCheckpoint } from "../checkpoint.js";
import type { MoveEngine, MoveInvocation, MoveResult } from "../engine.js";
import { finalizeCutover, hasFinalizeWork } from "../finalize.js";
import { folderMemoryOf } from "../folder-memory.js";
import { archiveCutoff, listBadItems, transferMailboxes, type MailboxesOutcome } from "../mailboxes.js";
import { recordOutcome } from "../outcome.js";
import { preflight } from "../preflight.js";

/** The copy engine: every account in flight waits for its next slice's message. */
export const graphEngine: MoveEngine = {
  move: ({ services, account, wave, message, invocation, log }) =>
    moveSlice(services, account, wave, message, invocation, log),
  awaitsMessage: () => true,
};

function addProgress(base: Progress, slice: MailboxesOutcome["progress"]): Progress {
  return {
    folders: base.folders + slice.foldersCreated,
    items: base.items + slice.itemsCopied,
    bytes: base.bytes + slice.bytesCopied,
    badItems: base.badItems + slice.badItems,
    largeItemsSkipped: base.largeItemsSkipped + slice.largeItems,
  };
}

async function moveSlice(
  services: MoverPorts,
  claimed: Account,
  wave: Wave,
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
    // The first copy of the account starts its duration; a retry's or a later pass's does not.
    const started =
      account.stats?.startedAt === undefined ? { stats: { startedAt: services.now().toISOString() } } : {};
    account = await accounts.transition(account.id, account.etag, "Syncing", {
      reason: "initial copy started",
      actor,
      at: services.now(),
      ...(findings || started.stats ? { update: { ...findings, ...started } } : {}),
    });
  } else if (findings) {
    account = await accounts.updateProgress(account.id, account.etag, { ...findings, at: services.now() });
  }

  // Renew the claim as pages go by (a page can wait on the upload budget), one renewal at a time,
  // at least every half lock duration: a redelivery of this message takes the claim over only
  // when it has gone a whole lock duration without renewal (see ../lease.ts).
  let renewedAt = Date.now();
  let renewing: Promise<void> | undefined;
  const renewEveryMs = Math.min(services.pipeline.leaseMs / 3, LEASE_RENEWAL_MS);
  const heartbeat = (): Promise<void> => {
    if (Date.now() - renewedAt < renewEveryMs) return Promise.resolve();
    renewing ??= (async () => {
      try {
        account = await accounts.claim(
          account.id,
          invocation.leaseOwner,
          services.pipeline.leaseMs,
          services.now(),
        );
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
    ...(checkpoint.expectedItems !== undefined && checkpoint.expectedItems !== account.stats?.sourceItems
      ? { stats: { sourceItems: checkpoint.expectedItems } }
      : {}),
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

/** The statistics of a finished pass: the last sync, and the last incremental one after the first. */
function passFinished(account: Account, now: Date): { lastSyncAt: string; lastIncrementalSyncAt?: string } {
  const at = now.toISOString();
  return account.round === 0 ? { lastSyncAt: at } : { lastSyncAt: at, lastIncrementalSyncAt: at };
}

/** Progress and checkpoint of a slice, not yet written. */
type SliceUpdate = Omit<ProgressUpdate, "at">;

async function afterSlice(
  services: MoverPorts,
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
    const released = await accounts.release(account.id, invocation.leaseOwner, services.now());
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
      update: { ...update, stats: { ...update.stats, ...passFinished(account, services.now()) } },
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
    stats: { ...update.stats, ...passFinished(account, services.now()) },
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
      update: { ...pending, stats: { ...pending?.stats, finishedAt: services.now().toISOString() } },
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
      // CompletedWithWarnings always says what the warnings were, on the account itself.
      update: {
        ...pending,
        stats: {
          ...pending?.stats,
          finishedAt: services.now().toISOString(),
          warnings: notes,
          waiting: null,
        },
      },
    },
  );
  await recordOutcome(services, current, "completed", current.status);
  return "completed";
}
