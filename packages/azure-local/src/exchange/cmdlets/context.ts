/**
 * What a cmdlet handler works with, and the small conversions they share: sizes as Exchange
 * prints ByteQuantifiedSize values, times as ISO strings, identities resolved to moves.
 */
import type { Random } from "../../graph/random.js";
import type { BoundCall, ParameterValue } from "../bind.js";
import { notFound } from "../errors.js";
import type { Move, Organisation } from "../model.js";
import type { MailboxReplicationService } from "../mrs.js";

/** The on-premises administrator a migration endpoint must present (checked, never kept). */
export interface OnPremAdministrator {
  readonly userName: string;
  readonly password: string;
  /** The MRS proxy's host name, e.g. mail.fabrikam.example. */
  readonly remoteServer: string;
}

export interface CmdletContext {
  readonly org: Organisation;
  readonly mrs: MailboxReplicationService;
  readonly random: Random;
  readonly administrator: OnPremAdministrator;
  /** Simulated now, in ms. */
  readonly now: number;
}

/** One cmdlet's output objects (possibly none). */
export type CmdletOutput = Record<string, unknown>[];

export type CmdletHandler = (call: BoundCall, context: CmdletContext) => CmdletOutput;

const UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** A ByteQuantifiedSize as Exchange serialises it: `1.234 GB (1,324,997,410 bytes)`. */
export function sizeText(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(value) : value.toFixed(3).replace(/\.?0+$/, "");
  return `${shown} ${UNITS[unit] ?? "B"} (${bytes.toLocaleString("en-US")} bytes)`;
}

export function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

export function text(call: BoundCall, name: string): string | undefined {
  const value = call.values.get(name);
  return typeof value === "string" ? value : undefined;
}

export function flag(call: BoundCall, name: string): boolean {
  return call.values.get(name) === true;
}

export function date(call: BoundCall, name: string): Date | undefined {
  const value: ParameterValue | undefined = call.values.get(name);
  return value instanceof Date ? value : undefined;
}

/** How many results `-ResultSize` allows (default 1000). */
export function resultSize(call: BoundCall): number {
  const value = call.values.get("ResultSize");
  if (value === "Unlimited") return Number.POSITIVE_INFINITY;
  return typeof value === "number" ? value : 1000;
}

/** A move by the user's email address, ExchangeGuid or request GUID. */
export function findMove(org: Organisation, identity: string): Move | undefined {
  const key = identity.toLowerCase();
  const direct = org.moves.get(key);
  if (direct !== undefined) return direct;
  for (const move of org.moves.values()) {
    if (move.exchangeGuid === key || move.requestGuid === key) return move;
  }
  return undefined;
}

export function requireMove(org: Organisation, identity: string): Move {
  const move = findMove(org, identity);
  if (move === undefined) throw notFound(identity);
  return move;
}

/** The migration user view of a move's status (MigrationUserStatus). */
export function migrationUserStatus(move: Move): string {
  switch (move.phase) {
    case "queued":
      return "Queued";
    case "initial":
      return "Syncing";
    case "synced":
      return "Synced";
    case "incremental":
      return "IncrementalSyncing";
    case "completing":
      return "Completing";
    case "done":
      return move.status === "Completed" ? "Completed" : "CompletedWithWarnings";
    case "failed":
      return "Failed";
    case "stopped":
      return "Stopped";
  }
}

/** The abbreviated status (MigrationUserStatusSummary). */
export function statusSummary(move: Move): string {
  switch (move.phase) {
    case "queued":
    case "initial":
    case "completing":
      return "Active";
    case "synced":
    case "incremental":
      return "Synced";
    case "done":
      return "Completed";
    case "failed":
      return "Failed";
    case "stopped":
      return "Stopped";
  }
}
