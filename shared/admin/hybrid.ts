/**
 * Operators and hybrid waves: creating the migration endpoint (the one place the on-premises
 * credential passes, straight to Exchange), approving skipped items of an account or of a wave's
 * accounts with a given data consistency score, complete now or after as CompleteAfter changes in
 * Exchange, and why a hybrid wave's accounts wait. Every change goes through the operator-actions
 * log, and a credential never reaches it.
 */
import { ConfigError } from "../config/errors.js";
import type { Account, ConsistencyScore, Wave } from "../domain/index.js";
import { readHybridCheckpoint, writeHybridCheckpoint } from "../mover/hybrid/checkpoint.js";
import { eveningOfBatch, isWaveBatch } from "../mover/hybrid/plan.js";
import { migrationEmail } from "../mover/hybrid/submit.js";
import { needsApproval } from "../mover/hybrid/watch.js";
import type { EndpointFacts, HybridExchange, NewEndpointRequest } from "../exchange/port.js";
import { ValidationError } from "../errors.js";
import { mapLimit } from "../store/concurrency.js";
import { accountView, type AccountView } from "./account.js";
import { recordAction, type Operator } from "./actions/record.js";
import { AccountClosedError } from "./errors.js";
import type { AdminPorts } from "./ports.js";
import { waveAccounts } from "./users.js";

const PARALLEL = 4;

/** The Exchange port, or the refusal that names the settings hybrid waves need. */
export function requireExchange(ports: Pick<AdminPorts, "exchange">): HybridExchange {
  if (ports.exchange === undefined)
    throw new ConfigError(
      "EXCHANGE_TENANT_ID",
      "hybrid waves need the EXCHANGE_* settings of an app with Exchange.ManageAsApp and an Exchange role",
    );
  return ports.exchange;
}

function requireHybrid(wave: Wave, operation: string): void {
  if (wave.engine !== "hybrid")
    throw new ValidationError(
      `wave ${wave.id}`,
      `${operation} applies to hybrid waves; this wave copies through Graph`,
    );
}

/** `mailferry endpoint create`: New-MigrationEndpoint with the credential given once. */
export async function createEndpoint(
  ports: AdminPorts,
  request: NewEndpointRequest,
  operator: Operator,
): Promise<{ readonly endpoint: EndpointFacts; readonly actionId: string }> {
  const exchange = requireExchange(ports);
  const { result, actionId } = await recordAction(
    ports,
    operator,
    {
      action: "endpoint.create",
      target: `endpoint ${request.name}`,
      // What the record says: never the password.
      filter: {
        remoteServer: request.remoteServer,
        userName: request.userName,
        ...(request.maxConcurrentMigrations !== undefined
          ? { maxConcurrentMigrations: request.maxConcurrentMigrations }
          : {}),
        ...(request.maxConcurrentIncrementalSyncs !== undefined
          ? { maxConcurrentIncrementalSyncs: request.maxConcurrentIncrementalSyncs }
          : {}),
      },
    },
    async (progress) => {
      const endpoint = await exchange.createEndpoint(request);
      progress.count = 1;
      return endpoint;
    },
    (endpoint) => ({
      outcome: "completed",
      detail: `MaxConcurrentMigrations ${endpoint.maxConcurrentMigrations}, MaxConcurrentIncrementalSyncs ${endpoint.maxConcurrentIncrementalSyncs}`,
    }),
  );
  return { endpoint: result, actionId };
}

/** Approves one account's skipped items in Exchange and records who did. */
async function approve(
  ports: AdminPorts,
  exchange: HybridExchange,
  account: Account,
  by: string,
): Promise<Account> {
  const checkpoint = readHybridCheckpoint(account.checkpoint);
  if (checkpoint === undefined || checkpoint.submittedAttempt !== account.attempt)
    throw new AccountClosedError(account.id, account.status, "approve", "Exchange has no move for it yet");
  await exchange.approveSkippedItems(migrationEmail(account));
  const now = ports.now();
  return ports.store.accounts.updateProgress(account.id, account.etag, {
    checkpoint: writeHybridCheckpoint({
      ...checkpoint,
      approvedAt: now.toISOString(),
      approvedBy: by,
      waiting: undefined,
    }),
    at: now,
  });
}

/** `mailferry account approve`: the account's skipped items are approved, so Exchange may complete it. */
export async function approveAccount(
  ports: AdminPorts,
  accountId: string,
  body: { readonly reason?: string },
  operator: Operator,
): Promise<{ readonly account: AccountView; readonly actionId: string }> {
  const exchange = requireExchange(ports);
  const { result, actionId } = await recordAction(
    ports,
    operator,
    {
      action: "account.approve",
      target: `account ${accountId}`,
      filter: body.reason !== undefined ? { reason: body.reason } : {},
    },
    async (progress) => {
      const account = await ports.store.accounts.get(accountId);
      requireHybrid(await ports.store.waves.get(account.waveId), "approving skipped items");
      if (account.status !== "Synced" && account.status !== "Syncing" && account.status !== "Completing")
        throw new AccountClosedError(
          accountId,
          account.status,
          "approve",
          "only a move in Exchange has skipped items to approve",
        );
      const approved = await approve(ports, exchange, account, operator.actor);
      progress.count = 1;
      return approved;
    },
    (account) => ({
      outcome: "completed",
      detail: `skipped items approved (data consistency score ${readHybridCheckpoint(account.checkpoint)?.score ?? "unknown"})`,
    }),
  );
  return { account: accountView(result), actionId };
}

