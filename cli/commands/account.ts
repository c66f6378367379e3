import type { Command } from "commander";
import { accountDetail, type AccountDetail } from "../../shared/admin/account.js";
import { accountParams } from "../../shared/admin/requests.js";
import { bytes, table, when } from "./admin-output.js";
import { guarded, output, parseOptions, withPorts } from "./admin-support.js";

function describe(detail: AccountDetail): string {
  const { account } = detail;
  const lines = [
    `account ${account.id}: ${account.status} since ${when(account.statusSince)}`,
    `  wave        ${account.waveId}`,
    `  source      ${account.source.upn}`,
    `  target      ${account.target.upn}`,
    `  attempt     ${account.attempt}, slice ${account.slice}, priority ${account.priority}`,
    `  copied      ${account.progress.items} items, ${bytes(account.progress.bytes)}, ${account.progress.folders} folders`,
    `  skipped     ${account.progress.badItems} bad items, ${account.progress.largeItemsSkipped} large items`,
    ...(account.lease ? [`  leased by   ${account.lease.owner} until ${when(account.lease.expiresAt)}`] : []),
    ...(account.lastError
      ? [`  last error  ${account.lastError.class} (${account.lastError.code}): ${account.lastError.message}`]
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
        ["MAILBOX", "KIND", "FOLDER", "SIZE", "CODE", "AT"],
        ...detail.badItems.map((item) => [
          item.mailbox,
          item.kind,
          item.folderPath,
          bytes(item.sizeBytes),
          item.code,
          when(item.at),
        ]),
      ]),
    );
  }
  return lines.join("\n");
}

/** `mailferry account <account> [--json]`. */
export function registerAccountCommand(program: Command): void {
  program
    .command("account")
    .description("one account: state, progress, bad items and its full history of transitions")
    .argument("<account>", "account id or source UPN")
    .option("--json", "print JSON")
    .action((id: string, options: { json?: boolean }) => {
      return guarded(async () => {
        const { accountId } = parseOptions(accountParams, { accountId: id }, { accountId: "<account>" });
        await withPorts(async (ports) => {
          const detail = await accountDetail(ports, accountId);
          output(options.json, detail, () => describe(detail));
        });
      });
    });
}
