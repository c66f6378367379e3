/**
 * The hybrid engine's work in the mover. A Queued account is pre-flighted and handed to Exchange:
 * added to its evening's migration batch (made on first use), whose endpoint holds the on-premises
 * credential. A crash or a redelivery never makes a second move: Exchange is asked first whether
 * the user is in a batch already, and adding a user a batch has is a no-op there. A retried account
 * resumes its failed move when the failure may pass, or has it removed and made again. A Completing
 * account whose move Exchange completed gets the wave's finalize actions and its final status.
 */
import { openWindow, type Account, type HybridSettings, type Wave } from "../../domain/index.js";
import type { MoveResult, MoveWork } from "../engine.js";
import { MoveFailedError } from "../errors.js";
import { finalizeCutover } from "../finalize.js";
import { recordOutcome } from "../outcome.js";
import { ThrottledError } from "../../graph/errors.js";
import {
  ExchangeConflictError,
  ExchangeNotFoundError,
  ExchangeThrottledError,
} from "../../exchange/errors.js";
import {
  type HybridExchange,
  type MailboxType,
  type RecipientFacts,
  ZERO_GUID,
} from "../../exchange/port.js";
import {
  type HybridCheckpoint,
  plannedCheckpoint,
  readHybridCheckpoint,
  writeHybridCheckpoint,
} from "./checkpoint.js";
import { HYBRID_FAILURES, type HybridFailureClass, resumable } from "./failures.js";
import { batchName, completeAfterOf, isWaveBatch } from "./plan.js";

/** How long a passed endpoint test counts (Test-MigrationServerAvailability once per wave and process). */
const ENDPOINT_TEST_TTL_MS = 60 * 60_000;
/** When an unreachable endpoint is tried again. */
export const ENDPOINT_RETRY_MS = 5 * 60_000;
const FAILED_USER_STATUSES = new Set([
  "failed",
  "stopped",
  "incrementalfailed",
  "completionfailed",
  "corrupted",
]);

const endpointChecks = new Map<string, number>();

/** Forgets which endpoints passed their test (tests). */
export function forgetEndpointChecks(): void {
  endpointChecks.clear();
}

function fail(failureClass: HybridFailureClass, detail: string): MoveFailedError {
  return new MoveFailedError(failureClass, `${detail}; ${HYBRID_FAILURES[failureClass]}`);
}

/** A HybridExchange that counts the calls made through it. */
function counted(exchange: HybridExchange): { exchange: HybridExchange; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(exchange, {
    get(target, property, receiver): unknown {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "requests") return value;
      return (...args: unknown[]): unknown => {
        calls += 1;
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { exchange: proxy, calls: () => calls };
}

/** Exchange asked us to wait: the message comes back then, like the copy's Retry-After. */
async function throttledAsWait<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ExchangeThrottledError) throw new ThrottledError(error.retryAt, { cause: error });
    throw error;
  }
}

/** The exchange port, or the failure that says hybrid waves are not configured. */
export function exchangeOf(work: Pick<MoveWork, "services">): HybridExchange {
  const exchange = work.services.exchange;
  if (exchange === undefined) throw fail("ExchangeNotConfigured", "no Exchange Online app is configured");
  return exchange;
}

function hybridOf(wave: Wave): HybridSettings {
  if (wave.hybrid === undefined) throw new Error(`wave ${wave.id} is hybrid but has no hybrid settings`);
  return wave.hybrid;
}

/** The address the migration user is known by: the Exchange Online user's, as the inventory names it. */
export function migrationEmail(account: Pick<Account, "target">): string {
  return account.target.upn.toLowerCase();
}

async function checkEndpoint(
  exchange: HybridExchange,
  wave: Wave,
  hybrid: HybridSettings,
  now: Date,
): Promise<string | undefined> {
  const key = `${wave.id}|${hybrid.endpoint.toLowerCase()}`;
  const passed = endpointChecks.get(key);
  if (passed !== undefined && now.getTime() - passed < ENDPOINT_TEST_TTL_MS) return undefined;
  let result: { ok: boolean; detail: string };
  try {
    result = await exchange.testEndpoint(hybrid.endpoint);
  } catch (error) {
    if (error instanceof ExchangeNotFoundError)
      throw fail("MigrationEndpointNotFound", `Exchange Online has no migration endpoint ${hybrid.endpoint}`);
    throw error;
  }
  if (!result.ok) return result.detail || "the endpoint test failed";
  endpointChecks.set(key, now.getTime());
  return undefined;
}