/** `mailferry wave approve --score`: approves every synced account of the wave with that score. */
export async function approveWave(
  ports: AdminPorts,
  waveId: string,
  body: { readonly score: ConsistencyScore; readonly reason?: string },
  operator: Operator,
): Promise<{ readonly approved: number; readonly actionId: string }> {
  const exchange = requireExchange(ports);
  const { result, actionId } = await recordAction(
    ports,
    operator,
    {
      action: "wave.approve",
      target: `wave ${waveId}`,
      filter: { score: body.score, ...(body.reason !== undefined ? { reason: body.reason } : {}) },
    },
    async (progress) => {
      requireHybrid(await ports.store.waves.get(waveId), "approving skipped items");
      const waiting: Account[] = [];
      for await (const account of waveAccounts(ports, waveId, ["Synced"])) {
        const checkpoint = readHybridCheckpoint(account.checkpoint);
        if (
          checkpoint?.score === body.score &&
          needsApproval(checkpoint.score) &&
          checkpoint.approvedAt === undefined
        )
          waiting.push(account);
      }
      await mapLimit(waiting, PARALLEL, async (account) => {
        await approve(ports, exchange, account, operator.actor);
        progress.count += 1;
      });
      return progress.count;
    },
    (approved) => ({ outcome: "completed", detail: `${approved} accounts approved` }),
  );
  return { approved: result, actionId };
}

/**
 * An account's complete now or after, in Exchange: the user's CompleteAfter is set to now or to
 * the time given (Exchange's own semantics: it completes once synced after that time). An account
 * not yet in Exchange gets it when it is submitted.
 */
export async function completeHybridAccount(ports: AdminPorts, account: Account): Promise<Account> {
  const wave = await ports.store.waves.get(account.waveId);
  if (wave.engine !== "hybrid") return account;
  const checkpoint = readHybridCheckpoint(account.checkpoint);
  if (checkpoint === undefined || checkpoint.submittedAttempt !== account.attempt) return account;
  const at =
    account.completeNow !== undefined
      ? new Date(account.completeNow)
      : account.completeAfter !== undefined
        ? new Date(account.completeAfter)
        : undefined;
  if (at === undefined) return account;
  await requireExchange(ports).setUserCompleteAfter(migrationEmail(account), at);
  return ports.store.accounts.updateProgress(account.id, account.etag, {
    checkpoint: writeHybridCheckpoint({ ...checkpoint, completeAfterSet: at.toISOString() }),
    at: ports.now(),
  });
}

/**
 * A wave's complete now or after, in Exchange: every batch of the wave gets CompleteAfter now, or
 * its evening or the time given, whichever is later; accounts whose own CompleteAfter mailferry had
 * moved get the same. Accounts with their own complete now or after keep theirs.
 */
export async function completeHybridWave(ports: AdminPorts, wave: Wave): Promise<number> {
  if (wave.engine !== "hybrid") return 0;
  const exchange = requireExchange(ports);
  const now = ports.now();
  const after = wave.completeAfter !== undefined ? new Date(wave.completeAfter) : undefined;
  const when = (evening: Date | undefined): Date =>
    wave.completeNow !== undefined || after === undefined
      ? now
      : evening !== undefined && evening.getTime() > after.getTime()
        ? evening
        : after;
  const batches = (await exchange.listBatches()).filter((batch) => isWaveBatch(wave.id, batch.identity));
  await mapLimit(batches, PARALLEL, (batch) =>
    exchange.setBatchCompleteAfter(batch.identity, when(eveningOfBatch(batch.identity))),
  );
  let changed = batches.length;
  for (const status of ["Queued", "Syncing", "Synced"] as const) {
    const moved: Account[] = [];
    for await (const account of waveAccounts(ports, wave.id, [status])) {
      const checkpoint = readHybridCheckpoint(account.checkpoint);
      if (account.completeNow !== undefined || account.completeAfter !== undefined) continue;
      if (checkpoint?.completeAfterSet !== undefined && checkpoint.submittedAttempt === account.attempt)
        moved.push(account);
    }
    await mapLimit(moved, PARALLEL, async (account) => {
      const checkpoint = readHybridCheckpoint(account.checkpoint);
      if (checkpoint === undefined) return;
      const at = when(checkpoint.evening !== undefined ? new Date(checkpoint.evening) : undefined);
      await exchange.setUserCompleteAfter(migrationEmail(account), at);
      await ports.store.accounts.updateProgress(account.id, account.etag, {
        checkpoint: writeHybridCheckpoint({ ...checkpoint, completeAfterSet: at.toISOString() }),
        at: now,
      });
      changed += 1;
    });
  }
  return changed;
}

/** Why a hybrid wave's accounts wait, by reason (what the watcher recorded), from up to `limit` accounts. */
export async function hybridWaiting(
  ports: AdminPorts,
  waveId: string,
  limit = 5_000,
): Promise<Record<string, number>> {
  const reasons: Record<string, number> = {};
  let read = 0;
  for (const status of ["Queued", "Syncing", "Synced"] as const) {
    for await (const account of waveAccounts(ports, waveId, [status])) {
      const checkpoint = readHybridCheckpoint(account.checkpoint);
      const reason =
        checkpoint?.waiting ??
        (status === "Synced"
          ? checkpoint?.evening !== undefined || checkpoint?.completeAfterSet !== undefined
            ? `waits for its evening (CompleteAfter ${checkpoint.completeAfterSet ?? checkpoint.evening ?? ""})`
            : "waits for an evening with room"
          : undefined);
      if (reason !== undefined) reasons[reason] = (reasons[reason] ?? 0) + 1;
      read += 1;
      if (read >= limit) return reasons;
    }
  }
  return reasons;
}
