/**
 * Mapping between domain records and table entities. Dates are ISO strings (sortable, millisecond
 * precision); figures too large for Int32 (bytes, wave totals) are Edm.Double.
 */
import type { TableEntity, TableEntityResult } from "@azure/data-tables";
import {
  ACCOUNT_STATUSES,
  type Account,
  type AccountRecord,
  type AccountStatus,
  type AuditRecord,
  emptyCounts,
  isAccountStatus,
  isWaveStatus,
  type WaveCounts,
  type Wave,
  type WaveRecord,
  type FinalizeActions,
  type WaveWindow,
  type Identity,
  type HybridSettings,
  MOVE_ENGINES,
  type MoveEngineKind,
  type AccountError,
  type Progress,
  mergeStatistics,
  type SyncStatistics,
} from "../../domain/index.js";
import { StoreUnavailableError } from "../errors.js";
import { accountRowKey, auditRowKey, counterRowKey, partitionOf, WAVES_PARTITION } from "./keys.js";

type Row = Record<string, unknown>;
type Double = { value: number; type: "Double" };

const INT32_MAX = 2 ** 31 - 1;

/**
 * A count as the service stores it: small values as plain Int32, larger ones as Edm.Double (exact
 * up to 2^53). Zero is left out altogether, and read back as zero, which keeps fresh rows small.
 */
function figure(value: number): number | Double | undefined {
  if (value === 0) return undefined;
  return Number.isInteger(value) && Math.abs(value) <= INT32_MAX ? value : { value, type: "Double" };
}

const PROGRESS_FIELDS = ["folders", "items", "bytes", "badItems", "largeItemsSkipped"] as const;

function figures(progress: Progress): Row {
  const row: Row = {};
  for (const field of PROGRESS_FIELDS) {
    const stored = figure(progress[field]);
    if (stored !== undefined) row[field] = stored;
  }
  return row;
}

function malformed(row: Row, field: string): StoreUnavailableError {
  const where = `${String(row.partitionKey)}/${String(row.rowKey)}`;
  return new StoreUnavailableError(`row ${where} has a missing or malformed ${field}`);
}

function text(row: Row, field: string): string {
  const value = row[field];
  if (typeof value !== "string") throw malformed(row, field);
  return value;
}

function optionalText(row: Row, field: string): string | undefined {
  const value = row[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw malformed(row, field);
  return value;
}

function count(row: Row, field: string, fallback?: number): number {
  const value = row[field] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) throw malformed(row, field);
  return value;
}

function etagOf(row: Row): string {
  return text(row, "etag");
}

function identityEntity(prefix: "source" | "target", identity: Identity): Row {
  return {
    [`${prefix}Upn`]: identity.upn,
    ...(identity.objectId === undefined ? {} : { [`${prefix}ObjectId`]: identity.objectId }),
    ...(identity.tenantId === undefined ? {} : { [`${prefix}TenantId`]: identity.tenantId }),
    ...(identity.exchangeGuid === undefined ? {} : { [`${prefix}ExchangeGuid`]: identity.exchangeGuid }),
    ...(identity.archiveGuid === undefined ? {} : { [`${prefix}ArchiveGuid`]: identity.archiveGuid }),
  };
}

function identityOf(row: Row, prefix: "source" | "target"): Identity {
  const objectId = optionalText(row, `${prefix}ObjectId`);
  const tenantId = optionalText(row, `${prefix}TenantId`);
  const exchangeGuid = optionalText(row, `${prefix}ExchangeGuid`);
  const archiveGuid = optionalText(row, `${prefix}ArchiveGuid`);
  return {
    upn: text(row, `${prefix}Upn`),
    ...(objectId === undefined ? {} : { objectId }),
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(exchangeGuid === undefined ? {} : { exchangeGuid }),
    ...(archiveGuid === undefined ? {} : { archiveGuid }),
  };
}

function errorEntity(error: AccountError | undefined): Row {
  return error === undefined
    ? {}
    : { errorClass: error.class, errorCode: error.code, errorMessage: error.message.slice(0, 4_000) };
}

function errorOf(row: Row): AccountError | undefined {
  const errorClass = optionalText(row, "errorClass");
  if (errorClass === undefined) return undefined;
  return {
    class: errorClass,
    code: optionalText(row, "errorCode") ?? "",
    message: optionalText(row, "errorMessage") ?? "",
  };
}

function statusOf(row: Row, field: string): AccountStatus {
  const value = text(row, field);
  if (!isAccountStatus(value)) throw malformed(row, field);
  return value;
}

