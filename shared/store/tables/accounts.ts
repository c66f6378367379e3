import { odata, RestError, type TableClient, type TransactionAction } from "@azure/data-tables";
import {
  type Account,
  type AccountRecord,
  type AccountStatus,
  applyClaim,
  applyProgress,
  applyRelease,
  applyTransition,
  type AuditRecord,
  countAccounts,
  type CountsDelta,
  countsDelta,
  type ImportedAccount,
  mergeDeltas,
  newAccount,
  parseAccountId,
  planReimport,
  type ProgressUpdate,
  type WaveCounts,
} from "../../domain/index.js";
import { LeaseHeldError } from "../../domain/errors.js";
import { ValidationError } from "../../errors.js";
import { mapLimit } from "../concurrency.js";
import {
  ConcurrencyConflictError,
  ContentionError,
  isConflict,
  NotFoundError,
  StoreUnavailableError,
} from "../errors.js";
import {
  decodeScanToken,
  decodeToken,
  encodeScanToken,
  encodeToken,
  idFromListingKey,
  listingPrefix,
  pageLimit,
  type ScanPosition,
} from "../listing.js";
import type {
  AccountRepository,
  ClaimOptions,
  ImportOutcome,
  ImportResult,
  Page,
  PageRequest,
  TransitionRequest,
} from "../port.js";
import { retrying, statusOf } from "../retry.js";
import { checkImportBatch } from "../validation.js";
import { failedAction, isRowConflict, storageFailure, submitBatch } from "./batch.js";
import { type CounterAction, CounterShards } from "./counters.js";
import { accountEntity, accountFrom, auditEntity, auditFrom } from "./entities.js";
import { appendRecord, historyEntity, parseHistory, storedHistory } from "./history.js";
import {
  accountRowKey,
  ACCOUNT_PREFIX,
  allPartitions,
  auditPrefix,
  INDEX_PREFIX,
  indexRowKey,
  MAX_BATCH_ACTIONS,
  partitionOf,
  prefixEnd,
} from "./keys.js";

type Row = Record<string, unknown>;
/** What each action of a transaction touches, to tell whose conflict a refusal was. */
type ActionKind = "account" | "audit" | "index" | "counter";

const READ_CONCURRENCY = 16;
/**
 * Import transactions in flight at once. Two keep the table service busy while the next chunk is
 * planned; more only queue there. On Azurite, whose one thread runs every request in turn, each
 * one queued ahead of an operator's read (status, the dashboard) delays it: with eight, a status
 * during a 100,000-row import took up to 23 s. On Table Storage two still write about 3,000
 * accounts a second (at ~30 ms a transaction of ~49 accounts).
 */
const IMPORT_BATCH_CONCURRENCY = 2;
/** Accounts remembered as last read or written; beyond this the oldest are forgotten. */
const KNOWN_ACCOUNTS = 50_000;
/**
 * Actions per account of a status change: the account (with its recent history), two listing
 * rows, and usually at most one audit row spilled from the history.
 */
const ACTIONS_PER_TRANSITION = 4;

interface PlannedRow {
  readonly index: number;
  readonly id: string;
  readonly input: ImportedAccount;
}

export class TablesAccounts implements AccountRepository {
  /** Whether recent imports met existing accounts: then rows are read before writing. */
  private importReadsFirst = false;
  /**
   * Each account as this process last read or wrote it. An entry stands in for a read only when
   * its ETag is the one the caller expects, and then it is exactly the stored row; a stale entry
   * only costs the refused write it leads to.
   */
  private readonly known = new Map<string, Account>();
  /**
   * The audit records kept in each account version's row, as stored, for every version this
   * process read or wrote: a write replaces the whole row, so it must carry them over.
   */
  private readonly histories = new WeakMap<Account, string>();

  constructor(
    private readonly table: TableClient,
    private readonly counters: CounterShards,
  ) {}

