/**
 * Checks a finished migration against the simulated tenant: every account ended where the seed
 * says it should (planted trouble fails with the right class), and every copied mailbox matches its
 * source exactly (nothing missing, nothing twice, nothing altered).
 */
import type { GraphSimulator } from "@mailferry/azure-local/graph";
import type { AccountExpectation, SimulatedAccount } from "@mailferry/azure-local/graph";
import { accountIdFromUpn, type Account, type AccountStatus } from "../../shared/domain/index.js";
import type { MigrationStore } from "../../shared/store/port.js";

export interface AccountVerdict {
  readonly accountId: string;
  readonly sourceUpn: string;
  readonly expectation: AccountExpectation;
  readonly status: AccountStatus | "Missing";
  readonly failureClass?: string;
  readonly items: number;
  readonly bytes: number;
  readonly badItems: number;
  readonly largeItemsSkipped: number;
  readonly missing: number;
  readonly duplicated: number;
  readonly altered: number;
  readonly extra: number;
  readonly durationMs?: number;
  readonly passed: boolean;
  readonly problem?: string;
}

export interface Verification {
  readonly verdicts: readonly AccountVerdict[];
  readonly passed: boolean;
}

const EXPECTED_FAILURE: Partial<Record<AccountExpectation, string>> = {
  sourceUserMissing: "SourceUserNotFound",
  targetUserMissing: "TargetUserNotFound",
  noLicence: "TargetNotLicensed",
  targetFull: "TargetMailboxFull",
  outsideScope: "OutsideApplicationScope",
};

const WITH_WARNINGS: ReadonlySet<AccountExpectation> = new Set(["badItems", "largeItems"]);

async function durationOf(store: MigrationStore, account: Account): Promise<number | undefined> {
  const history = await store.accounts.history(account.id);
  const released = history.find((record) => record.to === "Queued");
  const last = history[history.length - 1];
  if (!released || !last) return undefined;
  return Date.parse(last.at) - Date.parse(released.at);
}

function judge(entry: SimulatedAccount, account: Account | undefined): string | undefined {
  if (!account) return "the account was never imported";
  const failure = EXPECTED_FAILURE[entry.expectation];
  if (failure !== undefined) {
    if (account.status !== "Failed") return `expected Failed (${failure}), ended ${account.status}`;
    if (account.lastError?.class !== failure)
      return `failed as ${account.lastError?.class ?? "?"}, expected ${failure}`;
    return undefined;
  }
  const wanted: AccountStatus = WITH_WARNINGS.has(entry.expectation) ? "CompletedWithWarnings" : "Completed";
  if (account.status !== wanted) return `expected ${wanted}, ended ${account.status}`;
  return undefined;
}

/** Verifies every inventory account; `passed` only when every verdict passed. */
export async function verifyMigration(
  store: MigrationStore,
  graph: GraphSimulator,
  inventory: readonly SimulatedAccount[],
): Promise<Verification> {
  const verdicts: AccountVerdict[] = [];
  for (const entry of inventory) {
    const accountId = accountIdFromUpn(entry.sourceUpn);
    const account = await store.accounts.find(accountId);
    let problem = judge(entry, account);
    let missing = 0;
    let duplicated = 0;
    let altered = 0;
    let extra = 0;
    const copied = account?.status === "Completed" || account?.status === "CompletedWithWarnings";
    if (copied) {
      const report = graph.inspect(entry.sourceUpn, entry.targetUpn, { includeArchive: true });
      missing = report.missing.length;
      duplicated = report.duplicated.length;
      altered = report.altered.length;
      extra = report.extra.length;
      if (!report.ok) {
        problem ??= `target differs: ${missing} missing, ${duplicated} duplicated, ${altered} altered, ${extra} extra, ${report.folderMismatches.length} folder mismatches`;
      }
    }
    verdicts.push({
      accountId,
      sourceUpn: entry.sourceUpn,
      expectation: entry.expectation,
      status: account?.status ?? "Missing",
      ...(account?.lastError ? { failureClass: account.lastError.class } : {}),
      items: account?.progress.items ?? 0,
      bytes: account?.progress.bytes ?? 0,
      badItems: account?.progress.badItems ?? 0,
      largeItemsSkipped: account?.progress.largeItemsSkipped ?? 0,
      missing,
      duplicated,
      altered,
      extra,
      ...(account ? { durationMs: await durationOf(store, account) } : {}),
      passed: problem === undefined,
      ...(problem !== undefined ? { problem } : {}),
    });
  }
  return { verdicts, passed: verdicts.length > 0 && verdicts.every((verdict) => verdict.passed) };
}