/** Pre-flight: the target mail user, its GUIDs, and a licence when the wave requires one. */
async function preflight(
  work: MoveWork,
  exchange: HybridExchange,
  hybrid: HybridSettings,
): Promise<RecipientFacts> {
  const { account } = work;
  const email = migrationEmail(account);
  const mailUser = await exchange.findMailUser(email);
  if (mailUser === undefined) {
    const mailbox = await exchange.findMailbox(email);
    if (mailbox !== undefined)
      throw fail("TargetAlreadyMailbox", `${email} is a mailbox in Exchange Online already`);
    throw fail("MailUserNotFound", `no mail user ${email}`);
  }
  const expected = account.source.exchangeGuid?.toLowerCase();
  if (hybrid.mailboxes !== "ArchiveOnly") {
    if (mailUser.exchangeGuid === ZERO_GUID)
      throw fail("ExchangeGuidMissing", `the mail user ${email} has no ExchangeGuid`);
    if (expected !== undefined && mailUser.exchangeGuid !== expected)
      throw fail(
        "ExchangeGuidMismatch",
        `the mail user ${email} has ExchangeGuid ${mailUser.exchangeGuid}, the on-premises mailbox ${expected}`,
      );
  }
  const archive = account.source.archiveGuid?.toLowerCase();
  if (hybrid.mailboxes !== "PrimaryOnly") {
    if (archive !== undefined && mailUser.archiveGuid === ZERO_GUID)
      throw fail("ArchiveGuidMissing", `the mail user ${email} has no ArchiveGuid`);
    if (archive !== undefined && mailUser.archiveGuid !== archive)
      throw fail(
        "ArchiveGuidMismatch",
        `the mail user ${email} has ArchiveGuid ${mailUser.archiveGuid}, the on-premises archive ${archive}`,
      );
    if (hybrid.mailboxes === "ArchiveOnly" && mailUser.archiveGuid === ZERO_GUID)
      throw fail(
        "ArchiveGuidMissing",
        `an archive-only move needs the mail user ${email} to have an ArchiveGuid`,
      );
  }
  if (hybrid.requireLicence) {
    const user = await work.services.target.api.findUser(mailUser.externalDirectoryObjectId ?? email);
    if (user === undefined || (user.assignedLicenses ?? []).length === 0)
      throw fail("TargetNotLicensed", `the target user ${email} has no licence`);
  }
  return mailUser;
}

function mailboxTypeOf(hybrid: HybridSettings): MailboxType | undefined {
  // Per user in the CSV, which overrides the batch; archive-only has no batch-level switch online.
  return hybrid.mailboxes === "ArchiveOnly" ? "ArchiveOnly" : undefined;
}

/** Records that Exchange has the account's move for this attempt; the message is then spent. */
async function recordSubmitted(
  work: MoveWork,
  checkpoint: HybridCheckpoint,
  note: string,
  calls: number,
): Promise<MoveResult> {
  const { services, account, message, invocation } = work;
  const now = services.now();
  const recorded = await services.store.accounts.updateProgress(account.id, account.etag, {
    checkpoint: writeHybridCheckpoint({
      ...checkpoint,
      submittedAttempt: account.attempt,
      submittedAt: now.toISOString(),
      exchangeStatus: "Queued",
    }),
    slice: message.slice,
    at: now,
  });
  // Exchange has the move now: nobody works on the account until the watcher sees it change.
  await services.store.accounts.release(recorded.id, invocation.leaseOwner, now);
  await services.activity.record({
    id: `${account.id}:${account.attempt}:submit:${message.slice}`,
    waveId: account.waveId,
    accountId: account.id,
    kind: "slice",
    at: now.getTime(),
    requests: calls,
    throttled: 0,
    items: 0,
    bytes: 0,
    durationMs: 0,
    detail: note,
  });
  work.log.info("handed to Exchange", { note, invocationId: invocation.invocationId });
  return "submitted";
}