  private remember(account: Account, history: string): Account {
    this.histories.set(account, history);
    this.known.delete(account.id);
    this.known.set(account.id, account);
    if (this.known.size > KNOWN_ACCOUNTS) {
      const oldest = this.known.keys().next();
      if (oldest.done !== true) this.known.delete(oldest.value);
    }
    return account;
  }

  private async read(accountId: string): Promise<Account | undefined> {
    try {
      const row = await this.table.getEntity<Row>(partitionOf(accountId), accountRowKey(accountId));
      return this.remember(accountFrom(row), storedHistory(row));
    } catch (error) {
      if (statusOf(error) === 404) {
        this.known.delete(accountId);
        return undefined;
      }
      throw storageFailure(`reading account ${accountId}`, error);
    }
  }

  async find(accountId: string): Promise<Account | undefined> {
    return this.read(parseAccountId(accountId));
  }

  async peek(accountId: string): Promise<Account | undefined> {
    const id = parseAccountId(accountId);
    return this.known.get(id) ?? (await this.read(id));
  }

  async get(accountId: string): Promise<Account> {
    const account = await this.find(accountId);
    if (account === undefined) throw new NotFoundError("account", accountId);
    return account;
  }

  /**
   * Commits `actions` plus the counter writes for `deltas` in one transaction. A refused counter
   * write becomes ContentionError (retried by the caller's loop); a refused account or audit
   * write means someone else changed the account first.
   */
  private async commit(
    accountId: string,
    actions: TransactionAction[],
    kinds: ActionKind[],
    deltas: readonly CountsDelta[],
  ): Promise<(string | undefined)[]> {
    const partition = partitionOf(accountId);
    const counterActions: CounterAction[] = await this.counters.prepare(partition, deltas);
    const all = [...actions, ...counterActions.map((prepared) => prepared.action)];
    const allKinds: ActionKind[] = [...kinds, ...counterActions.map((): ActionKind => "counter")];
    try {
      const etags = await submitBatch(this.table, all);
      this.counters.committed(counterActions, etags.slice(actions.length));
      return etags;
    } catch (error) {
      this.counters.forget(counterActions);
      if (!isRowConflict(error)) throw storageFailure(`writing account ${accountId}`, error);
      const index = failedAction(error);
      const kind = index === undefined ? undefined : allKinds[index];
      if (kind === "account" || kind === "audit") {
        // What this process remembers of it is out of date: the next write reads it again.
        this.known.delete(accountId);
        throw new ConcurrencyConflictError("account", accountId, { cause: error });
      }
      if (kind === "index") {
        const message = `the listing row of account ${accountId} is out of step with the account`;
        throw new StoreUnavailableError(message, { cause: error });
      }
      // A counter shard moved on (or the refusal named no action): read again and retry.
      throw new ContentionError(`wave counters changed while writing account ${accountId}`, { cause: error });
    }
  }

  /** The history kept in the row of `account` (as stored), a version this process read or wrote. */
  private historyOf(account: Account): string {
    const history = this.histories.get(account);
    if (history !== undefined) return history;
    const known = this.known.get(account.id);
    const knownHistory = known?.etag === account.etag && known ? this.histories.get(known) : undefined;
    if (knownHistory !== undefined) return knownHistory;
    // A copy made elsewhere: read the row again rather than write it without its history.
    throw new ContentionError(`account ${account.id} must be read again before it is written`);
  }

  /**
   * The account at `expectedEtag` to write over: `given` (a version this adapter handed out, say
   * from a scan) or the remembered one when either is that version, else read (and checked).
   */
  private async readForUpdate(accountId: string, expectedEtag: string, given?: Account): Promise<Account> {
    if (given?.id === accountId && given.etag === expectedEtag && this.histories.has(given)) return given;
    const known = this.known.get(accountId);
    if (known?.etag === expectedEtag) return known;
    const current = await this.read(accountId);
    if (current === undefined) throw new NotFoundError("account", accountId);
    if (current.etag !== expectedEtag) throw new ConcurrencyConflictError("account", accountId);
    return current;
  }

