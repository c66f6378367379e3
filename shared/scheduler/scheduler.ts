/**
 * The scheduler (a timer, every minute). For each Active wave it spends one budget,
 * min(in-flight cap − in flight, adaptive rate), in this order:
 * 1. cutovers of Synced accounts: inside a window up to the window's capacity, or at once when an
 *    operator asked to complete now;
 * 2. initial copies of Pending accounts, highest priority and oldest first: at any time when the
 *    wave pre-stages, else only inside a window;
 * 3. incremental passes of Synced accounts whose last pass is older than the wave's interval.
 * Each account is marked first (one conditional write) and sent second, under an outbox intent
 * recorded before the marks and cleared after the sends: a run that dies in between leaves the
 * intent, and the next run re-sends what its accounts still wait for, a minute later at most.
 */
import { summarise, type ActivityLog } from "../activity/port.js";
import { nextMoveMessage, type MoveMessage } from "../bus/messages.js";
import {
  WINDOW_FULL,
  hasLiveLease,
  mayStartInitialCopy,
  openWindow,
  type Account,
  type AccountStatus,
  type Wave,
} from "../domain/index.js";
import { moveEngineFor } from "../mover/engines/index.js";
import type { MoveQueue } from "../bus/port.js";
import type { PipelineSettings } from "../config/index.js";
import type { MigrationStore, TransitionRequest } from "../store/port.js";
import type { Logger } from "../telemetry/logger.js";
import { releaseHybridWave } from "./hybrid.js";
import type { ReleaseLedger } from "../releases/ledger.js";
import { nextReleaseRate } from "./rate.js";
import { completeIfSettled } from "./settle.js";
import { planSynced, type SyncedPlan } from "./synced.js";

/** How far back the scheduler looks to judge the health of recent work. */
const HEALTH_WINDOW_MS = 5 * 60_000;
/**
 * Accounts marked before their messages are sent: large enough that the marks share transactions
 * in each partition, small enough that a crash leaves few marked accounts for the sweeper.
 */
const MARK_BATCH = 256;
const PAGE = 1000;
/** Ledger row that carries the release rate while no window is open. */
export const OUTSIDE_WINDOWS = "none";

export interface WaveRelease {
  readonly waveId: string;
  /** Pending accounts whose initial copy started. */
  readonly released: number;
  /** Synced accounts whose cutover started. */
  readonly cutovers: number;
  /** Synced accounts whose incremental pass started. */
  readonly incremental: number;
  readonly rate: number;
  /** Cutovers the open window may still start (0 when none is open). */
  readonly capacityLeft: number;
  readonly inFlight: number;
  /** Why nothing (more) was started, for operators. */
  readonly note?: string;
  /** Synced accounts not cut over, by reason. */
  readonly waiting?: Readonly<Record<string, number>>;
}

/** What the scheduler works with. */
export interface SchedulerPorts {
  readonly store: MigrationStore;
  readonly moves: MoveQueue;
  /** Each wave's releases per window, and the outbox intents of the sends. */
  readonly releases: ReleaseLedger;
  readonly activity: ActivityLog;
  readonly pipeline: PipelineSettings;
  readonly logger: Logger;
  now(): Date;
}

/** Runs one scheduler pass over every wave. */
export async function runScheduler(services: SchedulerPorts, actor: string): Promise<WaveRelease[]> {
  const now = services.now();
  const out: WaveRelease[] = [];
  for (const listed of await services.store.waves.list()) {
    if (listed.status === "Completed" || listed.status === "Cancelled") continue;
    // Messages a dead run left unsent first: their accounts are not settled yet.
    await resendUnsent(services, listed);
    const wave = await completeIfSettled(services, listed, now);
    if (wave.status !== "Active") continue;
    // A hybrid wave's accounts are moved by Exchange: releasing them plans their evening instead.
    out.push(
      wave.engine === "hybrid"
        ? await releaseHybridWave(services, wave, now, actor)
        : await releaseWave(services, wave, now, actor),
    );
  }
  return out;
}