/** Pre-flights a Queued account and puts it in its batch, once. */
export async function submitAccount(work: MoveWork): Promise<MoveResult> {
  const { account, wave, services } = work;
  if (account.status !== "Queued") return "stale";
  const hybrid = hybridOf(wave);
  const { exchange, calls } = counted(exchangeOf(work));
  return throttledAsWait(async () => {
    const now = services.now();
    const email = migrationEmail(account);
    const kept = readHybridCheckpoint(account.checkpoint);
    const planned = kept ?? plannedCheckpoint(batchName(wave.id, undefined, 0), undefined);
    if (planned.submittedAttempt === account.attempt)
      return recordSubmitted(work, planned, "already submitted", calls());
    const unreachable = await checkEndpoint(exchange, wave, hybrid, now);
    if (unreachable !== undefined) {
      await services.store.accounts.updateProgress(account.id, account.etag, {
        checkpoint: writeHybridCheckpoint({
          ...planned,
          waiting: `migration endpoint unreachable: ${unreachable}`,
        }),
        at: now,
      });
      throw new ThrottledError(new Date(now.getTime() + ENDPOINT_RETRY_MS));
    }
    const existing = await exchange.findMigrationUser(email);
    if (existing !== undefined && !isWaveBatch(wave.id, existing.batchId))
      throw fail("MoveAlreadyExists", `${email} is in migration batch ${existing.batchId}`);
    if (existing !== undefined) {
      const ours = {
        ...planned,
        batch: existing.batchId,
        ...(existing.mailboxGuid !== undefined ? { exchangeGuid: existing.mailboxGuid } : {}),
      };
      if (!FAILED_USER_STATUSES.has(existing.status.toLowerCase()))
        // Exchange has it (a crash or a lost answer after it was added): nothing to do again.
        return recordSubmitted(work, ours, `already in ${existing.batchId}`, calls());
      const stats = await exchange.moveStatistics(email);
      if (existing.status.toLowerCase() === "stopped" || resumable(stats?.failureType)) {
        await exchange.startUser(email);
        return recordSubmitted(
          work,
          { ...ours, ...(stats?.failureType !== undefined ? { failureType: stats.failureType } : {}) },
          `resumed after ${stats?.failureType ?? existing.status}`,
          calls(),
        );
      }
      // A failure that will not pass: the move is removed and made again after pre-flight.
      await exchange.removeUser(email);
    }
    const mailUser = await preflight(work, exchange, hybrid);
    // An evening that has begun is no longer this account's (it waits for the watcher to plan it),
    // unless the wave cuts over in the window an account synced in and that window is still open.
    const open = openWindow(wave, now)?.start.toISOString();
    const evening =
      planned.evening !== undefined &&
      (Date.parse(planned.evening) > now.getTime() || (wave.cutoverUnsynced && planned.evening === open))
        ? planned.evening
        : undefined;
    const batch = evening === planned.evening ? planned.batch : batchName(wave.id, undefined, 0);
    try {
      await exchange.addToBatch({
        name: batch,
        endpoint: hybrid.endpoint,
        targetDeliveryDomain: hybrid.targetDeliveryDomain,
        ...(hybrid.archiveDomain !== undefined ? { archiveDomain: hybrid.archiveDomain } : {}),
        primaryOnly: hybrid.mailboxes === "PrimaryOnly",
        completeAfter: completeAfterOf(evening, now),
        users: [
          { email, ...(mailboxTypeOf(hybrid) !== undefined ? { mailboxType: mailboxTypeOf(hybrid) } : {}) },
        ],
      });
    } catch (error) {
      if (error instanceof ExchangeConflictError)
        throw fail("MoveAlreadyExists", `${email} was put in another batch meanwhile (${error.message})`);
      if (error instanceof ExchangeNotFoundError)
        throw fail("MigrationEndpointNotFound", `the batch could not be made: ${error.message}`);
      throw error;
    }
    const {
      waiting: _waiting,
      failureType: _failure,
      exchangeStatus: _status,
      statusDetail: _detail,
      ...rest
    } = planned;
    // An operator's complete now or after given before the move existed applies to it now.
    const override = operatorCompleteAfter(account, wave, evening, now);
    if (override !== undefined) await exchange.setUserCompleteAfter(email, override);
    return recordSubmitted(
      work,
      {
        ...rest,
        batch,
        ...(evening === undefined ? { evening: undefined } : { evening }),
        exchangeGuid: mailUser.exchangeGuid,
        ...(mailUser.externalDirectoryObjectId !== undefined
          ? { targetUserId: mailUser.externalDirectoryObjectId }
          : {}),
        ...(override !== undefined ? { completeAfterSet: override.toISOString() } : {}),
      },
      `added to ${batch}`,
      calls(),
    );
  });
}

