/**
 * The in-memory MigrationStore for unit tests. It runs the same domain rules, ETag checks, listing
 * order and paging as the Table Storage adapter; the shared contract suite keeps the two alike.
 * Every call reads and writes without yielding in between, which makes each one atomic.
 */
import {
  type Account,
  type AccountRecord,
  type AccountStatus,
  addDelta,
  applyClaim,
  applyProgress,
  applyRelease,
  applyTransition,
  applyWavePatch,
  applyWaveStatus,
  type AuditRecord,
  countAccounts,
  type CountsDelta,
  countsDelta,
  emptyCounts,
  type ImportedAccount,
  newAccount,
  parseAccountId,
  parseWaveId,
  planReimport,
  type ProgressUpdate,
  sameCounts,
  type Wave,
  type WaveCounts,
  type WavePatch,
  type WaveRecord,
  type WaveStatus,
} from "../../domain/index.js";
import { AlreadyExistsError, ConcurrencyConflictError, isConflict, NotFoundError } from "../errors.js";
import {
  decodeScanToken,
  decodeToken,
  encodeScanToken,
  encodeToken,
  listingKey,
  listingPrefix,
  pageLimit,
} from "../listing.js";
import type {
  AccountRepository,
  CounterRepair,
  CounterRepository,
  ImportResult,
  MigrationStore,
  Page,
  PageRequest,
  TransitionRequest,
  WaveRepository,
} from "../port.js";
import { checkImportBatch } from "../validation.js";

/** The fake, plus a way for tests to make counters drift as a lost update would. */
export interface MemoryStore extends MigrationStore {
  corruptCounters(delta: CountsDelta): void;
}

interface Versioned<T> {
  record: T;
  etag: string;
}