async function releaseWave(
  services: SchedulerPorts,
  wave: Wave,
  now: Date,
  actor: string,
): Promise<WaveRelease> {
  const window = openWindow(wave, now);
  const counts = await services.store.counters.waveCounts(wave.id);
  const inFlight = counts.byStatus.Queued + counts.byStatus.Syncing + counts.byStatus.Completing;
  const windowStart = window?.start.toISOString() ?? OUTSIDE_WINDOWS;
  const ledger = await services.releases.get(wave.id, windowStart);
  const rate = await releaseRate(services, wave, now, ledger?.rate);
  const windowCutovers = ledger?.released ?? 0;
  const capacityLeft = window ? Math.max(0, window.window.capacity - windowCutovers) : 0;
  const room = Math.max(0, wave.inFlightCap - inFlight);
  let budget = Math.min(room, rate);

  const plan: SyncedPlan =
    budget > 0 && counts.byStatus.Synced > 0
      ? await planSynced(services.store.accounts, wave, window, now, budget, capacityLeft)
      : { cutovers: [], forced: new Set(), due: [], waiting: {} };
  // The window's capacity is taken before the cutovers start: a crash or a failed send after it
  // leaves capacity unused, never a window that cuts over more than it may.
  const plannedWindowed = plan.cutovers.filter((account) => !plan.forced.has(account.id)).length;
  let etag = ledger?.etag;
  if (plannedWindowed > 0) {
    etag = await services.releases.put({
      waveId: wave.id,
      windowStart,
      released: windowCutovers + plannedWindowed,
      rate,
      ...(etag ? { etag } : {}),
    });
  }
  const cutovers = await markAndSend(services, plan.cutovers, "Completing", "cutover started", actor);
  const windowed = cutovers.filter((account) => !plan.forced.has(account.id)).length;
  budget -= cutovers.length;
  // A wave that does not pre-stage copies only inside its windows, and only as many accounts as
  // the window can still cut over.
  const copyAllowed = mayStartInitialCopy(wave, window);
  const awaitingCutover =
    counts.byStatus.Queued + counts.byStatus.Syncing + Math.max(0, counts.byStatus.Synced - cutovers.length);
  const copyRoom = wave.prestage
    ? budget
    : Math.min(budget, Math.max(0, capacityLeft - windowed - awaitingCutover));
  const released = copyRoom > 0 && copyAllowed ? await releasePending(services, wave, copyRoom, actor) : 0;
  budget -= released;
  const incremental =
    budget > 0 && copyAllowed
      ? (await markAndSend(services, plan.due.slice(0, budget), "Syncing", "incremental pass started", actor))
          .length
      : 0;

  await services.releases.put({
    waveId: wave.id,
    windowStart,
    released: windowCutovers + windowed,
    rate,
    ...(etag ? { etag } : {}),
  });
  const note =
    room === 0
      ? "in-flight cap reached"
      : !copyAllowed && counts.byStatus.Pending > 0
        ? "no window open; this wave copies only inside its windows"
        : window && capacityLeft - windowed <= 0
          ? WINDOW_FULL
          : undefined;
  const result: WaveRelease = {
    waveId: wave.id,
    released,
    cutovers: cutovers.length,
    incremental,
    rate,
    capacityLeft: Math.max(0, capacityLeft - windowed),
    inFlight,
    ...(note ? { note } : {}),
    ...(Object.keys(plan.waiting).length > 0 ? { waiting: plan.waiting } : {}),
  };
  services.logger.info("scheduler ran", { ...result, waiting: JSON.stringify(plan.waiting) });
  return result;
}

/**
 * The adaptive release rate: the previous run's rate, up a step while recent work is healthy and
 * halved when too much of it was throttled or failed.
 */