/**
 * The CompleteAfter an operator's complete now or after asks for, when it differs from the
 * evening's: the account's own first, then its wave's (an "after" keeps a later evening).
 */
export function operatorCompleteAfter(
  account: Pick<Account, "completeNow" | "completeAfter">,
  wave: Pick<Wave, "completeNow" | "completeAfter">,
  evening: string | undefined,
  now: Date,
): Date | undefined {
  if (account.completeNow !== undefined) return now;
  if (account.completeAfter !== undefined) return new Date(account.completeAfter);
  if (wave.completeNow !== undefined) return now;
  if (wave.completeAfter === undefined) return undefined;
  const after = Date.parse(wave.completeAfter);
  return evening !== undefined && Date.parse(evening) >= after ? undefined : new Date(after);
}

/** Runs the finalize actions of an account whose move Exchange completed, then completes it. */
export async function finishAccount(work: MoveWork): Promise<MoveResult> {
  const { services, wave, invocation } = work;
  let account = work.account;
  const start = readHybridCheckpoint(account.checkpoint);
  if (start === undefined || start.exchangeCompletedAt === undefined) return "stale";
  let checkpoint: HybridCheckpoint = start;
  const state = { ...checkpoint, targetUserId: checkpoint.targetUserId ?? account.target.upn };
  const finalized = await finalizeCutover(services, account, wave, state, async (next) => {
    checkpoint = {
      ...checkpoint,
      finalized: [...next.finalized],
      warnings: [...next.warnings],
      ...(next.noticeDraft ? { noticeDraft: next.noticeDraft } : {}),
    };
    account = await services.store.accounts.updateProgress(account.id, account.etag, {
      checkpoint: writeHybridCheckpoint(checkpoint),
      at: services.now(),
    });
  });
  const notes = [...completionNotes(checkpoint), ...finalized.warnings];
  const to =
    checkpoint.exchangeStatus === "Completed" && notes.length === 0 ? "Completed" : "CompletedWithWarnings";
  account = await services.store.accounts.transition(account.id, account.etag, to, {
    reason:
      notes.length > 0 ? `Exchange completed the move; ${notes.join("; ")}` : "Exchange completed the move",
    actor: invocation.invocationId,
    at: services.now(),
    // CompletedWithWarnings always says what the warnings were, on the account itself.
    update: { stats: { finishedAt: services.now().toISOString(), warnings: notes, waiting: null } },
  });
  await recordOutcome(services, account, "completed", account.status);
  return "completed";
}

/** What an account's completion carries as warnings (skipped items and who approved them). */
export function completionNotes(checkpoint: HybridCheckpoint): string[] {
  if (checkpoint.exchangeStatus === "CompletedWithSkippedItems")
    return [
      `skipped items (data consistency score ${checkpoint.score ?? "unknown"}${checkpoint.approvedBy !== undefined ? `, approved by ${checkpoint.approvedBy}` : ""})`,
    ];
  if (checkpoint.exchangeStatus === "CompletedWithWarning")
    return ["Exchange completed the move with a warning"];
  return [];
}
