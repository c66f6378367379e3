/**
 * The Mailbox Replication Service, in simulated time. Moves queue first in, first out per
 * migration endpoint and run under its limits: initial syncs and completions share
 * MaxConcurrentMigrations, incremental syncs MaxConcurrentIncrementalSyncs. An initial sync copies
 * at a fixed rate; a synced move gets an incremental sync every 24 hours and completes once its
 * CompleteAfter has passed, unless skipped items (an Investigate or Poor data consistency score)
 * wait for approval. Completing turns the on-premises mailbox into a remote mailbox and the
 * Exchange Online mail user into the mailbox, keeping its GUIDs.
 *
 * Time only moves when `advance` is called (every request does): events up to then are played in
 * order, so the state is the same however often the simulator is asked.
 */
import type { Random } from "../graph/random.js";
import { type Batch, type Move, type Organisation, ZERO_GUID } from "./model.js";
import { DATA_CONSISTENCY_SCORES, type MrsOptions } from "./options.js";

type EventKind = "opEnd" | "eligible" | "stallStart" | "stallEnd" | "fail" | "incremental" | "sourceFail";

interface SimEvent {
  readonly at: number;
  readonly seq: number;
  readonly kind: EventKind;
  readonly email: string;
  readonly version: number;
}

/** A binary min-heap of events by time, then insertion order. */
class EventHeap {
  private readonly items: SimEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): SimEvent | undefined {
    return this.items[0];
  }

  push(event: SimEvent): void {
    const items = this.items;
    items.push(event);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as SimEvent;
      if (before(p, event)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = event;
  }

  pop(): SimEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && before(items[right] as SimEvent, items[left] as SimEvent) ? right : left;
      if (before(last, items[child] as SimEvent)) break;
      items[i] = items[child] as SimEvent;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A FIFO of emails with lazy deletion (entries are checked when taken). */
class Fifo {
  private items: string[] = [];
  private head = 0;

  push(email: string): void {
    this.items.push(email);
  }

  /** The first entry `keep` accepts; entries it rejects are dropped. */
  take(keep: (email: string) => boolean): string | undefined {
    while (this.head < this.items.length) {
      const email = this.items[this.head] as string;
      this.head += 1;
      if (keep(email)) {
        this.compact();
        return email;
      }
    }
    this.compact();
    return undefined;
  }

  /** Puts an entry back at the front (it could not start after all). */
  unshift(email: string): void {
    if (this.head > 0) {
      this.head -= 1;
      this.items[this.head] = email;
    } else this.items.unshift(email);
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** Per endpoint: who runs, who waits, and how busy its slots were. */
interface EndpointRun {
  migrations: number;
  incrementals: number;
  readonly initialQueue: Fifo;
  readonly completionQueue: Fifo;
  readonly incrementalQueue: Fifo;
  /** Σ running initial syncs × time, and its value when the last initial sync started. */
  initialBusyMs: number;
  initialBusyAtLastStart: number;
  firstInitialStart?: number;
  lastInitialStart?: number;
  busySince: number;
  initialRunning: number;
}

/** How busy an endpoint's MaxConcurrentMigrations slots were with initial syncs (pre-staging). */
export interface SlotUsage {
  readonly endpoint: string;
  readonly maxConcurrentMigrations: number;
  /** From the first initial sync's start to the last one's. */
  readonly from?: number;
  readonly to?: number;
  /** Mean initial syncs running over that period. */
  readonly meanRunning: number;
}

const TRANSIENT_FAILURES = [
  {
    type: "CommunicationErrorTransientException",
    message: "The call to the MRS proxy on the on-premises server failed: the connection was reset.",
  },
] as const;
const PERMANENT_FAILURES = [
  {
    type: "TooManyMissingItemsPermanentException",
    message: "Too many items are missing from the target mailbox; the move cannot complete as it is.",
  },
] as const;
const STALLS = ["StalledDueToTarget_MdbAvailability", "StalledDueToTarget_Processor"] as const;

export class MailboxReplicationService {
  private readonly heap = new EventHeap();
  private seq = 0;
  private time: number;
  private readonly runs = new Map<string, EndpointRun>();
  private readonly completionTimes: number[] = [];

  constructor(
    private readonly org: Organisation,
    private options: MrsOptions,
    private readonly random: Random,
    start: number,
  ) {
    this.time = start;
  }

  get now(): number {
    return this.time;
  }

  configure(options: MrsOptions): void {
    this.options = options;
  }

  /** Plays every event up to `now`. */
  advance(now: number): void {
    for (;;) {
      const next = this.heap.peek();
      if (next === undefined || next.at > now) break;
      this.heap.pop();
      this.tick(Math.max(this.time, next.at));
      this.handle(next);
      this.fill();
    }
    this.tick(Math.max(this.time, now));
    this.fill();
  }

  /** A new move: queued behind the endpoint's other moves. */
  enqueue(move: Move): void {
    this.run(move.endpoint).initialQueue.push(move.email);
    this.fill();
  }

  /** The move's (or batch's) CompleteAfter changed: decide again when it may complete. */
  completeAfterChanged(move: Move): void {
    if (move.phase === "synced" || move.phase === "incremental") this.checkEligible(move);
    this.fill();
  }

  /** Skipped items approved: a move waiting on them may complete. */
  approved(move: Move): void {
    this.completeAfterChanged(move);
  }

  /** Start-MigrationUser: a failed or stopped move runs again (synced ones stay synced). */
  restart(move: Move): void {
    if (move.phase !== "failed" && move.phase !== "stopped") return;
    delete move.failure;
    delete move.plantedFailure;
    delete move.plantedStall;
    move.version += 1;
    if (move.syncedAt !== undefined) {
      this.toSynced(move, this.time);
      return;
    }
    move.phase = "queued";
    move.status = "Queued";
    move.statusDetail = "Queued";
    this.run(move.endpoint).initialQueue.push(move.email);
    this.fill();
  }

  /** Stop-MigrationUser: the move stops where it is and frees its slot. */
  stop(move: Move): void {
    if (move.phase === "done" || move.phase === "failed" || move.phase === "stopped") return;
    this.release(move);
    this.pauseProgress(move);
    move.phase = "stopped";
    move.status = "Suspended";
    move.statusDetail = "Suspended";
    move.version += 1;
  }

  /** The move is removed: it frees its slot and its events are forgotten. */
  remove(move: Move): void {
    if (move.phase !== "done" && move.phase !== "failed" && move.phase !== "stopped") this.release(move);
    move.version += 1;
    move.phase = "stopped";
  }

  /** The on-premises MRS proxy stops or starts answering. */
  setSourceReachable(reachable: boolean): void {
    if (this.org.sourceReachable === reachable) return;
    this.org.sourceReachable = reachable;
    for (const move of this.org.moves.values()) {
      if (move.phase !== "initial" && move.phase !== "completing" && move.phase !== "incremental") continue;
      if (reachable) {
        delete move.sourceWaitSince;
        this.resumeIfFree(move);
      } else {
        move.sourceWaitSince = this.time;
        this.pause(move, "StalledDueToSource_UnknownReason");
        this.schedule(this.time + this.options.sourceUnreachableFailMs, "sourceFail", move);
      }
    }
    this.fill();
  }

  /** Stalls a running initial sync for `ms` (tests). */
  stall(move: Move, detail: string, ms: number): void {
    if (move.phase !== "initial") return;
    move.stalledUntil = this.time + ms;
    this.pause(move, detail);
    this.schedule(move.stalledUntil, "stallEnd", move);
  }

  /** Bytes copied by now. */
  copied(move: Move): number {
    const running = move.copying
      ? (this.options.copyBytesPerSecond * Math.max(0, this.time - move.progressAt)) / 1000
      : 0;
    return Math.min(move.totalBytes, Math.round(move.copiedBytes + running));
  }

  /** Initial syncs running and how full they kept each endpoint. */
  usage(): SlotUsage[] {
    return [...this.runs.entries()].map(([name, run]) => {
      const endpoint = this.org.endpoints.get(name);
      const max = endpoint?.maxConcurrentMigrations ?? 0;
      const span =
        run.firstInitialStart !== undefined && run.lastInitialStart !== undefined
          ? run.lastInitialStart - run.firstInitialStart
          : 0;
      return {
        endpoint: name,
        maxConcurrentMigrations: max,
        ...(run.firstInitialStart !== undefined ? { from: run.firstInitialStart } : {}),
        ...(run.lastInitialStart !== undefined ? { to: run.lastInitialStart } : {}),
        meanRunning: span > 0 ? run.initialBusyAtLastStart / span : 0,
      };
    });
  }

  /** When each completed move completed (simulated ms). */
  completions(): readonly number[] {
    return this.completionTimes;
  }

  /** The CompleteAfter that applies to a move: its own, else its batch's. */
  effectiveCompleteAfter(move: Move): number | undefined {
    return move.completeAfter ?? this.org.batches.get(move.batch)?.completeAfter;
  }

  /** Whether skipped items hold the move back until someone approves them. */
  needsApproval(move: Move): boolean {
    return (
      (move.score === "Investigate" || move.score === "Poor") && move.skippedItemApprovalTime === undefined
    );
  }

  private run(endpoint: string): EndpointRun {
    let run = this.runs.get(endpoint);
    if (run === undefined) {
      run = {
        migrations: 0,
        incrementals: 0,
        initialQueue: new Fifo(),
        completionQueue: new Fifo(),
        incrementalQueue: new Fifo(),
        initialBusyMs: 0,
        initialBusyAtLastStart: 0,
        busySince: this.time,
        initialRunning: 0,
      };
      this.runs.set(endpoint, run);
    }
    return run;
  }

  /** Moves the clock, adding the running initial syncs to each endpoint's busy time. */
  private tick(to: number): void {
    if (to <= this.time) return;
    for (const run of this.runs.values()) run.initialBusyMs += run.initialRunning * (to - this.time);
    this.time = to;
  }

  private schedule(at: number, kind: EventKind, move: Move): void {
    this.heap.push({ at, seq: this.seq++, kind, email: move.email, version: move.version });
  }

  private handle(event: SimEvent): void {
    const move = this.org.moves.get(event.email);
    if (move === undefined || move.version !== event.version) return;
    switch (event.kind) {
      case "opEnd":
        this.operationEnded(move);
        break;
      case "eligible":
        this.checkEligible(move);
        break;
      case "stallStart":
        if (move.phase === "initial" && move.plantedStall !== undefined) {
          this.stall(move, move.plantedStall.detail, this.options.stallMs);
          delete move.plantedStall;
        }
        break;
      case "stallEnd":
        delete move.stalledUntil;
        this.resumeIfFree(move);
        break;
      case "fail":
        if (move.phase === "initial" && move.plantedFailure !== undefined) {
          this.fail(move, move.plantedFailure.type, failureMessage(move.plantedFailure.type));
        }
        break;
      case "incremental":
        if (move.phase === "synced") this.run(move.endpoint).incrementalQueue.push(move.email);
        break;
      case "sourceFail":
        if (!this.org.sourceReachable && move.sourceWaitSince !== undefined) {
          delete move.sourceWaitSince;
          this.fail(
            move,
            "CommunicationErrorTransientException",
            `The on-premises MRS proxy did not answer for ${Math.round(this.options.sourceUnreachableFailMs / 60_000)} minutes.`,
          );
        }
        break;
    }
  }

  /** Starts what each endpoint's free slots allow: completions first, then initial syncs. */
  private fill(): void {
    for (const [name, run] of this.runs) {
      const endpoint = this.org.endpoints.get(name);
      if (endpoint === undefined) continue;
      while (run.migrations < endpoint.maxConcurrentMigrations && this.org.sourceReachable) {
        const completing = run.completionQueue.take((email) => this.mayComplete(email));
        if (completing !== undefined) {
          this.startCompletion(this.org.moves.get(completing) as Move, run);
          continue;
        }
        const initial = run.initialQueue.take((email) => this.org.moves.get(email)?.phase === "queued");
        if (initial === undefined) break;
        this.startInitial(this.org.moves.get(initial) as Move, run);
      }
      while (run.incrementals < endpoint.maxConcurrentIncrementalSyncs && this.org.sourceReachable) {
        const email = run.incrementalQueue.take(
          (candidate) => this.org.moves.get(candidate)?.phase === "synced",
        );
        if (email === undefined) break;
        const move = this.org.moves.get(email) as Move;
        run.incrementals += 1;
        move.phase = "incremental";
        move.statusDetail = "IncrementalSyncing";
        move.version += 1;
        move.opEndsAt = this.time + this.options.incrementalMs;
        this.schedule(move.opEndsAt, "opEnd", move);
      }
    }
  }

  private mayComplete(email: string): boolean {
    const move = this.org.moves.get(email);
    if (move === undefined || move.phase !== "synced") return false;
    const after = this.effectiveCompleteAfter(move);
    return after !== undefined && after <= this.time && !this.needsApproval(move);
  }

  private startInitial(move: Move, run: EndpointRun): void {
    const problem = this.validate(move);
    if (problem !== undefined) {
      this.fail(move, problem.type, problem.message);
      return;
    }
    run.migrations += 1;
    run.initialRunning += 1;
    run.firstInitialStart ??= this.time;
    run.lastInitialStart = this.time;
    run.initialBusyAtLastStart = run.initialBusyMs;
    move.phase = "initial";
    move.status = "InProgress";
    move.statusDetail = "CopyingMessages";
    move.startedAt ??= this.time;
    move.version += 1;
    const left = move.totalBytes - move.copiedBytes;
    const copyMs = (left / this.options.copyBytesPerSecond) * 1000;
    move.progressAt = this.time + this.options.startupMs;
    move.copying = true;
    move.opEndsAt = this.time + this.options.startupMs + copyMs;
    this.schedule(move.opEndsAt, "opEnd", move);
    if (move.plantedFailure === undefined && this.random.chance(this.options.failRate)) {
      const transient = this.random.chance(0.5);
      move.plantedFailure = {
        atShare: this.random.next(),
        type: (transient ? TRANSIENT_FAILURES : PERMANENT_FAILURES)[0].type,
      };
    }
    if (move.plantedFailure !== undefined) {
      this.schedule(this.time + this.options.startupMs + copyMs * move.plantedFailure.atShare, "fail", move);
    }
    if (move.plantedStall === undefined && this.random.chance(this.options.stallRate)) {
      move.plantedStall = { atShare: this.random.next(), detail: this.random.pick(STALLS) };
    }
    if (move.plantedStall !== undefined) {
      this.schedule(
        this.time + this.options.startupMs + copyMs * move.plantedStall.atShare,
        "stallStart",
        move,
      );
    }
  }

  /** What MRS checks when a move starts: the target mail user and its GUIDs. */
  private validate(move: Move): { type: string; message: string } | undefined {
    const recipient = this.org.cloud.get(move.email);
    const source = this.org.onPrem.get(move.email);
    if (recipient === undefined || source === undefined) {
      return {
        type: "RecipientNotFoundPermanentException",
        message: `Couldn't find a mail user for '${move.email}' in Exchange Online.`,
      };
    }
    if (move.mailboxType !== "ArchiveOnly" && recipient.exchangeGuid !== source.exchangeGuid) {
      return {
        type: "MailboxGuidMismatchPermanentException",
        message: `The target mail user's ExchangeGuid ${recipient.exchangeGuid} doesn't match the source mailbox's ${source.exchangeGuid}.`,
      };
    }
    if (
      move.mailboxType !== "PrimaryOnly" &&
      source.archiveGuid !== undefined &&
      recipient.archiveGuid !== source.archiveGuid
    ) {
      return {
        type: "ArchiveGuidMismatchPermanentException",
        message: `The target mail user's ArchiveGuid ${recipient.archiveGuid} doesn't match the source archive's ${source.archiveGuid}.`,
      };
    }
    return undefined;
  }

  private startCompletion(move: Move, run: EndpointRun): void {
    run.migrations += 1;
    move.phase = "completing";
    move.status = "CompletionInProgress";
    move.statusDetail = "Completing";
    move.completionStartedAt = this.time;
    move.version += 1;
    move.opEndsAt = this.time + this.options.completionMs;
    this.schedule(move.opEndsAt, "opEnd", move);
  }

  private operationEnded(move: Move): void {
    const run = this.run(move.endpoint);
    switch (move.phase) {
      case "initial": {
        run.migrations -= 1;
        run.initialRunning -= 1;
        move.copiedBytes = move.totalBytes;
        move.copying = false;
        move.syncedAt = this.time;
        move.score = this.random.weighted(
          DATA_CONSISTENCY_SCORES.map((score) => [score, this.options.scoreOdds[score]] as const),
        );
        move.skippedItems =
          move.score === "Perfect"
            ? 0
            : move.score === "Good"
              ? this.random.int(1, 5)
              : move.score === "Investigate"
                ? this.random.int(6, 50)
                : this.random.int(51, 500);
        this.toSynced(move, this.time);
        break;
      }
      case "incremental":
        run.incrementals -= 1;
        this.toSynced(move, this.time);
        break;
      case "completing":
        run.migrations -= 1;
        this.complete(move);
        break;
      default:
        break;
    }
  }

  private toSynced(move: Move, at: number): void {
    move.phase = "synced";
    move.status = "Synced";
    move.statusDetail = "Synced";
    move.lastSyncAt = at;
    move.version += 1;
    this.schedule(at + this.options.incrementalIntervalMs, "incremental", move);
    this.checkEligible(move);
  }

  private checkEligible(move: Move): void {
    const after = this.effectiveCompleteAfter(move);
    if (after === undefined || this.needsApproval(move)) return;
    if (after > this.time) {
      this.schedule(after, "eligible", move);
      return;
    }
    if (move.phase === "synced") this.run(move.endpoint).completionQueue.push(move.email);
    // During an incremental sync the move queues for completion when the sync ends (toSynced).
  }

  private complete(move: Move): void {
    move.phase = "done";
    move.completedAt = this.time;
    move.version += 1;
    move.warning = this.random.chance(this.options.warningRate);
    move.status = move.warning
      ? "CompletedWithWarning"
      : move.skippedItems > 0
        ? "CompletedWithSkippedItems"
        : "Completed";
    move.statusDetail = "Completed";
    this.completionTimes.push(this.time);
    const source = this.org.onPrem.get(move.email);
    const recipient = this.org.cloud.get(move.email);
    if (source === undefined || recipient === undefined) return;
    if (move.mailboxType !== "ArchiveOnly") {
      source.primaryIn = "cloud";
      recipient.recipientTypeDetails = "UserMailbox";
      recipient.primary = source.primary;
    }
    if (move.mailboxType !== "PrimaryOnly" && source.archive !== undefined) {
      source.archiveIn = "cloud";
      recipient.archive = source.archive;
      if (recipient.archiveGuid === ZERO_GUID && source.archiveGuid !== undefined)
        recipient.archiveGuid = source.archiveGuid;
    }
  }

  private fail(move: Move, type: string, message: string): void {
    this.release(move);
    this.pauseProgress(move);
    move.phase = "failed";
    move.status = "Failed";
    move.statusDetail = "FailedOther";
    move.failure = { type, message, at: this.time };
    move.version += 1;
  }

  /** Frees the slot a running move holds. */
  private release(move: Move): void {
    const run = this.run(move.endpoint);
    if (move.phase === "initial") {
      run.migrations -= 1;
      run.initialRunning -= 1;
    } else if (move.phase === "completing") run.migrations -= 1;
    else if (move.phase === "incremental") run.incrementals -= 1;
  }

  private pauseProgress(move: Move): void {
    move.copiedBytes = this.copied(move);
    move.progressAt = this.time;
    move.copying = false;
  }

  /** Holds a running operation where it is; it keeps its slot. */
  private pause(move: Move, detail: string): void {
    if (move.pausedRemainingMs === undefined) {
      move.pausedRemainingMs = Math.max(0, (move.opEndsAt ?? this.time) - this.time);
      this.pauseProgress(move);
      move.version += 1;
    }
    move.statusDetail = detail;
  }

  /** Carries on once neither a stall nor the source holds the operation back. */
  private resumeIfFree(move: Move): void {
    if (move.pausedRemainingMs === undefined) return;
    if ((move.stalledUntil ?? 0) > this.time || !this.org.sourceReachable) return;
    move.opEndsAt = this.time + move.pausedRemainingMs;
    delete move.pausedRemainingMs;
    move.version += 1;
    if (move.phase === "initial") {
      move.copying = true;
      move.progressAt = Math.max(this.time, move.progressAt);
      move.statusDetail = "CopyingMessages";
      if (move.plantedFailure !== undefined)
        this.schedule(this.time + (move.opEndsAt - this.time) / 2, "fail", move);
    } else move.statusDetail = move.phase === "completing" ? "Completing" : "IncrementalSyncing";
    this.schedule(move.opEndsAt, "opEnd", move);
  }
}

function failureMessage(type: string): string {
  return (
    [...TRANSIENT_FAILURES, ...PERMANENT_FAILURES].find((failure) => failure.type === type)?.message ??
    "The move failed."
  );
}

/** What a batch's users copy: the primary and, unless primary-only, the archive. */
export function contentFor(
  organisation: Organisation,
  email: string,
  mailboxType: Move["mailboxType"],
): { bytes: number; items: number } {
  const source = organisation.onPrem.get(email);
  if (source === undefined) return { bytes: 0, items: 0 };
  const primary = mailboxType === "ArchiveOnly" ? { bytes: 0, items: 0 } : source.primary;
  const archive = mailboxType === "PrimaryOnly" ? undefined : source.archive;
  return {
    bytes: primary.bytes + (archive?.bytes ?? 0),
    items: primary.items + (archive?.items ?? 0),
  };
}

/** The batch a move belongs to, or undefined. */
export function batchOf(organisation: Organisation, move: Move): Batch | undefined {
  return organisation.batches.get(move.batch);
}