  async transition(
    accountId: string,
    expectedEtag: string,
    to: AccountStatus,
    request: TransitionRequest,
  ): Promise<Account> {
    parseAccountId(accountId);
    return retrying(`transition of account ${accountId}`, async () => {
      const current = await this.readForUpdate(accountId, expectedEtag);
      const { next, audit } = applyTransition(current, to, request);
      const actions: TransactionAction[] = [];
      const kinds: ActionKind[] = [];
      const kept = addTransition(actions, kinds, current, next, audit, this.historyOf(current));
      const etags = await this.commit(accountId, actions, kinds, countsDelta(current, next));
      return this.remember({ ...next, etag: etags[0] ?? "" }, kept);
    });
  }

  async transitionMany(
    accounts: readonly Account[],
    to: AccountStatus,
    request: TransitionRequest,
  ): Promise<(Account | undefined)[]> {
    const byPartition = new Map<string, number[]>();
    accounts.forEach((account, index) => {
      const partition = partitionOf(parseAccountId(account.id));
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), index]);
    });
    // Room for one counter write per wave in each transaction.
    const waves = new Set(accounts.map((account) => account.waveId)).size;
    const perTransaction = Math.max(1, Math.floor((MAX_BATCH_ACTIONS - waves) / ACTIONS_PER_TRANSITION));
    const chunks: number[][] = [];
    for (const indexes of byPartition.values())
      for (let start = 0; start < indexes.length; start += perTransaction)
        chunks.push(indexes.slice(start, start + perTransaction));
    const results = new Array<Account | undefined>(accounts.length);
    await mapLimit(chunks, IMPORT_BATCH_CONCURRENCY, async (chunk) => {
      const members = chunk.flatMap((index) => {
        const account = accounts[index];
        return account === undefined ? [] : [account];
      });
      const written = await this.transitionChunk(members, to, request);
      chunk.forEach((index, i) => {
        results[index] = written[i];
      });
    });
    return results;
  }

  /** One partition's share of transitionMany: one transaction, or one by one after a conflict. */
  private async transitionChunk(
    members: readonly Account[],
    to: AccountStatus,
    request: TransitionRequest,
  ): Promise<(Account | undefined)[]> {
    const first = members[0];
    if (first === undefined) return [];
    const one = async (account: Account): Promise<Account | undefined> => {
      try {
        return await this.transition(account.id, account.etag, to, request);
      } catch (error) {
        if (isConflict(error)) return undefined;
        throw error;
      }
    };
    const oneByOne = async (): Promise<(Account | undefined)[]> => {
      const out: (Account | undefined)[] = [];
      for (const account of members) out.push(await one(account));
      return out;
    };
    if (members.length === 1) return [await one(first)];
    try {
      const written = await retrying(`transition of ${members.length} accounts`, async () => {
        const actions: TransactionAction[] = [];
        const kinds: ActionKind[] = [];
        const deltas: CountsDelta[] = [];
        const planned: { next: AccountRecord; at: number; kept: string }[] = [];
        for (const member of members) {
          const current = await this.readForUpdate(member.id, member.etag, member);
          const { next, audit } = applyTransition(current, to, request);
          const at = actions.length;
          const kept = addTransition(actions, kinds, current, next, audit, this.historyOf(current));
          deltas.push(...countsDelta(current, next));
          planned.push({ next, at, kept });
        }
        const merged = mergeDeltas(deltas);
        // Long histories spilling more than one record each: too much for one transaction.
        if (actions.length + merged.length > MAX_BATCH_ACTIONS) return undefined;
        const etags = await this.commit(first.id, actions, kinds, merged);
        return planned.map(({ next, at, kept }) => this.remember({ ...next, etag: etags[at] ?? "" }, kept));
      });
      return written ?? (await oneByOne());
    } catch (error) {
      // One of them changed since it was read: each on its own, so the others still move.
      if (!isConflict(error)) throw error;
      for (const account of members) this.known.delete(account.id);
      return oneByOne();
    }
  }

  private async replaceIfUnchanged(current: Account, next: AccountRecord): Promise<Account> {
    const history = this.historyOf(current);
    try {
      const response = await this.table.updateEntity(accountRow(next, history), "Replace", {
        etag: current.etag,
      });
      return this.remember({ ...next, etag: response.etag ?? "" }, history);
    } catch (error) {
      this.known.delete(current.id);
      if (statusOf(error) === 412)
        throw new ContentionError(`account ${current.id} changed`, { cause: error });
      if (statusOf(error) === 404) throw new NotFoundError("account", current.id, { cause: error });
      throw storageFailure(`writing account ${current.id}`, error);
    }
  }

  async claim(
    accountId: string,
    owner: string,
    leaseMs: number,
    now: Date,
    options: ClaimOptions = {},
  ): Promise<Account> {
    let remembered = this.known.get(parseAccountId(accountId));
    if (options.ifEtag !== undefined) {
      const current = remembered?.etag === options.ifEtag ? remembered : await this.get(accountId);
      if (current.etag !== options.ifEtag) throw new ConcurrencyConflictError("account", accountId);
      try {
        return await this.replaceIfUnchanged(current, applyClaim(current, owner, leaseMs, now));
      } catch (error) {
        if (error instanceof ContentionError)
          throw new ConcurrencyConflictError("account", accountId, { cause: error });
        throw error;
      }
    }
    return retrying(`claim of account ${accountId}`, async () => {
      const current = remembered ?? (await this.get(accountId));
      const fromMemory = remembered !== undefined;
      remembered = undefined;
      let next: AccountRecord;
      try {
        next = applyClaim(current, owner, leaseMs, now);
      } catch (error) {
        // A remembered lease may be over by now: decide on the stored row.
        if (fromMemory && error instanceof LeaseHeldError)
          throw new ContentionError(`account ${accountId} may have changed`, { cause: error });
        throw error;
      }
      return this.replaceIfUnchanged(current, next);
    });
  }

  async release(accountId: string, owner: string, now: Date): Promise<Account> {
    let remembered = this.known.get(parseAccountId(accountId));
    return retrying(`release of account ${accountId}`, async () => {
      const current = remembered ?? (await this.get(accountId));
      const fromMemory = remembered !== undefined;
      remembered = undefined;
      const next = applyRelease(current, owner, now);
      if (next !== undefined) return this.replaceIfUnchanged(current, next);
      // Not held by `owner` as remembered: answer with the stored row.
      if (fromMemory) throw new ContentionError(`account ${accountId} may have changed`);
      return current;
    });
  }

  async updateProgress(accountId: string, expectedEtag: string, update: ProgressUpdate): Promise<Account> {
    parseAccountId(accountId);
    return retrying(`progress of account ${accountId}`, async () => {
      const current = await this.readForUpdate(accountId, expectedEtag);
      const next = applyProgress(current, update);
      const deltas = countsDelta(current, next);
      const history = this.historyOf(current);
      const actions: TransactionAction[] = [
        ["update", accountRow(next, history), "Replace", { etag: expectedEtag }],
      ];
      const etags = await this.commit(accountId, actions, ["account"], deltas);
      return this.remember({ ...next, etag: etags[0] ?? "" }, history);
    });
  }

  async history(accountId: string): Promise<AuditRecord[]> {
    const id = parseAccountId(accountId);
    // The row first: a record spilled after this read is in the row as read.
    const account = await this.read(id);
    if (account === undefined) return [];
    const kept = parseHistory(this.historyOf(account), id);
    const firstKept = kept[0]?.seq ?? account.transitions + 1;
    if (firstKept <= 1) return [...kept];
    const prefix = auditPrefix(id);
    const filter = odata`PartitionKey eq ${partitionOf(id)} and RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`;
    const spilled: AuditRecord[] = [];
    try {
      for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } })) {
        const record = auditFrom(row);
        if (record.seq < firstKept) spilled.push(record);
      }
    } catch (error) {
      throw storageFailure(`reading the history of account ${accountId}`, error);
    }
    return [...spilled.sort((a, b) => a.seq - b.seq), ...kept];
  }

  /** Up to `limit` listing keys of one partition after `after`, in key order. */
  private async listingKeys(
    partition: string,
    lower: string,
    inclusive: boolean,
    upper: string,
    limit: number,
  ) {
    const filter = inclusive
      ? odata`PartitionKey eq ${partition} and RowKey ge ${lower} and RowKey lt ${upper}`
      : odata`PartitionKey eq ${partition} and RowKey gt ${lower} and RowKey lt ${upper}`;
    const keys: string[] = [];
    const pages = this.table
      .listEntities<Row>({ queryOptions: { filter, select: ["RowKey"] } })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of pages) {
      for (const row of page) if (row.rowKey !== undefined) keys.push(row.rowKey);
      if (keys.length >= limit) break;
    }
    return keys.slice(0, limit);
  }

  async listByStatus(waveId: string, status: AccountStatus, page?: PageRequest): Promise<Page<Account>> {
    const limit = pageLimit(page);
    const prefix = listingPrefix(waveId, status);
    const after = decodeToken(page?.continuationToken, prefix);
    const lower = `${INDEX_PREFIX}${after ?? prefix}`;
    const upper = `${INDEX_PREFIX}${prefixEnd(prefix)}`;
    let keys: string[];
    try {
      // One more than a page from each partition tells exactly whether anything follows the page.
      const perPartition = await mapLimit(allPartitions(), READ_CONCURRENCY, (partition) =>
        this.listingKeys(partition, lower, after === undefined, upper, limit + 1),
      );
      keys = perPartition.flat().sort();
    } catch (error) {
      throw storageFailure(`listing ${status} accounts of wave ${waveId}`, error);
    }
    const pageKeys = keys.slice(0, limit);
    const accounts = await mapLimit(pageKeys, READ_CONCURRENCY, (key) => this.read(idFromListingKey(key)));
    const items = accounts.filter(
      (account): account is Account => account?.status === status && account.waveId === waveId,
    );
    const last = pageKeys[pageKeys.length - 1];
    return keys.length > limit && last !== undefined
      ? { items, continuationToken: encodeToken(last.slice(INDEX_PREFIX.length)) }
      : { items };
  }

  async scanByStatus(waveId: string, status: AccountStatus, page?: PageRequest): Promise<Page<Account>> {
    const limit = pageLimit(page);
    const partitions = allPartitions();
    let position: ScanPosition = decodeScanToken(page?.continuationToken, waveId, status);
    // The service's own token, until a page answers: one it cannot take was not one of its own.
    let foreign = position.within !== undefined;
    const items: Account[] = [];
    try {
      // Partition by partition, the service filtering the account rows: one request a page.
      while (position.partition < partitions.length && items.length < limit) {
        const partition = partitions[position.partition] ?? "";
        const filter = odata`PartitionKey eq ${partition} and RowKey ge ${ACCOUNT_PREFIX} and RowKey lt ${prefixEnd(ACCOUNT_PREFIX)} and waveId eq ${waveId} and status eq ${status}`;
        const next = await this.table
          .listEntities<Row>({ queryOptions: { filter } })
          .byPage({
            maxPageSize: limit - items.length,
            ...(position.within === undefined ? {} : { continuationToken: position.within }),
          })
          .next();
        foreign = false;
        const rows = next.done === true ? undefined : next.value;
        for (const row of rows ?? []) {
          // Not remembered: a scan of a large wave would push out the accounts being worked on.
          // A write of a scanned version still needs no read first (see readForUpdate).
          const account = accountFrom(row);
          this.histories.set(account, storedHistory(row));
          items.push(account);
        }
        position =
          rows?.continuationToken === undefined
            ? { partition: position.partition + 1 }
            : { partition: position.partition, within: rows.continuationToken };
      }
    } catch (error) {
      if (foreign && !(error instanceof RestError))
        throw new ValidationError("continuationToken", "does not belong to this scan");
      throw storageFailure(`scanning ${status} accounts of wave ${waveId}`, error);
    }
    return position.partition < partitions.length
      ? { items, continuationToken: encodeScanToken(waveId, status, position) }
      : { items };
  }

  /** Totals of one wave's accounts in one partition, counted row by row (for repairs). */
  async recount(partition: string, waveId: string): Promise<WaveCounts> {
    const filter = odata`PartitionKey eq ${partition} and RowKey ge ${ACCOUNT_PREFIX} and RowKey lt ${prefixEnd(ACCOUNT_PREFIX)} and waveId eq ${waveId}`;
    const accounts: Account[] = [];
    try {
      for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } }))
        accounts.push(accountFrom(row));
    } catch (error) {
      throw storageFailure(`recounting wave ${waveId}`, error);
    }
    return countAccounts(waveId, accounts);
  }

  async upsertImported(accounts: readonly ImportedAccount[], now: Date): Promise<ImportResult[]> {
    const ids = checkImportBatch(accounts);
    const byPartition = new Map<string, PlannedRow[]>();
    accounts.forEach((input, index) => {
      const id = ids[index] ?? "";
      const rows = byPartition.get(partitionOf(id)) ?? [];
      rows.push({ index, id, input });
      byPartition.set(partitionOf(id), rows);
    });
    // Sized for new accounts (account and listing row each, one counter write per wave); a chunk
    // whose plan turns out larger (re-imports moving waves) is split when it is written.
    const perPartition: PlannedRow[][][] = [];
    for (const rows of byPartition.values()) {
      const chunks: PlannedRow[][] = [];
      perPartition.push(chunks);
      let chunk: PlannedRow[] = [];
      let waves = new Set<string>();
      for (const row of rows) {
        const waveCount = waves.has(row.input.waveId) ? waves.size : waves.size + 1;
        if (chunk.length > 0 && 2 * (chunk.length + 1) + waveCount > MAX_BATCH_ACTIONS) {
          chunks.push(chunk);
          chunk = [];
          waves = new Set();
        }
        chunk.push(row);
        waves.add(row.input.waveId);
      }
      if (chunk.length > 0) chunks.push(chunk);
    }
    // Round-robin over partitions, so the chunks written at the same time rarely share counter rows.
    const chunks: PlannedRow[][] = [];
    for (let round = 0; chunks.length < perPartition.reduce((sum, list) => sum + list.length, 0); round++) {
      for (const list of perPartition) {
        const chunk = list[round];
        if (chunk !== undefined) chunks.push(chunk);
      }
    }
    const results = new Array<ImportResult>(accounts.length);
    await mapLimit(chunks, IMPORT_BATCH_CONCURRENCY, async (chunk) => {
      const outcomes = await this.importChunk(chunk, now);
      chunk.forEach((row, i) => {
        results[row.index] = { accountId: row.id, outcome: outcomes[i] ?? "unchanged" };
      });
    });
    return results;
  }

  /** Writes one partition's share of an import in one transaction; retried whole on collision. */
  private async importChunk(chunk: readonly PlannedRow[], now: Date): Promise<ImportOutcome[]> {
    const first = chunk[0];
    if (first === undefined) return [];
    // Set once a write met an account it did not expect; a counter collision needs no reads.
    let mustRead = false;
    return retrying(`import into ${partitionOf(first.id)}`, async () => {
      const readFirst = this.importReadsFirst || mustRead;
      const existing = readFirst
        ? await mapLimit(chunk, READ_CONCURRENCY, (row) => this.read(row.id))
        : chunk.map((): Account | undefined => undefined);
      if (readFirst) this.importReadsFirst = existing.some((account) => account !== undefined);
      const plan = planImportChunk(chunk, existing, now, (account) => this.historyOf(account));
      if (plan.actions.length === 0) return plan.outcomes;
      if (plan.actions.length + plan.deltas.length > MAX_BATCH_ACTIONS) {
        const half = Math.ceil(chunk.length / 2);
        return [
          ...(await this.importChunk(chunk.slice(0, half), now)),
          ...(await this.importChunk(chunk.slice(half), now)),
        ];
      }
      try {
        await this.commit(
          first.id,
          plan.actions,
          plan.actions.map((): ActionKind => "account"),
          plan.deltas,
        );
      } catch (error) {
        // Another writer got to one of these accounts first: read them all and plan again.
        if (isConflict(error)) {
          mustRead = true;
          this.importReadsFirst = true;
          throw new ContentionError("accounts of an import batch changed", { cause: error });
        }
        throw error;
      }
      return plan.outcomes;
    });
  }
}

