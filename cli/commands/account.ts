import type { Command } from "commander";
import type { AccountDetail, AccountView } from "../../shared/admin/account.js";
import type { AccountCompletion } from "../../shared/admin/complete.js";
import { accountApproveBody, accountCompleteBody, accountParams } from "../../shared/admin/requests.js";
import type { UserRow } from "../../shared/admin/users.js";
import { bytes, table, when } from "./admin-output.js";
import { statisticsCells } from "./admin-wave-users.js";
import { cliOperator, guarded, output, parseOptions, withPorts } from "./admin-support.js";

function line(label: string, value: string): string {
  return `  ${label.padEnd(15)}${value}`;
}

/** The cutover state of an account: round always, the times when set. */
function cutoverLines(account: AccountView): string[] {
  return [
    line("round", `${account.round}${account.round === 0 ? " (initial copy)" : ""}`),
    ...(account.syncedAt !== undefined ? [line("synced at", when(account.syncedAt))] : []),
    ...(account.completeAfter !== undefined ? [line("complete after", when(account.completeAfter))] : []),
    ...(account.completeNow !== undefined
      ? [line("complete now", `asked ${when(account.completeNow)}`)]
      : []),
    ...preflightLines(account),
    ...hybridLines(account),
  ];
}

/** Where a hybrid account's move stands in Exchange. */
function hybridLines(account: AccountView): string[] {
  const move = account.hybrid;
  if (move === undefined) return [];
  return [
    line(
      "batch",
      `${move.batch}${move.evening !== undefined ? `, evening ${when(move.evening)}` : ", no evening yet"}`,
    ),
    ...(move.completeAfter !== undefined ? [line("CompleteAfter", when(move.completeAfter))] : []),
    ...(move.exchangeStatus !== undefined
      ? [
          line(
            "in Exchange",
            `${move.exchangeStatus}${move.statusDetail !== undefined ? ` (${move.statusDetail})` : ""}${move.percentComplete !== undefined ? `, ${move.percentComplete} %` : ""}`,
          ),
        ]
      : []),
    // The score and the waiting reason are among the statistics; only the approval is the move's own.
    ...(move.approvedBy !== undefined ? [line("approved", `skipped items, by ${move.approvedBy}`)] : []),
    ...(move.removedAt !== undefined ? [line("removed", `from Exchange ${when(move.removedAt)}`)] : []),
  ];
}

/** What pre-flight found and which finalize actions ran, once known. */
function preflightLines(account: AccountView): string[] {
  const found = account.preflight;
  if (found === undefined) return [];
  const archives = `source ${found.sourceArchive ? "has" : "has no"} archive, target ${found.targetArchive ? "has" : "has no"} archive`;
  return [
    line(
      "pre-flight",
      `${found.expectedItems === undefined ? "" : `${found.expectedItems} items at the source; `}${archives}`,
    ),
    ...(found.finalized.length > 0 ? [line("finalized", found.finalized.join(", "))] : []),
    ...found.warnings.map((warning) => line("warning", warning)),
  ];
}

/** The per-user statistics, as `wave users` shows them, and what the warnings were. */
function statisticsLines(user: UserRow): string[] {
  const stats = user.statistics;
  const [done, items, size, , lastSync, lastIncremental, took, consistency] = statisticsCells(stats);
  return [
    line("statistics", `${done} complete; ${items} items, ${size}; took ${took}`),
    line("last sync", `${lastSync ?? "-"} (incremental ${lastIncremental ?? "-"})`),
    line(
      "consistency",
      `${consistency ?? "-"}${stats.consistencySource === "derived" ? " (from the skipped items)" : stats.consistencySource === "exchange" ? " (Exchange's score)" : ""}`,
    ),
    ...(stats.waiting !== undefined ? [line(stats.stalled ? "stalled" : "waiting", stats.waiting)] : []),
    ...stats.warnings.map((warning) => line("warning", warning)),
  ];
}

/** The human rendering of `mailferry account <account>`. */
export function describeAccount(detail: AccountDetail): string {
  const { account } = detail;
  const lines = [
    `account ${account.id}: ${account.status} since ${when(account.statusSince)}`,
    line("wave", account.waveId),
    line("source", account.source.upn),
    line("target", account.target.upn),
    line("attempt", `${account.attempt}, slice ${account.slice}, priority ${account.priority}`),
    ...cutoverLines(account),
    line(
      "copied",
      `${account.progress.items} items, ${bytes(account.progress.bytes)}, ${account.progress.folders} folders`,
    ),
    line(
      "skipped",
      `${account.progress.badItems} bad items, ${account.progress.largeItemsSkipped} large items`,
    ),
    ...statisticsLines(detail.user),
    ...(account.lease
      ? [line("leased by", `${account.lease.owner} until ${when(account.lease.expiresAt)}`)]
      : []),
    ...(account.lastError
      ? [
          line(
            "last error",
            `${account.lastError.class} (${account.lastError.code}): ${account.lastError.message}`,
          ),
        ]
      : []),
    "",
    table([
      ["#", "AT", "FROM", "TO", "ATTEMPT", "BY", "REASON"],
      ...detail.history.map((record) => [
        record.seq,
        when(record.at),
        record.from,
        record.to,
        record.attempt,
        record.actor,
        record.reason,
      ]),
    ]),
  ];
  if (detail.badItems.length > 0) {
    lines.push(
      "",
      table([
        ["MAILBOX", "KIND", "FOLDER", "SUBJECT", "SENDER", "RECEIVED", "SIZE", "CODE", "AT"],
        ...detail.badItems.map((item) => [
          item.mailbox,
          item.kind,
          item.folderPath,
          item.subject ?? "-",
          item.sender ?? "-",
          when(item.receivedDateTime),
          bytes(item.sizeBytes),
          item.code,
          when(item.at),
        ]),
      ]),
    );
  }
  return lines.join("\n");
}

