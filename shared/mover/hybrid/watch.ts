/**
 * The watcher (a timer): follows every hybrid wave's moves in Exchange and records them as
 * audited transitions. Each run lists the moves of the batches that have accounts in transit, a
 * page of up to 1,000 moves per request, and reads one move's statistics only when it needs them:
 * when the move is synced (its data consistency score), fails (its failure type), or while it
 * syncs, at most every MAILFERRY_HYBRID_PROGRESS_SECONDS (percent, bytes, items, stalls). Accounts waiting in Synced are
 * looked at on a slower cadence, faster while one of the wave's evenings is under way. The watcher
 * also moves accounts that were not synced when their evening began to the next evening with room,
 * approves skipped items the wave's policy allows, has the mover run the finalize actions once
 * Exchange completed a move, and removes completed moves after the wave's retention.
 */
import { nextMoveMessage, type MoveMessage } from "../../bus/messages.js";
import {
  type Account,
  type AccountStatus,
  type StatisticsUpdate,
  type ConsistencyScore,
  type Wave,
  openWindow,
} from "../../domain/index.js";
import { hasFinalizeWork } from "../finalize.js";
import { recordOutcome } from "../outcome.js";
import type { MoverPorts } from "../ports.js";
import type { ReleaseLedger } from "../../releases/ledger.js";
import { mapLimit } from "../../store/concurrency.js";
import { isConflict } from "../../store/errors.js";
import type { Logger } from "../../telemetry/logger.js";
import { ExchangeNotFoundError } from "../../exchange/errors.js";
import type { HybridExchange, MoveFacts, MoveStatisticsFacts } from "../../exchange/port.js";
import { type HybridCheckpoint, readHybridCheckpoint, writeHybridCheckpoint } from "./checkpoint.js";
import { candidateEvenings } from "./plan.js";
import { statusFor, stepsTo } from "./status.js";
import { completionNotes, migrationEmail } from "./submit.js";
import { hybridStatistics, progressOf } from "./statistics.js";

/** The activity record's detail of a move that synced. */
export const SYNCED_DETAIL = "synced";
/** Accounts waiting in Synced are looked at this many times less often outside an evening. */
const IDLE_FACTOR = 4;
/** Completed accounts are looked at for removal this many times less often than synced ones. */
const REMOVAL_FACTOR = 24;
/** A submitted account Exchange does not list after this long is submitted again. */
export const MISSING_GRACE_MS = 30 * 60_000;
/**
 * Accounts the watcher follows at once: each waits on Exchange (whose adapter keeps its own limit
 * on requests in flight) and on the store's writes, which spread over the store's partitions.
 */
const PARALLEL = 16;
const PAGE = 1000;

/** What one run did for one wave. */
export interface WatchReport {
  readonly waveId: string;
  /** Moves listed (all pages of the batches looked at). */
  readonly listed: number;
  readonly transitions: number;
  readonly statistics: number;
  readonly replanned: number;
  readonly approved: number;
  readonly removed: number;
  readonly finalizing: number;
  /** Accounts looked at, by status. */
  readonly looked: Partial<Record<AccountStatus, number>>;
}

/** When each wave's slower looks last ran, per process: a new process simply looks at once. */
const lastLooks = new Map<string, { synced: number; removal: number }>();

/** Forgets the slower looks' times (tests, or a process that wants a full look now). */
export function forgetWatchState(): void {
  lastLooks.clear();
}

/** What the watcher works with: the mover's stores and queue, and the scheduler's release ledger. */
export interface WatchPorts
  extends Pick<MoverPorts, "store" | "moves" | "activity" | "logger" | "now" | "exchange" | "pipeline"> {
  /** The evenings' release rows, which the watcher fills when it moves an account to a later one. */
  readonly releases: ReleaseLedger;
}

/** Runs the watcher over every hybrid wave that may have moves in Exchange. */
export async function runHybridWatch(services: WatchPorts, actor: string): Promise<WatchReport[]> {
  const reports: WatchReport[] = [];
  const waves = (await services.store.waves.list()).filter(
    (wave) => wave.engine === "hybrid" && (wave.status === "Active" || wave.status === "Paused"),
  );
  if (waves.length === 0) return reports;
  const exchange = services.exchange;
  if (exchange === undefined) {
    services.logger.error("hybrid waves need the EXCHANGE_* settings; the watcher cannot follow them", {
      waves: waves.map((wave) => wave.id).join(","),
    });
    return reports;
  }
  for (const wave of waves) reports.push(await new WaveWatch(services, exchange, wave, actor).run());
  return reports;
}

