/**
 * Failed accounts grouped by failure class and reason. Reasons that differ only in figures
 * ("3 items could not be copied", "5 items ...") share a group; each group has a short id that
 * `retry` accepts, counts, the waves involved and a few examples.
 */
import { createHash } from "node:crypto";
import type { Account } from "../domain/index.js";
import { FAILURE_HINTS } from "../graph/errors.js";
import { failureHint } from "../mover/hybrid/failures.js";
import type { AdminPorts } from "./ports.js";

const PAGE = 500;

export interface FailureExample {
  readonly accountId: string;
  readonly waveId: string;
  readonly sourceUpn: string;
  readonly targetUpn: string;
  readonly attempt: number;
  readonly code: string;
  readonly message: string;
  readonly since: string;
}

export interface FailureGroup {
  /** 8 hex digits; stable for the same class and reason. */
  readonly id: string;
  readonly failureClass: string;
  /** What an operator does about this class of failure, when mailferry knows. */
  readonly hint?: string;
  /** The reason with its figures replaced by `#`. */
  readonly reason: string;
  readonly count: number;
  readonly waves: readonly string[];
  readonly examples: readonly FailureExample[];
  /** The command that retries the group's accounts (of the wave asked for, when one was). */
  readonly retryCommand: string;
}

export interface FailureReport {
  readonly total: number;
  readonly groups: readonly FailureGroup[];
}

/** A reason with its figures replaced, so that the same kind of failure groups together. */
export function reasonPattern(message: string): string {
  return message.replace(/\d+(?:[.,]\d+)*/g, "#").trim();
}

/** The fix hint of a failure class, if it is one mailferry raises (either engine). */
export function hintFor(failureClass: string): string | undefined {
  return Object.hasOwn(FAILURE_HINTS, failureClass)
    ? FAILURE_HINTS[failureClass as keyof typeof FAILURE_HINTS]
    : failureHint(failureClass);
}

/** `mailferry retry --group <id> [--wave <wave>]`: what retries one failure group. */
export function retryCommand(groupId: string, waveId?: string): string {
  return `mailferry retry --group ${groupId}${waveId === undefined ? "" : ` --wave ${waveId}`}`;
}

/** The group id of a failure class and reason. */
export function failureGroupId(failureClass: string, reason: string): string {
  return createHash("sha256")
    .update(`${failureClass}\n${reasonPattern(reason)}`)
    .digest("hex")
    .slice(0, 8);
}

/** The class and reason an account failed with (accounts failed without an error say so). */
export function failureOf(account: Account): { failureClass: string; reason: string; code: string } {
  const error = account.lastError;
  return {
    failureClass: error?.class ?? "Unknown",
    reason: reasonPattern(error?.message ?? "no error recorded"),
    code: error?.code ?? "",
  };
}

/** Every Failed account of one wave, or of every wave, page by page. */
export async function* failedAccounts(ports: AdminPorts, waveId?: string): AsyncIterable<Account> {
  const waveIds = waveId === undefined ? (await ports.store.waves.list()).map((wave) => wave.id) : [waveId];
  for (const id of waveIds) {
    let token: string | undefined;
    do {
      const page = await ports.store.accounts.listByStatus(id, "Failed", {
        limit: PAGE,
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      yield* page.items;
      token = page.continuationToken;
    } while (token !== undefined);
  }
}

/** Groups the failed accounts of one wave (or all) with up to `examples` examples per group. */
export async function failureGroups(
  ports: AdminPorts,
  options: { readonly waveId?: string; readonly examples?: number } = {},
): Promise<FailureReport> {
  if (options.waveId !== undefined) await ports.store.waves.get(options.waveId);
  const examples = options.examples ?? 3;
  const groups = new Map<
    string,
    { failureClass: string; reason: string; count: number; waves: Set<string>; examples: FailureExample[] }
  >();
  let total = 0;
  for await (const account of failedAccounts(ports, options.waveId)) {
    total += 1;
    const { failureClass, reason, code } = failureOf(account);
    const id = failureGroupId(failureClass, reason);
    let group = groups.get(id);
    if (group === undefined) {
      group = { failureClass, reason, count: 0, waves: new Set(), examples: [] };
      groups.set(id, group);
    }
    group.count += 1;
    group.waves.add(account.waveId);
    if (group.examples.length < examples) {
      group.examples.push({
        accountId: account.id,
        waveId: account.waveId,
        sourceUpn: account.source.upn,
        targetUpn: account.target.upn,
        attempt: account.attempt,
        code,
        message: account.lastError?.message ?? "",
        since: account.statusSince,
      });
    }
  }
  return {
    total,
    groups: [...groups.entries()]
      .map(([id, group]) => {
        const hint = hintFor(group.failureClass);
        return {
          id,
          ...group,
          waves: [...group.waves].sort(),
          ...(hint !== undefined ? { hint } : {}),
          retryCommand: retryCommand(id, options.waveId),
        };
      })
      .sort((a, b) => b.count - a.count || a.failureClass.localeCompare(b.failureClass)),
  };
}
