/**
 * The MigrationStore port: everything the use-cases need to keep accounts, their audit trail,
 * waves and wave totals. Implemented by the Table Storage adapter (production, Azurite) and the
 * in-memory fake (unit tests); one contract test suite holds both to the same behaviour.
 */
import type {
  Account,
  AccountError,
  AccountStatus,
  AuditRecord,
  ImportedAccount,
  ProgressUpdate,
  Wave,
  WaveCounts,
  WavePatch,
  WaveRecord,
  WaveStatus,
} from "../domain/index.js";

/** One page of a listing; pass `continuationToken` back to get the next, absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly continuationToken?: string;
}

export interface PageRequest {
  /** 1..1000, default 100. */
  readonly limit?: number;
  readonly continuationToken?: string;
}

/** What importing one inventory row did. */
export type ImportOutcome =
  /** A new Pending account. */
  | "created"
  /** A Pending account took the row's wave, identities or priority. */
  | "updated"
  /** The account already matched the row. */
  | "unchanged"
  /** The account has left Pending and was not touched. */
  | "kept";

export interface ImportResult {
  readonly accountId: string;
  readonly outcome: ImportOutcome;
}

/** What a status change records besides the new status (see AuditRecord). */
export interface TransitionRequest {
  readonly reason: string;
  /** Invocation id of the function, or the operator's name. */
  readonly actor: string;
  readonly at: Date;
  /** Required when moving to Failed. */
  readonly error?: AccountError;
  /** Progress and checkpoint recorded in the same write, before the status changes. */
  readonly update?: Omit<ProgressUpdate, "at">;
}

export interface ClaimOptions {
  /** Claim only this version of the account; any other throws ConcurrencyConflictError. */
  readonly ifEtag?: string;
}

export interface AccountRepository {
  /** The account, or NotFoundError. */
  get(accountId: string): Promise<Account>;
  /** The account, or undefined. */
  find(accountId: string): Promise<Account | undefined>;
  /**
   * The account as this process last read or wrote it, else as stored. Possibly stale: fit only to
   * decide whether to try a write that checks the ETag, or whether to read it again.
   */
  peek(accountId: string): Promise<Account | undefined>;
  /**
   * Creates or refreshes accounts from inventory rows; results are in input order. Idempotent,
   * and never touches an account that has left Pending. Ids must be unique within one call.
   */
  upsertImported(accounts: readonly ImportedAccount[], now: Date): Promise<ImportResult[]>;
  /**
   * Moves the account to `to` and writes its audit record in one atomic step, if the account still
   * has `expectedEtag`. Throws IllegalTransitionError (table forbids it), ConcurrencyConflictError
   * (stale ETag), NotFoundError.
   */
  transition(
    accountId: string,
    expectedEtag: string,
    to: AccountStatus,
    request: TransitionRequest,
  ): Promise<Account>;
  /**
   * Moves each account (as read: its ETag is the expected one) to `to` with one request for all,
   * in as few writes as the store allows. An account someone changed meanwhile is left as it is
   * and its place in the result is undefined.
   */
  transitionMany(
    accounts: readonly Account[],
    to: AccountStatus,
    request: TransitionRequest,
  ): Promise<(Account | undefined)[]>;
  /**
   * Leases the account to `owner` until now + leaseMs. The holder may renew; an expired lease may
   * be taken over; a live one held by another owner throws LeaseHeldError.
   */
  claim(
    accountId: string,
    owner: string,
    leaseMs: number,
    now: Date,
    options?: ClaimOptions,
  ): Promise<Account>;
  /** Drops `owner`'s lease; a no-op (returning the account) when `owner` does not hold it. */
  release(accountId: string, owner: string, now: Date): Promise<Account>;
  /** Records a transfer checkpoint if the account still has `expectedEtag` (else ConcurrencyConflictError). */
  updateProgress(accountId: string, expectedEtag: string, update: ProgressUpdate): Promise<Account>;
  /** The account's audit records, oldest first. */
  history(accountId: string): Promise<AuditRecord[]>;
  /**
   * A wave's accounts in one status: highest priority first, then longest in that status, then by
   * id. Accounts that change status while a page is read may be left out of it.
   */
  listByStatus(waveId: string, status: AccountStatus, page?: PageRequest): Promise<Page<Account>>;
  /**
   * Every account of a wave in one status, in no particular order, a page at a time: for reads
   * that must see them all. It reads the accounts themselves (a listing reads each account after
   * its key), about one request per `limit` accounts. Accounts that change status meanwhile may
   * be left out; pages may come back shorter than `limit`, or empty, before the last.
   */
  scanByStatus(waveId: string, status: AccountStatus, page?: PageRequest): Promise<Page<Account>>;
}

export interface WaveRepository {
  /** Stores a new wave (see defineWave), or AlreadyExistsError. */
  create(wave: WaveRecord): Promise<Wave>;
  /** The wave, or NotFoundError. */
  get(waveId: string): Promise<Wave>;
  find(waveId: string): Promise<Wave | undefined>;
  /** All waves, by id. */
  list(): Promise<Wave[]>;
  /**
   * Changes a wave's status (IllegalTransitionError when not allowed). With `expectedEtag` the
   * write is conditional (ConcurrencyConflictError); without, it applies to the current version.
   */
  updateStatus(waveId: string, to: WaveStatus, now: Date, expectedEtag?: string): Promise<Wave>;
  /** Changes a wave's settings, re-validated, if it still has `expectedEtag`. */
  update(waveId: string, expectedEtag: string, patch: WavePatch, now: Date): Promise<Wave>;
}

/** What a counter repair found and did. */
export interface CounterRepair {
  /** Totals the counters held before the repair. */
  readonly before: WaveCounts;
  /** Totals recounted from the accounts, now held by the counters. */
  readonly after: WaveCounts;
  /** Whether the two differed. */
  readonly drifted: boolean;
}

export interface CounterRepository {
  /** A wave's totals from its maintained counters, without reading its accounts. */
  waveCounts(waveId: string): Promise<WaveCounts>;
  /** Recounts a wave's accounts by scanning them and rewrites its counters to match. */
  repairCounters(waveId: string): Promise<CounterRepair>;
}

export interface MigrationStore {
  readonly accounts: AccountRepository;
  readonly waves: WaveRepository;
  readonly counters: CounterRepository;
  /** Releases connections; the store must not be used afterwards. */
  close(): Promise<void>;
}