/** Lets other callbacks run first, as a network round trip would. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createMemoryStore(): MemoryStore {
  const accounts = new Map<string, Versioned<AccountRecord>>();
  const audits = new Map<string, AuditRecord[]>();
  const waves = new Map<string, Versioned<WaveRecord>>();
  const counters = new Map<string, WaveCounts>();
  let version = 0;
  const nextEtag = (): string => `W/"${++version}"`;

  const copyAccount = (entry: Versioned<AccountRecord>): Account => ({
    ...structuredClone(entry.record),
    etag: entry.etag,
  });
  const copyWave = (entry: Versioned<WaveRecord>): Wave => ({
    ...structuredClone(entry.record),
    etag: entry.etag,
  });

  const applyDeltas = (deltas: readonly CountsDelta[]): void => {
    for (const delta of deltas)
      counters.set(delta.waveId, addDelta(counters.get(delta.waveId) ?? emptyCounts(delta.waveId), delta));
  };

  const entryOf = (accountId: string): Versioned<AccountRecord> => {
    const entry = accounts.get(parseAccountId(accountId));
    if (entry === undefined) throw new NotFoundError("account", accountId);
    return entry;
  };

  const entryForUpdate = (accountId: string, expectedEtag: string): Versioned<AccountRecord> => {
    const entry = entryOf(accountId);
    if (entry.etag !== expectedEtag) throw new ConcurrencyConflictError("account", accountId);
    return entry;
  };

  const write = (before: AccountRecord | undefined, next: AccountRecord): Account => {
    const entry = { record: structuredClone(next), etag: nextEtag() };
    accounts.set(next.id, entry);
    applyDeltas(countsDelta(before, next));
    return copyAccount(entry);
  };

  const accountRepository: AccountRepository = {
    async get(accountId) {
      await tick();
      return copyAccount(entryOf(accountId));
    },
    async find(accountId) {
      await tick();
      const entry = accounts.get(parseAccountId(accountId));
      return entry === undefined ? undefined : copyAccount(entry);
    },
    async peek(accountId) {
      return accountRepository.find(accountId);
    },
    async upsertImported(rows: readonly ImportedAccount[], now: Date): Promise<ImportResult[]> {
      const ids = checkImportBatch(rows);
      await tick();
      return rows.map((input, index) => {
        const accountId = ids[index] ?? "";
        const current = accounts.get(accountId);
        if (current === undefined) {
          write(undefined, newAccount(input, now));
          return { accountId, outcome: "created" };
        }
        const plan = planReimport(current.record, input, now);
        if (plan.outcome === "updated") write(current.record, plan.next);
        return { accountId, outcome: plan.outcome };
      });
    },
    async transition(accountId, expectedEtag, to: AccountStatus, request: TransitionRequest) {
      await tick();
      const entry = entryForUpdate(accountId, expectedEtag);
      const { next, audit } = applyTransition(entry.record, to, request);
      const written = write(entry.record, next);
      audits.set(next.id, [...(audits.get(next.id) ?? []), structuredClone(audit)]);
      return written;
    },
    async transitionMany(list, to: AccountStatus, request: TransitionRequest) {
      const out: (Account | undefined)[] = [];
      for (const account of list) {
        try {
          out.push(await accountRepository.transition(account.id, account.etag, to, request));
        } catch (error) {
          if (!isConflict(error)) throw error;
          out.push(undefined);
        }
      }
      return out;
    },
    async claim(accountId, owner, leaseMs, now, options = {}) {
      await tick();
      const entry =
        options.ifEtag === undefined ? entryOf(accountId) : entryForUpdate(accountId, options.ifEtag);
      return write(entry.record, applyClaim(entry.record, owner, leaseMs, now));
    },
    async release(accountId, owner, now) {
      await tick();
      const entry = entryOf(accountId);
      const next = applyRelease(entry.record, owner, now);
      return next === undefined ? copyAccount(entry) : write(entry.record, next);
    },
    async updateProgress(accountId, expectedEtag, update: ProgressUpdate) {
      await tick();
      const entry = entryForUpdate(accountId, expectedEtag);
      return write(entry.record, applyProgress(entry.record, update));
    },
    async history(accountId) {
      await tick();
      return structuredClone(audits.get(parseAccountId(accountId)) ?? []);
    },
    async listByStatus(waveId, status, page?: PageRequest): Promise<Page<Account>> {
      const limit = pageLimit(page);
      const prefix = listingPrefix(waveId, status);
      const after = decodeToken(page?.continuationToken, prefix);
      await tick();
      const keyed = [...accounts.values()]
        .filter((entry) => entry.record.waveId === waveId && entry.record.status === status)
        .map((entry) => ({ key: listingKey(entry.record), entry }))
        .filter(({ key }) => after === undefined || key > after)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const pageEntries = keyed.slice(0, limit);
      const items = pageEntries.map(({ entry }) => copyAccount(entry));
      const last = pageEntries[pageEntries.length - 1];
      return keyed.length > limit && last !== undefined
        ? { items, continuationToken: encodeToken(last.key) }
        : { items };
    },
    async scanByStatus(waveId, status, page?: PageRequest): Promise<Page<Account>> {
      const limit = pageLimit(page);
      // The fake is one partition, scanned in id order; its token is the last id returned.
      const after = decodeScanToken(page?.continuationToken, waveId, status).within;
      await tick();
      const matching = [...accounts.values()]
        .filter((entry) => entry.record.waveId === waveId && entry.record.status === status)
        .filter((entry) => after === undefined || entry.record.id > after)
        .sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
      const items = matching.slice(0, limit).map((entry) => copyAccount(entry));
      const last = items[items.length - 1];
      return matching.length > limit && last !== undefined
        ? { items, continuationToken: encodeScanToken(waveId, status, { partition: 0, within: last.id }) }
        : { items };
    },
  };

  const waveEntry = (waveId: string): Versioned<WaveRecord> => {
    const entry = waves.get(parseWaveId(waveId));
    if (entry === undefined) throw new NotFoundError("wave", waveId);
    return entry;
  };

  const writeWave = (next: WaveRecord): Wave => {
    const entry = { record: structuredClone(next), etag: nextEtag() };
    waves.set(next.id, entry);
    return copyWave(entry);
  };

  const waveRepository: WaveRepository = {
    async create(wave: WaveRecord) {
      parseWaveId(wave.id);
      await tick();
      if (waves.has(wave.id)) throw new AlreadyExistsError("wave", wave.id);
      return writeWave(wave);
    },
    async get(waveId) {
      await tick();
      return copyWave(waveEntry(waveId));
    },
    async find(waveId) {
      await tick();
      const entry = waves.get(parseWaveId(waveId));
      return entry === undefined ? undefined : copyWave(entry);
    },
    async list() {
      await tick();
      return [...waves.values()].map(copyWave).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async updateStatus(waveId, to: WaveStatus, now: Date, expectedEtag?: string) {
      await tick();
      const entry = waveEntry(waveId);
      if (expectedEtag !== undefined && entry.etag !== expectedEtag)
        throw new ConcurrencyConflictError("wave", waveId);
      return writeWave(applyWaveStatus(entry.record, to, now));
    },
    async update(waveId, expectedEtag, patch: WavePatch, now: Date) {
      await tick();
      const entry = waveEntry(waveId);
      if (entry.etag !== expectedEtag) throw new ConcurrencyConflictError("wave", waveId);
      return writeWave(applyWavePatch(entry.record, patch, now));
    },
  };

  const counterRepository: CounterRepository = {
    async waveCounts(waveId) {
      const id = parseWaveId(waveId);
      await tick();
      return structuredClone(counters.get(id) ?? emptyCounts(id));
    },
    async repairCounters(waveId): Promise<CounterRepair> {
      const id = parseWaveId(waveId);
      await tick();
      const before = counters.get(id) ?? emptyCounts(id);
      const after = countAccounts(
        id,
        [...accounts.values()].map((entry) => entry.record),
      );
      counters.set(id, after);
      return {
        before: structuredClone(before),
        after: structuredClone(after),
        drifted: !sameCounts(before, after),
      };
    },
  };

  return {
    accounts: accountRepository,
    waves: waveRepository,
    counters: counterRepository,
    close: () => Promise.resolve(),
    corruptCounters(delta: CountsDelta) {
      applyDeltas([delta]);
    },
  };
}
