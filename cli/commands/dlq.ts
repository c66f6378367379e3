import type { Command } from "commander";
import type { DrainReport } from "../../shared/admin/deadletters/drain.js";
import { deadLetterListQuery, deadLetterParams, purgeBody, replayBody } from "../../shared/admin/requests.js";
import { EXIT } from "./output.js";
import { table, when } from "./admin-output.js";
import {
  cliOperator,
  guarded,
  output,
  parseOptions,
  progress,
  stopOnSignal,
  withPorts,
} from "./admin-support.js";

interface FilterOptions {
  group?: string;
  reason?: string;
  wave?: string;
  account?: string;
  since?: string;
  until?: string;
  sequence?: string;
  json?: boolean;
}

function filterFields(options: FilterOptions): Record<string, unknown> {
  return {
    group: options.group,
    reason: options.reason,
    waveId: options.wave,
    accountId: options.account,
    since: options.since,
    until: options.until,
    sequenceNumber: options.sequence,
  };
}

function withFilters(command: Command): Command {
  return command
    .option("--group <id>", "messages of this group (see dlq list)")
    .option(
      "--reason <reason>",
      "messages with this reason (e.g. MaxDeliveryCountExceeded, MalformedMessage)",
    )
    .option("--wave <wave>", "messages for this wave")
    .option("--account <account>", "messages for this account (id or source UPN)")
    .option("--since <time>", "enqueued at or after this ISO time")
    .option("--until <time>", "enqueued before this ISO time")
    .option("--sequence <n>", "the message with this sequence number")
    .option("--json", "print JSON");
}

function describeDrain(verb: string, report: DrainReport): string {
  if (report.dryRun) {
    return [
      `dry run: ${report.matched} messages${report.more ? " (or more)" : ""} would be ${verb}`,
      ...report.messages.slice(0, 20).map((m) => `  #${m.sequenceNumber} ${m.messageId}`),
      ...(report.messages.length > 20 ? [`  ... and ${report.messages.length - 20} more`] : []),
    ].join("\n");
  }
  return [
    `${verb} ${report.done} messages${report.stopped ? " before being stopped" : ""} (recorded as action ${report.actionId ?? "-"})`,
    ...(report.more ? ["more matching messages may remain: run again, or raise --max"] : []),
  ].join("\n");
}

function registerList(dlq: Command): void {
  withFilters(dlq.command("list"))
    .description("dead-lettered messages grouped by reason (or wave, account) with counts and times")
    .option("--group-by <key>", "reason (default), wave or account")
    .option("--examples <n>", "examples per group (0-20, default 3)")
    .action((options: FilterOptions & { groupBy?: string; examples?: string }) =>
      guarded(async () => {
        const request = parseOptions(deadLetterListQuery, {
          ...filterFields(options),
          groupBy: options.groupBy,
          examples: options.examples,
        });
        const { listDeadLetters } = await import("../../shared/admin/deadletters/list.js");
        await withPorts(async (ports) => {
          const listing = await listDeadLetters(ports, request);
          output(options.json, listing, () => {
            if (listing.matched === 0) return `no dead-lettered messages on ${listing.queue} match`;
            const head = `${listing.matched} of ${listing.scanned} dead-lettered messages on ${listing.queue}${listing.truncated ? " (listing truncated)" : ""}`;
            const rows = listing.groups.map((group) => [
              group.key,
              group.count,
              when(group.firstAt),
              when(group.lastAt),
              group.reason ?? "",
              group.description ?? "",
            ]);
            const header = [
              listing.groupBy === "reason" ? "GROUP" : listing.groupBy.toUpperCase(),
              "COUNT",
              "FIRST",
              "LAST",
              "REASON",
              "DESCRIPTION",
            ];
            return `${head}\n\n${table([header, ...rows])}`;
          });
        });
      }),
    );
}

function registerShow(dlq: Command): void {
  dlq
    .command("show")
    .description("one dead-lettered message: reason, properties and body")
    .argument("<sequence>", "sequence number (see dlq list)")
    .option("--json", "print JSON")
    .action((sequence: string, options: { json?: boolean }) =>
      guarded(async () => {
        const { sequenceNumber } = parseOptions(
          deadLetterParams,
          { sequenceNumber: sequence },
          { sequenceNumber: "<sequence>" },
        );
        const { showDeadLetter } = await import("../../shared/admin/deadletters/list.js");
        await withPorts(async (ports) => {
          const detail = await showDeadLetter(ports, sequenceNumber);
          output(options.json, detail, () => JSON.stringify(detail, null, 2));
        });
      }),
    );
}