async function scanAll(services: WatchPorts, waveId: string, status: AccountStatus): Promise<Account[]> {
  const out: Account[] = [];
  let token: string | undefined;
  do {
    const page = await services.store.accounts.scanByStatus(waveId, status, {
      limit: PAGE,
      ...(token !== undefined ? { continuationToken: token } : {}),
    });
    out.push(...page.items);
    token = page.continuationToken;
  } while (token !== undefined);
  return out;
}

const SCORE_RANK: Readonly<Record<ConsistencyScore, number>> = {
  Perfect: 0,
  Good: 1,
  Investigate: 2,
  Poor: 3,
};

/** Whether a score's skipped items hold the completion until someone approves them. */
export function needsApproval(score: ConsistencyScore | undefined): boolean {
  return score === "Investigate" || score === "Poor";
}

class WaveWatch {
  private readonly now: Date;
  private readonly log: Logger;
  private readonly messages: MoveMessage[] = [];
  private readonly counts = {
    listed: 0,
    transitions: 0,
    statistics: 0,
    replanned: 0,
    approved: 0,
    removed: 0,
    finalizing: 0,
  };
  private readonly looked: Partial<Record<AccountStatus, number>> = {};
  private readonly ledger = new Map<string, { released: number; etag?: string }>();

  constructor(
    private readonly services: WatchPorts,
    private readonly exchange: HybridExchange,
    private readonly wave: Wave,
    private readonly actor: string,
  ) {
    this.now = services.now();
    this.log = services.logger.child({ waveId: wave.id, component: "watcher" });
  }

  async run(): Promise<WatchReport> {
    const started = Date.now();
    const looks = lastLooks.get(this.wave.id) ?? {
      synced: Number.NEGATIVE_INFINITY,
      removal: Number.NEGATIVE_INFINITY,
    };
    const eveningUnderWay =
      openWindow(this.wave, this.now) !== undefined || this.wave.completeNow !== undefined;
    const every = this.services.pipeline.hybridSyncedMs;
    const lookAtSynced = this.now.getTime() - looks.synced >= (eveningUnderWay ? every : every * IDLE_FACTOR);
    const lookForRemoval = this.now.getTime() - looks.removal >= every * REMOVAL_FACTOR;
    const statuses: AccountStatus[] = [
      "Queued",
      "Syncing",
      "Completing",
      ...(lookAtSynced ? (["Synced"] as const) : []),
    ];
    // The wave's counters say which statuses hold accounts at all: empty ones are not read.
    const counts = await this.services.store.counters.waveCounts(this.wave.id);
    const read = await Promise.all(
      statuses.map(async (status) =>
        counts.byStatus[status] === 0 ? [] : scanAll(this.services, this.wave.id, status),
      ),
    );
    statuses.forEach((status, index) => {
      const found = read[index]?.length ?? 0;
      if (found > 0) this.looked[status] = found;
    });
    const accounts: Account[] = read.flat();
    const phases: Record<string, number> = { read: Date.now() - started };
    const moves = await this.listMoves(accounts);
    phases.list = Date.now() - started;
    await mapLimit(accounts, PARALLEL, (account) => this.guard(account, () => this.follow(account, moves)));
    phases.follow = Date.now() - started;
    await this.replan(accounts);
    if (lookForRemoval) await this.removeExpired();
    if (this.messages.length > 0) await this.services.moves.send(this.messages);
    lastLooks.set(this.wave.id, {
      synced: lookAtSynced ? this.now.getTime() : looks.synced,
      removal: lookForRemoval ? this.now.getTime() : looks.removal,
    });
    const report: WatchReport = { waveId: this.wave.id, ...this.counts, looked: this.looked };
    this.log.info("watcher ran", {
      ...this.counts,
      looked: JSON.stringify(this.looked),
      phasesMs: JSON.stringify(phases),
      ms: Date.now() - started,
    });
    return report;
  }

