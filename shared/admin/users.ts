/**
 * A wave's accounts one by one, as a migration admin reads Get-MigrationUserStatistics: percent
 * complete, items and bytes of the source's totals, bad and large items, sync times, duration,
 * the data-consistency verdict and why the account waits, for both engines alike. Filtered,
 * sorted and paged here, so the CLI, the admin API and the dashboard show the same rows.
 */
import {
  ACCOUNT_STATUSES,
  type Account,
  type AccountStatistics,
  type AccountStatus,
  accountIdFromUpn,
  accountStatistics,
  hasLiveLease,
  type MoveEngineKind,
  SETTLED_STATUSES,
  type Wave,
} from "../domain/index.js";
import { NotFoundError } from "../store/errors.js";
import type { AdminPorts } from "./ports.js";

import type { UserSort } from "./requests.js";

export { USER_SORTS, type UserSort } from "./requests.js";

/** A copy with no progress recorded for this long, and no worker holding it, counts as stalled. */
export const STALL_AFTER_MS = 30 * 60_000;

/** One account's row: who, where it stands, and its statistics. */
export interface UserRow {
  readonly accountId: string;
  readonly sourceUpn: string;
  readonly targetUpn: string;
  readonly status: AccountStatus;
  readonly statusSince: string;
  readonly engine: MoveEngineKind;
  readonly statistics: AccountStatistics;
  readonly failure?: { readonly class: string; readonly message: string };
}

export interface UsersQuery {
  readonly status?: AccountStatus;
  readonly sort?: UserSort;
  /** Largest first instead of the sort's natural order. */
  readonly descending?: boolean;
  /** Only accounts that are stalled. */
  readonly stalled?: boolean;
  /** Only accounts whose source or target UPN contains this text (case-insensitive). */
  readonly search?: string;
  readonly offset?: number;
  /** Rows returned, 1..1000; all when absent. */
  readonly limit?: number;
}

export interface UsersPage {
  readonly waveId: string;
  /** Rows matching the filters, before paging. */
  readonly total: number;
  readonly offset: number;
  readonly users: readonly UserRow[];
}

const FINAL = new Set<AccountStatus>(SETTLED_STATUSES);
const MOVING = new Set<AccountStatus>(["Queued", "Syncing", "Completing"]);

/**
 * The waiting reason an engine recorded, or the one an account's status itself gives; a copy
 * that has not moved for {@link STALL_AFTER_MS} without a worker holding it is stalled.
 */
function waitingOf(
  account: Account,
  stats: AccountStatistics,
  now: Date,
): Pick<AccountStatistics, "waiting" | "stalled"> {
  if (stats.waiting !== undefined || FINAL.has(account.status)) return stats;
  if (MOVING.has(account.status) && !hasLiveLease(account, now)) {
    const idle = now.getTime() - Date.parse(account.updatedAt);
    if (idle >= STALL_AFTER_MS)
      return {
        stalled: true,
        waiting: `no progress for ${Math.floor(idle / 60_000)} min (last ${account.updatedAt})`,
      };
  }
  switch (account.status) {
    case "Pending":
      return { stalled: false, waiting: "not released yet (the scheduler releases by priority)" };
    case "Queued":
      return { stalled: false, waiting: "queued for a worker" };
    case "Synced":
      return {
        stalled: false,
        waiting:
          account.completeAfter !== undefined
            ? `synced; cut over after ${account.completeAfter} in a window`
            : "synced; waits for a cutover window",
      };
    default:
      return { stalled: stats.stalled };
  }
}

/** The row an operator sees for one account. */
export function userRow(account: Account, wave: Pick<Wave, "engine" | "badItemLimit">, now: Date): UserRow {
  const derived = accountStatistics(account, now, { badItemLimit: wave.badItemLimit });
  const { waiting, stalled } = waitingOf(account, derived, now);
  const { waiting: _waiting, ...rest } = derived;
  return {
    accountId: account.id,
    sourceUpn: account.source.upn,
    targetUpn: account.target.upn,
    status: account.status,
    statusSince: account.statusSince,
    engine: wave.engine,
    statistics: { ...rest, stalled, ...(waiting !== undefined ? { waiting } : {}) },
    ...(account.lastError !== undefined && account.status === "Failed"
      ? { failure: { class: account.lastError.class, message: account.lastError.message } }
      : {}),
  };
}

function sizeOf(row: UserRow): number {
  return row.statistics.sourceBytes ?? row.statistics.bytesSynced;
}

/** Natural orders: least done first, largest first, longest since a sync first (never first of all). */
function compare(sort: UserSort): (a: UserRow, b: UserRow) => number {
  switch (sort) {
    case "percent":
      return (a, b) => a.statistics.percentComplete - b.statistics.percentComplete;
    case "size":
      return (a, b) => sizeOf(b) - sizeOf(a);
    case "lastSync":
      return (a, b) => (a.statistics.lastSyncAt ?? "").localeCompare(b.statistics.lastSyncAt ?? "");
  }
}

/** Every account of a wave in the given statuses, a page of 1,000 at a time. */
export async function* waveAccounts(
  ports: Pick<AdminPorts, "store">,
  waveId: string,
  statuses: readonly AccountStatus[] = ACCOUNT_STATUSES,
): AsyncIterable<Account> {
  for (const status of statuses) {
    let token: string | undefined;
    do {
      const page = await ports.store.accounts.scanByStatus(waveId, status, {
        limit: 1000,
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      yield* page.items;
      token = page.continuationToken;
    } while (token !== undefined);
  }
}

/**
 * A wave's accounts with their statistics, filtered, sorted and paged (NotFoundError for an
 * unknown wave). Reads the whole wave (about one request per 1,000 accounts) to sort it.
 */
export async function waveUsers(
  ports: AdminPorts,
  waveId: string,
  query: UsersQuery = {},
): Promise<UsersPage> {
  const wave = await ports.store.waves.get(waveId);
  const now = ports.now();
  const search = query.search?.trim().toLowerCase();
  const rows: UserRow[] = [];
  for await (const account of waveAccounts(ports, waveId, query.status ? [query.status] : ACCOUNT_STATUSES)) {
    const row = userRow(account, wave, now);
    if (query.stalled === true && !row.statistics.stalled) continue;
    if (
      search !== undefined &&
      search !== "" &&
      !row.sourceUpn.toLowerCase().includes(search) &&
      !row.targetUpn.toLowerCase().includes(search)
    )
      continue;
    rows.push(row);
  }
  const order = ACCOUNT_STATUSES as readonly AccountStatus[];
  rows.sort(
    (a, b) => order.indexOf(a.status) - order.indexOf(b.status) || a.sourceUpn.localeCompare(b.sourceUpn),
  );
  if (query.sort !== undefined) rows.sort(compare(query.sort));
  if (query.descending === true) rows.reverse();
  const offset = query.offset ?? 0;
  const end = query.limit === undefined ? undefined : offset + query.limit;
  return { waveId, total: rows.length, offset, users: rows.slice(offset, end) };
}

/**
 * The account an id, a source UPN or a target UPN names. An id or source UPN is read directly; a
 * target UPN is looked for in every wave (a read of every account: only when the first misses).
 */
export async function findAccount(ports: Pick<AdminPorts, "store">, accountId: string): Promise<Account> {
  const direct = await ports.store.accounts.find(accountId);
  if (direct !== undefined) return direct;
  for (const wave of await ports.store.waves.list()) {
    for await (const account of waveAccounts(ports, wave.id)) {
      if (accountIdFromUpn(account.target.upn) === accountId) return account;
    }
  }
  throw new NotFoundError("account", accountId);
}