function registerReplay(dlq: Command): void {
  withFilters(dlq.command("replay"))
    .description(
      "re-send dead-lettered messages to their queue (each completed only after it was re-sent); Ctrl-C stops safely",
    )
    .option("--all", "every dead-lettered message (needed when no filter is given)")
    .option("--dry-run", "count and list what would be replayed; change nothing")
    .option("--rate <n>", "at most this many messages per second")
    .option("--max <n>", "at most this many messages (default 500, up to 5000)")
    .addHelpText(
      "after",
      "\nExit codes: 0 done, 1 nothing matched, stopped before the end or failed, 2 invalid options.",
    )
    .action((options: FilterOptions & { all?: boolean; dryRun?: boolean; rate?: string; max?: string }) =>
      guarded(async () => {
        const request = parseOptions(replayBody, {
          ...filterFields(options),
          all: options.all,
          dryRun: options.dryRun,
          ratePerSecond: options.rate,
          max: options.max,
        });
        const { replayDeadLetters } = await import("../../shared/admin/deadletters/drain.js");
        await withPorts(async (ports) => {
          let report: DrainReport;
          if (request.dryRun === true) {
            report = await replayDeadLetters(ports, request, cliOperator());
          } else {
            // On a terminal, count first so the bar has a total; the replay re-checks every message.
            const total = process.stderr.isTTY
              ? (await replayDeadLetters(ports, { ...request, dryRun: true }, cliOperator())).matched
              : 0;
            const bar = await progress("replaying", total);
            const stop = stopOnSignal("the replay");
            try {
              report = await replayDeadLetters(ports, request, cliOperator(), {
                signal: stop.signal,
                onMessage: (done) => bar.update(done),
              });
            } finally {
              stop.dispose();
              bar.stop();
            }
          }
          output(options.json, report, () => describeDrain("replayed", report));
          // A selection that matches nothing is a failure a script must see.
          if (report.stopped || report.matched === 0) process.exitCode = EXIT.failure;
        });
      }),
    );
}

function registerPurge(dlq: Command): void {
  withFilters(dlq.command("purge"))
    .description("remove dead-lettered messages for good; needs --yes (and checks --expect)")
    .option("--all", "every dead-lettered message (needed when no filter is given)")
    .option("--yes", "confirm the purge")
    .option("--expect <n>", "refuse unless exactly this many messages match (as a dry run showed)")
    .addHelpText(
      "after",
      "\nWithout --yes nothing is removed: the matching messages are counted and exit code 2 says so (1 when none match).",
    )
    .action((options: FilterOptions & { all?: boolean; yes?: boolean; expect?: string }) =>
      guarded(async () => {
        const selection = {
          ...filterFields(options),
          all: options.all,
        };
        // Validate the selection (and --expect) before touching anything.
        const dry = parseOptions(purgeBody, { ...selection, dryRun: true, expectedCount: options.expect });
        const { purgeDeadLetters } = await import("../../shared/admin/deadletters/drain.js");
        await withPorts(async (ports) => {
          const counted = await purgeDeadLetters(ports, dry, cliOperator());
          if (options.yes !== true) {
            output(options.json, counted, () =>
              [
                describeDrain("purged", counted),
                `nothing removed: add --yes (and --expect ${counted.matched}) to purge`,
              ].join("\n"),
            );
            process.exitCode = counted.matched === 0 ? EXIT.failure : EXIT.invalidInput;
            return;
          }
          const request = parseOptions(purgeBody, {
            ...selection,
            confirm: true,
            expectedCount: options.expect ?? String(counted.matched),
          });
          const bar = await progress("purging", counted.matched);
          const stop = stopOnSignal("the purge");
          let report: DrainReport;
          try {
            report = await purgeDeadLetters(ports, request, cliOperator(), {
              signal: stop.signal,
              onMessage: (done) => bar.update(done),
            });
          } finally {
            stop.dispose();
            bar.stop();
          }
          output(options.json, report, () => describeDrain("purged", report));
          if (report.stopped) process.exitCode = EXIT.failure;
        });
      }),
    );
}

/** `mailferry dlq list|show|replay|purge`: the `moves` dead-letter queue. */
export function registerDlqCommands(program: Command): void {
  const dlq = program.command("dlq").description("inspect, replay and purge the moves dead-letter queue");
  registerList(dlq);
  registerShow(dlq);
  registerReplay(dlq);
  registerPurge(dlq);
}