export async function releaseRate(
  services: SchedulerPorts,
  wave: Wave,
  now: Date,
  kept: number | undefined,
): Promise<number> {
  const previousRate = kept ?? (await services.releases.lastRate(wave.id)) ?? services.pipeline.releaseMin;
  const health = summarise(
    await services.activity.between(now.getTime() - HEALTH_WINDOW_MS, now.getTime() + 1, wave.id),
  );
  return nextReleaseRate(
    previousRate,
    { total: health.requests + health.failed, unhealthy: health.throttled + health.failed },
    {
      min: services.pipeline.releaseMin,
      max: services.pipeline.releaseMax,
      step: services.pipeline.releaseStep,
      unhealthyShare: services.pipeline.unhealthyShare,
    },
  );
}

/** Marks up to `wanted` Pending accounts Queued, then sends their first slice. */
async function releasePending(
  services: SchedulerPorts,
  wave: Wave,
  wanted: number,
  actor: string,
): Promise<number> {
  let released = 0;
  let token: string | undefined;
  while (released < wanted) {
    const page = await services.store.accounts.listByStatus(wave.id, "Pending", {
      limit: Math.min(PAGE, wanted - released),
      ...(token ? { continuationToken: token } : {}),
    });
    released += (await markAndSend(services, page.items, "Queued", "released by the scheduler", actor))
      .length;
    token = page.continuationToken;
    if (!token || page.items.length === 0) break;
  }
  return released;
}

/**
 * Re-sends the messages of the accounts an earlier run marked and may not have sent (its outbox
 * intent was never cleared). Each goes under the MessageId the lost send had, so one that was sent
 * after all is dropped by the broker's duplicate detection.
 */
async function resendUnsent(services: SchedulerPorts, wave: Wave): Promise<number> {
  const engine = moveEngineFor(wave);
  let resent = 0;
  for (const intent of await services.releases.unsentIntents(wave.id)) {
    const messages: MoveMessage[] = [];
    for (const accountId of intent.accountIds) {
      const account = await services.store.accounts.find(accountId);
      if (
        account !== undefined &&
        (account.status === "Queued" || account.status === "Syncing" || account.status === "Completing") &&
        !hasLiveLease(account, services.now()) &&
        engine.awaitsMessage(account)
      )
        messages.push(nextMoveMessage(account));
    }
    if (messages.length > 0) await services.moves.send(messages);
    await services.releases.clearSends(intent);
    resent += messages.length;
    services.logger.warn("re-sent the messages of a scheduler run that stopped before sending them", {
      waveId: wave.id,
      marked: intent.accountIds.length,
      resent: messages.length,
    });
  }
  return resent;
}

/**
 * Moves each account to `to` (skipping any that someone else changed meanwhile), then sends the
 * first slice of its new pass; batch by batch, each under an outbox intent, so a failure leaves
 * few marked accounts unsent and the next run sends those.
 */
export async function markAndSend(
  services: SchedulerPorts,
  accounts: readonly Account[],
  to: AccountStatus,
  reason: string,
  actor: string,
  update?: TransitionRequest["update"],
): Promise<Account[]> {
  const started: Account[] = [];
  for (let start = 0; start < accounts.length; start += MARK_BATCH) {
    const batch = accounts.slice(start, start + MARK_BATCH);
    const first = batch[0];
    if (first === undefined) break;
    const intent = await services.releases.recordSends(
      first.waveId,
      batch.map((account) => account.id),
    );
    // Accounts someone else changed meanwhile (an operator, a concurrent scheduler) come back
    // undefined and are left for the next run.
    const marked = await services.store.accounts.transitionMany(batch, to, {
      reason,
      actor,
      at: services.now(),
      ...(update === undefined ? {} : { update }),
    });
    const messages: MoveMessage[] = [];
    for (const account of marked) {
      if (!account) continue;
      messages.push(nextMoveMessage(account));
      started.push(account);
    }
    if (messages.length > 0) await services.moves.send(messages);
    await services.releases.clearSends(intent);
  }
  return started;
}