/** An account's statistics as one JSON property (bounded by mergeStatistics, far below 64 KiB). */
function statsEntity(stats: SyncStatistics | undefined): Row {
  return stats === undefined ? {} : { stats: JSON.stringify(stats) };
}

function statsOf(row: Row): SyncStatistics | undefined {
  const textValue = optionalText(row, "stats");
  if (textValue === undefined) return undefined;
  try {
    return mergeStatistics(undefined, JSON.parse(textValue) as SyncStatistics);
  } catch {
    throw malformed(row, "stats");
  }
}

/** The account row (replacing the whole entity, so cleared fields disappear). */
export function accountEntity(account: AccountRecord): TableEntity<Row> {
  return {
    partitionKey: partitionOf(account.id),
    rowKey: accountRowKey(account.id),
    id: account.id,
    waveId: account.waveId,
    ...identityEntity("source", account.source),
    ...identityEntity("target", account.target),
    priority: account.priority,
    status: account.status,
    attempt: account.attempt,
    slice: account.slice,
    round: account.round,
    ...optionalTexts({
      syncedAt: account.syncedAt,
      completeAfter: account.completeAfter,
      completeNow: account.completeNow,
    }),
    ...(account.lease === undefined
      ? {}
      : { leaseOwner: account.lease.owner, leaseExpiresAt: account.lease.expiresAt }),
    ...figures(account.progress),
    ...statsEntity(account.stats),
    ...(account.checkpoint === undefined ? {} : { checkpoint: account.checkpoint }),
    ...errorEntity(account.lastError),
    transitions: account.transitions,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    statusSince: account.statusSince,
  };
}

/** An account read back from its row. */
export function accountFrom(row: Row, etag = etagOf(row)): Account {
  const leaseOwner = optionalText(row, "leaseOwner");
  const leaseExpiresAt = optionalText(row, "leaseExpiresAt");
  const checkpoint = optionalText(row, "checkpoint");
  const lastError = errorOf(row);
  const stats = statsOf(row);
  return {
    id: text(row, "id"),
    waveId: text(row, "waveId"),
    source: identityOf(row, "source"),
    target: identityOf(row, "target"),
    priority: count(row, "priority"),
    status: statusOf(row, "status"),
    attempt: count(row, "attempt"),
    slice: count(row, "slice"),
    round: count(row, "round", 0),
    ...readTexts(row, ["syncedAt", "completeAfter", "completeNow"]),
    ...(leaseOwner !== undefined && leaseExpiresAt !== undefined
      ? { lease: { owner: leaseOwner, expiresAt: leaseExpiresAt } }
      : {}),
    progress: {
      folders: count(row, "folders", 0),
      items: count(row, "items", 0),
      bytes: count(row, "bytes", 0),
      badItems: count(row, "badItems", 0),
      largeItemsSkipped: count(row, "largeItemsSkipped", 0),
    },
    ...(stats === undefined ? {} : { stats }),
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(lastError === undefined ? {} : { lastError }),
    transitions: count(row, "transitions"),
    createdAt: text(row, "createdAt"),
    updatedAt: text(row, "updatedAt"),
    statusSince: text(row, "statusSince"),
    etag,
  };
}

/** The audit row of one transition. */
export function auditEntity(audit: AuditRecord): TableEntity<Row> {
  return {
    partitionKey: partitionOf(audit.accountId),
    rowKey: auditRowKey(audit.accountId, audit.seq),
    accountId: audit.accountId,
    seq: audit.seq,
    at: audit.at,
    from: audit.from,
    to: audit.to,
    reason: audit.reason.slice(0, 4_000),
    attempt: audit.attempt,
    actor: audit.actor,
    ...errorEntity(audit.error),
  };
}

export function auditFrom(row: Row): AuditRecord {
  const error = errorOf(row);
  return {
    accountId: text(row, "accountId"),
    seq: count(row, "seq"),
    at: text(row, "at"),
    from: statusOf(row, "from"),
    to: statusOf(row, "to"),
    reason: text(row, "reason"),
    attempt: count(row, "attempt"),
    actor: text(row, "actor"),
    ...(error === undefined ? {} : { error }),
  };
}

/** One counter shard row holding `counts`. */
export function counterEntity(partitionKey: string, shard: number, counts: WaveCounts): TableEntity<Row> {
  const row: Row = { partitionKey, rowKey: counterRowKey(counts.waveId, shard), waveId: counts.waveId };
  for (const status of ACCOUNT_STATUSES) row[`n${status}`] = counts.byStatus[status];
  return { ...row, ...figures(counts) } as TableEntity<Row>;
}