/** The human rendering of `mailferry account complete`. */
export function describeCompletion(completion: AccountCompletion): string {
  const { account, mode, actionId } = completion;
  const what =
    mode === "now"
      ? `is cut over as soon as it is synced, window or not (complete now asked ${when(account.completeNow)})`
      : `is not cut over before ${when(account.completeAfter)} (complete after)`;
  return `account ${account.id} (${account.status}) ${what} (action ${actionId})`;
}

const COMPLETE_HELP = `
Without --at ("complete now"): sets the account's completeNow. Once the account is Synced the
scheduler cuts it over at its next run (final pass, then the finalize actions), whether a cutover
window is open or not; an account still copying is cut over as soon as it is synced. Its wave must
be Active.

With --at ("complete after"): sets the account's completeAfter. The account does not start its
cutover before that time; after it, the cutover still waits for a window. Nothing else is cleared.

The account's own completeNow and completeAfter take the place of its wave's (mailferry wave
complete); a complete now, the account's or the wave's, goes before any complete after. Refused for
accounts that are Completed, CompletedWithWarnings, Failed, Stopped or Skipped. Recorded in the
operator-actions log (mailferry actions).

Exit codes: 0 done, 1 refused (the account's status), 2 invalid options or unknown account.`;

interface CompleteOptions {
  at?: string;
  reason?: string;
  json?: boolean;
}

/**
 * `mailferry account <account> [--json]` and
 * `mailferry account complete <account> [--at <time>] [--reason <text>] [--json]`.
 */
export function registerAccountCommand(program: Command): void {
  const account = program
    .command("account")
    .description(
      "one account (by id, source or target UPN): state, statistics, bad items and its full history of transitions",
    )
    .argument("<account>", "account id, source UPN or target UPN")
    .option("--json", "print JSON")
    .action((id: string, options: { json?: boolean }) => {
      return guarded(async () => {
        const { accountId } = parseOptions(accountParams, { accountId: id }, { accountId: "<account>" });
        const { accountDetail } = await import("../../shared/admin/account.js");
        await withPorts(async (ports) => {
          const detail = await accountDetail(ports, accountId);
          output(options.json, detail, () => describeAccount(detail));
        });
      });
    });

  account
    .command("complete")
    .description(
      "complete one account now (default: cut over once synced, window or not) or after a time (--at), recorded",
    )
    .argument("<account>", "account id or source UPN")
    .option(
      "--at <time>",
      "complete after this ISO 8601 time with a zone, e.g. 2025-03-08T19:00:00Z: sets the account's completeAfter",
    )
    .option("--reason <text>", "why, for the operator-actions log")
    .option("--json", "print JSON")
    .addHelpText("after", COMPLETE_HELP)
    .action((id: string, options: CompleteOptions) =>
      guarded(async () => {
        const { accountId } = parseOptions(accountParams, { accountId: id }, { accountId: "<account>" });
        const body = parseOptions(
          accountCompleteBody,
          { at: options.at, reason: options.reason },
          { at: "--at" },
        );
        // `account` has its own --json and takes it wherever it stands, also after `complete`.
        const json = options.json ?? account.opts<{ json?: boolean }>().json;
        const { completeAccount } = await import("../../shared/admin/complete.js");
        await withPorts(async (ports) => {
          const completion = await completeAccount(ports, accountId, body, cliOperator());
          output(json, completion, () => describeCompletion(completion));
        });
      }),
    );

  account
    .command("approve")
    .description(
      "approve a hybrid account's skipped items (Set-MigrationUser -ApproveSkippedItems), so Exchange may complete it, recorded",
    )
    .argument("<account>", "account id or source UPN")
    .option("--reason <text>", "why, for the operator-actions log")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExchange Online holds a move whose data consistency score is Investigate or Poor until its skipped items are\napproved; `mailferry failures` and `mailferry status` show which wait. Exit codes: 0 approved, 1 refused (not a\nhybrid account, or Exchange has no move for it yet), 2 invalid options or unknown account.",
    )
    .action((id: string, options: { reason?: string; json?: boolean }) =>
      guarded(async () => {
        const { accountId } = parseOptions(accountParams, { accountId: id }, { accountId: "<account>" });
        const body = parseOptions(accountApproveBody, { reason: options.reason });
        const json = options.json ?? account.opts<{ json?: boolean }>().json;
        const { approveAccount } = await import("../../shared/admin/hybrid.js");
        await withPorts(async (ports) => {
          const approved = await approveAccount(ports, accountId, body, cliOperator());
          output(
            json,
            approved,
            () => `account ${approved.account.id}: skipped items approved (action ${approved.actionId})`,
          );
        });
      }),
    );
}