/** The account row for `account`, keeping `history` (a write replaces the whole row). */
function accountRow(account: AccountRecord, history: string) {
  return { ...accountEntity(account), ...historyEntity(history) };
}

/**
 * The writes of one status change: the account if-match the ETag it was read with, carrying its
 * audit record among the recent ones it keeps, audit rows for records that no longer fit there,
 * and the move of its listing row when the listing key changes. The account's write comes first.
 * Returns the history text the row now keeps.
 */
function addTransition(
  actions: TransactionAction[],
  kinds: ActionKind[],
  current: Account,
  next: AccountRecord,
  audit: AuditRecord,
  history: string,
): string {
  const partitionKey = partitionOf(current.id);
  const { text, spilled } = appendRecord(parseHistory(history, current.id), audit);
  actions.push(["update", accountRow(next, text), "Replace", { etag: current.etag }]);
  kinds.push("account");
  for (const record of spilled) {
    actions.push(["create", auditEntity(record)]);
    kinds.push("audit");
  }
  const before = indexRowKey(current);
  const after = indexRowKey(next);
  if (before !== after) {
    actions.push(["delete", { partitionKey, rowKey: before }], ["create", { partitionKey, rowKey: after }]);
    kinds.push("index", "index");
  }
  return text;
}

/** The writes an import chunk needs, given what exists already. */
function planImportChunk(
  chunk: readonly PlannedRow[],
  existing: readonly (Account | undefined)[],
  now: Date,
  historyOf: (account: Account) => string,
): { actions: TransactionAction[]; deltas: CountsDelta[]; outcomes: ImportOutcome[] } {
  const actions: TransactionAction[] = [];
  const deltas: CountsDelta[] = [];
  const outcomes = chunk.map((row, i): ImportOutcome => {
    const partitionKey = partitionOf(row.id);
    const current = existing[i];
    if (current === undefined) {
      const created = newAccount(row.input, now);
      actions.push(
        ["create", accountEntity(created)],
        ["create", { partitionKey, rowKey: indexRowKey(created) }],
      );
      deltas.push(...countsDelta(undefined, created));
      return "created";
    }
    const plan = planReimport(current, row.input, now);
    if (plan.outcome !== "updated") return plan.outcome;
    actions.push(["update", accountRow(plan.next, historyOf(current)), "Replace", { etag: current.etag }]);
    const before = indexRowKey(current);
    const after = indexRowKey(plan.next);
    if (before !== after) {
      actions.push(["delete", { partitionKey, rowKey: before }], ["create", { partitionKey, rowKey: after }]);
    }
    deltas.push(...countsDelta(current, plan.next));
    return "updated";
  });
  return { actions, deltas: mergeDeltas(deltas), outcomes };
}