export function countsFrom(row: Row): WaveCounts {
  const waveId = text(row, "waveId");
  const base = emptyCounts(waveId);
  const byStatus = { ...base.byStatus };
  let accounts = 0;
  for (const status of ACCOUNT_STATUSES) {
    byStatus[status] = count(row, `n${status}`, 0);
    accounts += byStatus[status];
  }
  return {
    waveId,
    accounts,
    byStatus,
    folders: count(row, "folders", 0),
    items: count(row, "items", 0),
    bytes: count(row, "bytes", 0),
    badItems: count(row, "badItems", 0),
    largeItemsSkipped: count(row, "largeItemsSkipped", 0),
  };
}

export function waveEntity(wave: WaveRecord): TableEntity<Row> {
  return {
    partitionKey: WAVES_PARTITION,
    rowKey: wave.id,
    description: wave.description,
    timeZone: wave.timeZone,
    windows: JSON.stringify(wave.windows),
    inFlightCap: wave.inFlightCap,
    badItemLimit: wave.badItemLimit,
    largeItemLimitBytes: figure(wave.largeItemLimitBytes) ?? 0,
    status: wave.status,
    ...optionalTexts({ completeAfter: wave.completeAfter, completeNow: wave.completeNow }),
    prestage: wave.prestage,
    incrementalHours: wave.incrementalHours,
    cutoverUnsynced: wave.cutoverUnsynced,
    mirrorDeletions: wave.mirrorDeletions,
    ...(wave.archiveAgeMonths === undefined ? {} : { archiveAgeMonths: wave.archiveAgeMonths }),
    finalize: JSON.stringify(wave.finalize),
    engine: wave.engine,
    ...(wave.hybrid === undefined ? {} : { hybrid: JSON.stringify(wave.hybrid) }),
    createdAt: wave.createdAt,
    updatedAt: wave.updatedAt,
  };
}

function windowsOf(row: Row): WaveWindow[] {
  try {
    const parsed: unknown = JSON.parse(text(row, "windows"));
    if (!Array.isArray(parsed)) throw malformed(row, "windows");
    return parsed as WaveWindow[];
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : malformed(row, "windows");
  }
}

export function waveFrom(row: Row): Wave {
  const status = text(row, "status");
  if (!isWaveStatus(status)) throw malformed(row, "status");
  const archiveAgeMonths = row.archiveAgeMonths === undefined ? undefined : count(row, "archiveAgeMonths");
  return {
    id: text(row, "rowKey"),
    description: optionalText(row, "description") ?? "",
    timeZone: text(row, "timeZone"),
    windows: windowsOf(row),
    inFlightCap: count(row, "inFlightCap"),
    badItemLimit: count(row, "badItemLimit"),
    largeItemLimitBytes: count(row, "largeItemLimitBytes"),
    status,
    ...readTexts(row, ["completeAfter", "completeNow"]),
    // Waves stored before pre-staging existed keep the old behaviour: copy inside windows only.
    prestage: flag(row, "prestage", false),
    incrementalHours: count(row, "incrementalHours", 0),
    cutoverUnsynced: flag(row, "cutoverUnsynced", true),
    mirrorDeletions: flag(row, "mirrorDeletions", false),
    ...(archiveAgeMonths === undefined ? {} : { archiveAgeMonths }),
    finalize: finalizeOf(row),
    // Waves stored before hybrid moves existed are copy waves.
    engine: engineOf(row),
    ...hybridOf(row),
    createdAt: text(row, "createdAt"),
    updatedAt: text(row, "updatedAt"),
    etag: etagOf(row),
  };
}

function optionalTexts(values: Record<string, string | undefined>): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) row[key] = value;
  return row;
}

function readTexts<K extends string>(row: Row, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = optionalText(row, key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function flag(row: Row, field: string, fallback: boolean): boolean {
  const value = row[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw malformed(row, field);
  return value;
}

function engineOf(row: Row): MoveEngineKind {
  const value = optionalText(row, "engine") ?? "graph";
  if (!(MOVE_ENGINES as readonly string[]).includes(value)) throw malformed(row, "engine");
  return value as MoveEngineKind;
}

function hybridOf(row: Row): { hybrid?: HybridSettings } {
  const text = optionalText(row, "hybrid");
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw malformed(row, "hybrid");
    return { hybrid: parsed as HybridSettings };
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : malformed(row, "hybrid");
  }
}

function finalizeOf(row: Row): FinalizeActions {
  if (row.finalize === undefined) return { announce: false };
  try {
    const parsed: unknown = JSON.parse(text(row, "finalize"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw malformed(row, "finalize");
    return parsed as FinalizeActions;
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : malformed(row, "finalize");
  }
}

/** Narrows an SDK result to a plain row. */
export function asRow(entity: TableEntityResult<Row>): Row {
  return entity;
}