  /** One account's trouble (a concurrent change, an answer Exchange did not give) never stops the run. */
  private async guard(account: Account, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (isConflict(error)) return;
      this.log.warn("could not follow an account this run", {
        accountId: account.id,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  /** Lists the moves of every batch an account looked at is in, keyed by ExchangeGuid. */
  private async listMoves(accounts: readonly Account[]): Promise<Map<string, MoveFacts>> {
    const batches = new Set<string>();
    for (const account of accounts) {
      const checkpoint = readHybridCheckpoint(account.checkpoint);
      if (checkpoint?.submittedAttempt !== undefined) batches.add(checkpoint.batch);
    }
    const moves = new Map<string, MoveFacts>();
    await mapLimit([...batches], PARALLEL, async (batch) => {
      for await (const page of this.exchange.listMoves(batch)) {
        this.counts.listed += page.length;
        for (const move of page) moves.set(move.exchangeGuid, move);
      }
    });
    return moves;
  }

  private async statistics(account: Account): Promise<MoveStatisticsFacts | undefined> {
    this.counts.statistics += 1;
    return this.exchange.moveStatistics(migrationEmail(account));
  }

  private async follow(account: Account, moves: ReadonlyMap<string, MoveFacts>): Promise<void> {
    const checkpoint = readHybridCheckpoint(account.checkpoint);
    if (checkpoint === undefined || checkpoint.submittedAttempt !== account.attempt) return;
    const move = checkpoint.exchangeGuid === undefined ? undefined : moves.get(checkpoint.exchangeGuid);
    if (move === undefined || move.batch.toLowerCase() !== checkpoint.batch.toLowerCase()) {
      await this.missing(account, checkpoint);
      return;
    }
    const target = statusFor(move.status);
    if (target === account.status) {
      if (account.status === "Syncing") await this.progress(account, checkpoint);
      else if (account.status === "Synced" && checkpoint.score === undefined)
        await this.enterSynced(account, checkpoint, move);
      return;
    }
    if (target === "Failed") {
      await this.failed(account, checkpoint);
      return;
    }
    const steps = stepsTo(account.status, target);
    if (steps.length === 0) return;
    let current = account;
    let kept = checkpoint;
    for (const step of steps) {
      if (step === "Completed" || step === "CompletedWithWarnings") {
        await this.completed(current, kept, move);
        return;
      }
      if (step === "Synced") {
        const entered = await this.enterSynced(current, kept, move, true);
        if (entered === undefined) return;
        current = entered.account;
        kept = entered.checkpoint;
        continue;
      }
      current = await this.transition(current, step, `Exchange reports the move ${move.status}`, {
        ...kept,
        exchangeStatus: move.status,
      });
      kept = readHybridCheckpoint(current.checkpoint) ?? kept;
    }
  }

  private async transition(
    account: Account,
    to: AccountStatus,
    reason: string,
    checkpoint: HybridCheckpoint,
    facts?: MoveStatisticsFacts,
    error?: { class: string; code: string; message: string },
    extra?: StatisticsUpdate,
  ): Promise<Account> {
    const next = await this.services.store.accounts.transition(account.id, account.etag, to, {
      reason,
      actor: this.actor,
      at: this.now,
      ...(error !== undefined ? { error } : {}),
      update: {
        checkpoint: writeHybridCheckpoint(checkpoint),
        ...(facts !== undefined ? { progress: progressOf(facts) } : {}),
        stats: { ...hybridStatistics(checkpoint, facts), ...extra },
      },
    });
    this.counts.transitions += 1;
    return next;
  }

  /** A Syncing move's progress and stalls, read at most every MAILFERRY_HYBRID_PROGRESS_SECONDS. */
  private async progress(account: Account, checkpoint: HybridCheckpoint): Promise<void> {
    const every = this.services.pipeline.hybridProgressMs;
    if (checkpoint.statsAt !== undefined && this.now.getTime() - Date.parse(checkpoint.statsAt) < every)
      return;
    const stats = await this.statistics(account);
    if (stats === undefined) return;
    const stalled = stats.statusDetail.startsWith("StalledDueTo");
    const next: HybridCheckpoint = {
      ...checkpoint,
      exchangeStatus: stats.status,
      statusDetail: stats.statusDetail,
      percentComplete: stats.percentComplete,
      statsAt: this.now.toISOString(),
      ...(stalled
        ? {
            stalledSince: checkpoint.stalledSince ?? this.now.toISOString(),
            waiting: `stalled: ${stats.statusDetail}`,
          }
        : { stalledSince: undefined, waiting: undefined }),
    };
    await this.services.store.accounts.updateProgress(account.id, account.etag, {
      checkpoint: writeHybridCheckpoint(next),
      progress: progressOf(stats),
      stats: hybridStatistics(next, stats),
      at: this.now,
    });
    const copied = stats.bytesTransferred - account.progress.bytes;
    if (copied > 0) {
      await this.services.activity.record({
        id: `${account.id}:${account.attempt}:progress:${this.now.getTime()}`,
        waveId: account.waveId,
        accountId: account.id,
        kind: "slice",
        at: this.now.getTime(),
        requests: 1,
        throttled: 0,
        items: Math.max(0, stats.itemsTransferred - account.progress.items),
        bytes: copied,
        durationMs: 0,
        detail: stats.statusDetail,
      });
    }
  }

  /** The move is synced: its score decides whether it completes on its own, is approved, or waits. */
  private async enterSynced(
    account: Account,
    checkpoint: HybridCheckpoint,
    move: MoveFacts,
    transition = false,
  ): Promise<{ account: Account; checkpoint: HybridCheckpoint } | undefined> {
    const stats = await this.statistics(account);
    if (stats === undefined) return undefined;
    const score = stats.score;
    let next: HybridCheckpoint = {
      ...checkpoint,
      exchangeStatus: move.status,
      statusDetail: stats.statusDetail,
      percentComplete: stats.percentComplete,
      statsAt: this.now.toISOString(),
      stalledSince: undefined,
      waiting: undefined,
      ...(score !== undefined ? { score } : {}),
    };
    const approved = stats.skippedItemApprovalTime !== undefined;
    if (needsApproval(score) && !approved) {
      const limit = this.wave.hybrid?.autoApprove ?? "Good";
      if (score !== undefined && SCORE_RANK[score] <= SCORE_RANK[limit]) {
        await this.exchange.approveSkippedItems(migrationEmail(account));
        this.counts.approved += 1;
        next = {
          ...next,
          approvedAt: this.now.toISOString(),
          approvedBy: `the wave's policy (auto-approve ${limit})`,
        };
      } else {
        next = {
          ...next,
          waiting: `skipped items wait for approval (data consistency score ${score ?? "?"}): mailferry account approve`,
        };
      }
    }
    if (transition) {
      const updated = await this.transition(
        account,
        "Synced",
        `Exchange synced the move (data consistency score ${score ?? "unknown"})${next.approvedBy !== undefined ? `; skipped items approved by ${next.approvedBy}` : ""}`,
        next,
        stats,
      );
      // The scheduler paces releases by how fast moves sync (see hybridTarget).
      await this.services.activity.record({
        id: `${account.id}:${account.attempt}:synced`,
        waveId: account.waveId,
        accountId: account.id,
        kind: "slice",
        at: this.now.getTime(),
        requests: 1,
        throttled: 0,
        items: Math.max(0, stats.itemsTransferred - account.progress.items),
        bytes: Math.max(0, stats.bytesTransferred - account.progress.bytes),
        // How long MRS took to sync it: the scheduler paces releases by it.
        durationMs:
          stats.startedAt !== undefined && stats.initialSyncedAt !== undefined
            ? Math.max(0, Date.parse(stats.initialSyncedAt) - Date.parse(stats.startedAt))
            : 0,
        detail: SYNCED_DETAIL,
      });
      return { account: updated, checkpoint: next };
    }
    const updated = await this.services.store.accounts.updateProgress(account.id, account.etag, {
      checkpoint: writeHybridCheckpoint(next),
      progress: progressOf(stats),
      stats: hybridStatistics(next, stats),
      at: this.now,
    });
    return { account: updated, checkpoint: next };
  }

  /** Exchange completed the move: the finalize actions follow in the mover, or the account ends now. */
  private async completed(account: Account, checkpoint: HybridCheckpoint, move: MoveFacts): Promise<void> {
    const next: HybridCheckpoint = {
      ...checkpoint,
      exchangeStatus: move.status,
      statusDetail: "Completed",
      percentComplete: 100,
      exchangeCompletedAt: this.now.toISOString(),
      stalledSince: undefined,
      waiting: undefined,
    };
    let current = account;
    if (hasFinalizeWork(this.wave, next)) {
      if (current.status !== "Completing")
        current = await this.transition(
          current,
          "Completing",
          `Exchange reports the move ${move.status}`,
          next,
        );
      else
        current = await this.services.store.accounts.updateProgress(current.id, current.etag, {
          checkpoint: writeHybridCheckpoint(next),
          stats: hybridStatistics(next),
          at: this.now,
        });
      this.messages.push(nextMoveMessage(current));
      this.counts.finalizing += 1;
      return;
    }
    if (current.status !== "Completing")
      current = await this.transition(
        current,
        "Completing",
        `Exchange reports the move ${move.status}`,
        next,
      );
    const notes = completionNotes(next);
    const to = move.status === "Completed" ? "Completed" : "CompletedWithWarnings";
    current = await this.transition(
      current,
      to,
      notes.length > 0 ? `Exchange completed the move; ${notes.join("; ")}` : "Exchange completed the move",
      next,
      undefined,
      undefined,
      // CompletedWithWarnings always says what the warnings were, on the account itself.
      { finishedAt: this.now.toISOString(), warnings: notes },
    );
    await recordOutcome(this.services, current, "completed", current.status);
  }

  /** A failed move: Failed, with MRS's failure type as the class. */
  private async failed(account: Account, checkpoint: HybridCheckpoint): Promise<void> {
    const stats = await this.statistics(account);
    const failureType = stats?.failureType ?? "MoveFailed";
    const message = stats?.message ?? "Exchange reports the move failed";
    const failed = await this.transition(
      account,
      "Failed",
      `Exchange reports the move failed: ${failureType}`,
      { ...checkpoint, exchangeStatus: "Failed", failureType, stalledSince: undefined, waiting: undefined },
      stats,
      { class: failureType, code: failureType, message },
      { finishedAt: this.now.toISOString() },
    );
    await recordOutcome(this.services, failed, "failed", failureType);
  }

  /** A submitted move Exchange does not list: after a grace period, the mover submits it again. */
  private async missing(account: Account, checkpoint: HybridCheckpoint): Promise<void> {
    if (account.status !== "Queued") return;
    const since = checkpoint.submittedAt === undefined ? 0 : Date.parse(checkpoint.submittedAt);
    if (this.now.getTime() - since < MISSING_GRACE_MS) return;
    const { submittedAttempt: _attempt, ...rest } = checkpoint;
    const updated = await this.services.store.accounts.updateProgress(account.id, account.etag, {
      checkpoint: writeHybridCheckpoint(rest),
      at: this.now,
    });
    this.log.warn("a submitted move is not in Exchange; submitting it again", { accountId: account.id });
    this.messages.push(nextMoveMessage(updated));
  }

  private async ledgerRow(key: string): Promise<{ released: number; etag?: string }> {
    let row = this.ledger.get(key);
    if (row === undefined) {
      const read = await this.services.releases.get(this.wave.id, key);
      row = { released: read?.released ?? 0, ...(read?.etag !== undefined ? { etag: read.etag } : {}) };
      this.ledger.set(key, row);
    }
    return row;
  }

  /** Takes one account's room in the earliest evening that has some; undefined when none has. */
  private async takeEvening(): Promise<string | undefined> {
    for (const occurrence of candidateEvenings(this.wave, this.now)) {
      const key = occurrence.start.toISOString();
      const row = await this.ledgerRow(key);
      if (row.released >= occurrence.window.capacity) continue;
      const rate = (await this.services.releases.lastRate(this.wave.id)) ?? this.services.pipeline.releaseMin;
      const etag = await this.services.releases.put({
        waveId: this.wave.id,
        windowStart: key,
        released: row.released + 1,
        rate,
        ...(row.etag !== undefined ? { etag: row.etag } : {}),
      });
      this.ledger.set(key, { released: row.released + 1, ...(etag !== undefined ? { etag } : {}) });
      return key;
    }
    return undefined;
  }

  /**
   * Gives an evening to accounts that have none (no room when they were released, or a retry),
   * and moves accounts not synced when their evening began to the next one (unless the wave cuts
   * over accounts that synced late). An operator's complete now or after takes precedence.
   */
  private async replan(accounts: readonly Account[]): Promise<void> {
    if (this.wave.completeNow !== undefined) return;
    for (const seen of accounts) {
      if (seen.completeNow !== undefined || seen.completeAfter !== undefined) continue;
      const before = readHybridCheckpoint(seen.checkpoint);
      if (before === undefined || before.submittedAttempt !== seen.attempt) continue;
      // Decided on the copy read at the start of the run; only candidates are read again.
      if (!this.needsEvening(seen.status, before)) continue;
      await this.guard(seen, async () => {
        // As it stands now: following it this run may have changed it.
        const account = await this.services.store.accounts.get(seen.id);
        const checkpoint = readHybridCheckpoint(account.checkpoint);
        if (checkpoint === undefined) return;
        const pending = checkpoint.completeAfterPending;
        if (pending !== undefined) {
          await this.applyEvening(account, checkpoint, pending);
          return;
        }
        if (!this.needsEvening(account.status, checkpoint)) return;
        const late = checkpoint.evening !== undefined || checkpoint.completeAfterSet !== undefined;
        const next = await this.takeEvening();
        if (next === undefined) return;
        // Recorded first, sent second: a crash in between sends it next run, and takes no second slot.
        const planned = await this.services.store.accounts.updateProgress(account.id, account.etag, {
          checkpoint: writeHybridCheckpoint({
            ...checkpoint,
            evening: next,
            completeAfterPending: next,
            // A reason of its own (skipped items, a stall) stays what the account waits for.
            ...(late
              ? { waiting: `not synced when its evening began; moved to the evening of ${next}` }
              : {}),
          }),
          at: this.now,
        });
        await this.applyEvening(planned, readHybridCheckpoint(planned.checkpoint) ?? checkpoint, next);
        this.counts.replanned += 1;
      });
    }
  }

  /**
   * Whether an account needs an evening: it has none, or it was not synced when its evening began
   * (unless the wave cuts over late syncs), or one it was given is still to be set in Exchange.
   */
  private needsEvening(status: AccountStatus, checkpoint: HybridCheckpoint): boolean {
    if (checkpoint.completeAfterPending !== undefined) return true;
    const evening = checkpoint.completeAfterSet ?? checkpoint.evening;
    if (evening === undefined) return status === "Queued" || status === "Syncing" || status === "Synced";
    return (
      Date.parse(evening) <= this.now.getTime() &&
      (status === "Queued" || status === "Syncing") &&
      !this.wave.cutoverUnsynced
    );
  }

  /** Sets the account's CompleteAfter in Exchange to its (new) evening, then records that it did. */
  private async applyEvening(account: Account, checkpoint: HybridCheckpoint, evening: string): Promise<void> {
    await this.exchange.setUserCompleteAfter(migrationEmail(account), new Date(evening));
    const { completeAfterPending: _pending, ...rest } = checkpoint;
    await this.services.store.accounts.updateProgress(account.id, account.etag, {
      checkpoint: writeHybridCheckpoint({ ...rest, completeAfterSet: evening }),
      at: this.now,
    });
  }

  /** Removes completed moves from Exchange once the wave's retention has passed. */
  private async removeExpired(): Promise<void> {
    const retentionMs = (this.wave.hybrid?.retentionDays ?? 7) * 24 * 3_600_000;
    const done = [
      ...(await scanAll(this.services, this.wave.id, "Completed")),
      ...(await scanAll(this.services, this.wave.id, "CompletedWithWarnings")),
    ];
    const due = done.filter((account) => {
      const checkpoint = readHybridCheckpoint(account.checkpoint);
      return (
        checkpoint?.exchangeCompletedAt !== undefined &&
        checkpoint.removedAt === undefined &&
        Date.parse(checkpoint.exchangeCompletedAt) + retentionMs <= this.now.getTime()
      );
    });
    await mapLimit(due, PARALLEL, (account) =>
      this.guard(account, async () => {
        const checkpoint = readHybridCheckpoint(account.checkpoint);
        if (checkpoint === undefined) return;
        try {
          await this.exchange.removeUser(migrationEmail(account));
        } catch (error) {
          if (!(error instanceof ExchangeNotFoundError)) throw error;
        }
        await this.services.store.accounts.updateProgress(account.id, account.etag, {
          checkpoint: writeHybridCheckpoint({ ...checkpoint, removedAt: this.now.toISOString() }),
          at: this.now,
        });
        this.counts.removed += 1;
      }),
    );
  }
}
