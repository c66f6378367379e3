/**
 * Retry of Failed accounts as a new attempt. Each account is moved Failed → Queued (the store
 * starts attempt + 1 at slice 0) and then its first slice is sent, in that order, so a crash in
 * between leaves a Queued account the sweeper re-sends, never a message for an unmarked one. A
 * retry never passes silently: every named account that is not retried is listed with why.
 */
import { nextMoveMessage, type MoveMessage } from "../bus/messages.js";
import type { Account } from "../domain/index.js";
import { IllegalTransitionError, isConflict } from "../store/errors.js";
import { failedAccounts, failureGroupId, failureOf } from "./failures.js";
import { recordAction, type ActionProgress, type Operator } from "./actions/record.js";
import type { AdminPorts } from "./ports.js";
import type { RetryRequest } from "./requests.js";

const PARALLEL = 16;

export interface RetryCandidate {
  readonly accountId: string;
  readonly waveId: string;
  readonly failureClass: string;
  /** The attempt the retry starts. */
  readonly nextAttempt: number;
}

export interface RetrySkip {
  readonly accountId: string;
  readonly why: string;
}

export interface RetryResult {
  readonly dryRun: boolean;
  /** Failed accounts the selection matched (up to the limit). */
  readonly matched: number;
  /** Accounts queued again (or that would be, in a dry run). */
  readonly retried: readonly RetryCandidate[];
  readonly skipped: readonly RetrySkip[];
  /** Why nothing was retried, when nothing was. */
  readonly note?: string;
  readonly actionId?: string;
}

function matches(account: Account, request: RetryRequest): string | undefined {
  const { failureClass, reason } = failureOf(account);
  if (request.waveId !== undefined && account.waveId !== request.waveId)
    return `is in wave ${account.waveId}`;
  if (request.failureClass !== undefined && failureClass !== request.failureClass)
    return `failed with ${failureClass}`;
  if (request.group !== undefined && failureGroupId(failureClass, reason) !== request.group)
    return "is in another failure group";
  return undefined;
}

async function select(
  ports: AdminPorts,
  request: RetryRequest,
): Promise<{ candidates: Account[]; skipped: RetrySkip[] }> {
  const limit = request.limit ?? Number.POSITIVE_INFINITY;
  const candidates: Account[] = [];
  const skipped: RetrySkip[] = [];
  if (request.accountIds !== undefined) {
    for (const accountId of new Set(request.accountIds)) {
      const account = await ports.store.accounts.find(accountId);
      if (account === undefined) skipped.push({ accountId, why: "does not exist" });
      else if (account.status !== "Failed")
        skipped.push({ accountId, why: `is ${account.status}, not Failed` });
      else {
        const mismatch = matches(account, request);
        if (mismatch !== undefined) skipped.push({ accountId, why: `${mismatch}, outside the selection` });
        else if (candidates.length < limit) candidates.push(account);
      }
    }
    return { candidates, skipped };
  }
  if (request.waveId !== undefined) await ports.store.waves.get(request.waveId);
  for await (const account of failedAccounts(ports, request.waveId)) {
    if (candidates.length >= limit) break;
    if (matches(account, request) === undefined) candidates.push(account);
  }
  return { candidates, skipped };
}

function candidate(account: Account): RetryCandidate {
  return {
    accountId: account.id,
    waveId: account.waveId,
    failureClass: failureOf(account).failureClass,
    nextAttempt: account.attempt + 1,
  };
}

async function requeue(
  ports: AdminPorts,
  accounts: readonly Account[],
  operator: Operator,
  progress: ActionProgress,
  onRetried?: (done: number) => void,
): Promise<{ retried: RetryCandidate[]; skipped: RetrySkip[] }> {
  const retried: RetryCandidate[] = [];
  const skipped: RetrySkip[] = [];
  for (let start = 0; start < accounts.length; start += PARALLEL) {
    const chunk = accounts.slice(start, start + PARALLEL);
    const queued = await Promise.all(
      chunk.map(async (account) => {
        try {
          return await ports.store.accounts.transition(account.id, account.etag, "Queued", {
            reason: `retried by ${operator.actor}`,
            actor: operator.actor,
            at: ports.now(),
          });
        } catch (error) {
          // Someone else moved the account meanwhile; it is reported, not retried blindly.
          if (isConflict(error) || error instanceof IllegalTransitionError) {
            skipped.push({ accountId: account.id, why: "changed while the retry ran; look at it again" });
            return undefined;
          }
          throw error;
        }
      }),
    );
    const messages: MoveMessage[] = [];
    for (const account of queued) {
      if (account === undefined) continue;
      messages.push(nextMoveMessage(account));
      retried.push({
        accountId: account.id,
        waveId: account.waveId,
        failureClass: failureOf(account).failureClass,
        nextAttempt: account.attempt,
      });
    }
    if (messages.length > 0) await ports.moves.send(messages);
    progress.count += messages.length;
    onRetried?.(progress.count);
  }
  return { retried, skipped };
}

/**
 * Opens again the Completed waves of retried accounts, so that the scheduler cuts them over. Done
 * after the accounts left Failed: a wave is only completed while all its accounts are settled.
 */
async function reopenWaves(ports: AdminPorts, retried: readonly RetryCandidate[]): Promise<void> {
  for (const waveId of new Set(retried.map((account) => account.waveId))) {
    const wave = await ports.store.waves.get(waveId);
    if (wave.status === "Completed") await ports.store.waves.updateStatus(waveId, "Active", ports.now());
  }
}

/** Retries the Failed accounts a request selects; a dry run only lists them. */
export async function retryFailed(
  ports: AdminPorts,
  request: RetryRequest,
  operator: Operator,
  options: { readonly onRetried?: (done: number, total: number) => void } = {},
): Promise<RetryResult> {
  const { candidates, skipped } = await select(ports, request);
  const note =
    candidates.length === 0
      ? skipped.length > 0
        ? "none of the named accounts can be retried"
        : "no Failed account matches the selection"
      : undefined;
  if (request.dryRun === true || candidates.length === 0) {
    return {
      dryRun: request.dryRun === true,
      matched: candidates.length,
      retried: candidates.map(candidate),
      skipped,
      ...(note !== undefined ? { note } : {}),
    };
  }
  const target = request.waveId !== undefined ? `wave ${request.waveId}` : "failed accounts";
  const { result, actionId } = await recordAction(
    ports,
    operator,
    { action: "retry", target, filter: { ...request } },
    async (progress) => {
      const outcome = await requeue(ports, candidates, operator, progress, (done) =>
        options.onRetried?.(done, candidates.length),
      );
      await reopenWaves(ports, outcome.retried);
      return outcome;
    },
    (outcome) => ({
      outcome: "completed",
      ...(outcome.skipped.length > 0 ? { detail: `${outcome.skipped.length} changed meanwhile` } : {}),
    }),
  );
  return {
    dryRun: false,
    matched: candidates.length,
    retried: result.retried,
    skipped: [...skipped, ...result.skipped],
    actionId,
  };
}
