import type { Command } from "commander";
import type { AccountStatistics } from "../../shared/domain/index.js";
import { reportParams, usersQuery } from "../../shared/admin/requests.js";
import type { UsersPage } from "../../shared/admin/users.js";
import { bytes, table, when } from "./admin-output.js";
import { guarded, output, parseOptions, withPorts } from "./admin-support.js";

const HELP = `
One row per account, for both engines: percent complete, items and size synced of the source's
totals, bad and large items skipped, the last successful and last incremental sync, how long the
move has taken, the data consistency verdict (Perfect, Good, Investigate, Poor: Exchange's own
score for hybrid moves, derived from the skipped items for the copy engine) and why the account
waits or is stalled.

Sorts: percent (least complete first), size (largest first), lastSync (longest since a sync
first, never-synced first of all); --descending reverses the order.

Exit codes: 0 listed (even none), 2 invalid options or unknown wave.`;

interface UsersOptions {
  status?: string;
  sort?: string;
  descending?: boolean;
  stalled?: boolean;
  search?: string;
  limit?: string;
  offset?: string;
  json?: boolean;
}

/** `12 of 40` when the source's total is known, else the figure alone. */
function ofTotal(done: string, total: string | undefined): string {
  return total === undefined ? done : `${done} of ${total}`;
}

/** A duration as `3h 20m`, `4m` or `-`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return "-";
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h ${minutes % 60}m` : `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** The statistics columns shared by `wave users` and `account`. */
export function statisticsCells(stats: AccountStatistics): string[] {
  return [
    `${stats.percentComplete} %`,
    ofTotal(
      String(stats.itemsSynced),
      stats.sourceItems === undefined ? undefined : String(stats.sourceItems),
    ),
    ofTotal(bytes(stats.bytesSynced), stats.sourceBytes === undefined ? undefined : bytes(stats.sourceBytes)),
    `${stats.badItems}/${stats.largeItems}`,
    when(stats.lastSyncAt),
    when(stats.lastIncrementalSyncAt),
    duration(stats.durationMs),
    stats.consistency ?? "-",
  ];
}

/** The human rendering of `mailferry wave users`. */
export function describeUsers(page: UsersPage): string {
  if (page.total === 0) return `wave ${page.waveId}: no accounts match`;
  const rows = page.users.map((user) => [
    user.sourceUpn,
    user.targetUpn,
    user.status,
    ...statisticsCells(user.statistics),
    [
      ...(user.statistics.stalled ? ["STALLED"] : []),
      ...(user.statistics.waiting !== undefined ? [user.statistics.waiting] : []),
      ...(user.failure !== undefined ? [`${user.failure.class}: ${user.failure.message}`] : []),
      ...user.statistics.warnings.map((warning) => `warning: ${warning}`),
    ].join("; ") || "-",
  ]);
  const shown = `${page.offset + 1}-${page.offset + page.users.length} of ${page.total}`;
  return [
    table([
      [
        "SOURCE",
        "TARGET",
        "STATUS",
        "DONE",
        "ITEMS",
        "SIZE",
        "BAD/LARGE",
        "LAST SYNC",
        "LAST INCR.",
        "TOOK",
        "CONSISTENCY",
        "WAITING / NOTES",
      ],
      ...rows,
    ]),
    `wave ${page.waveId}: accounts ${shown}`,
  ].join("\n");
}

/** `mailferry wave users <wave> [--status S] [--sort percent|size|lastSync] [--stalled] [--json]`. */
export function registerWaveUsersCommand(program: Command): void {
  const wave = program.commands.find((command) => command.name() === "wave");
  (wave === undefined ? program.command("wave-users") : wave.command("users"))
    .description(
      "a wave's accounts with per-user statistics (percent, items, size, syncs, consistency, waiting)",
    )
    .argument("<wave>", "wave id")
    .option("--status <status>", "only accounts in this status")
    .option("--sort <key>", "percent, size or lastSync")
    .option("--descending", "reverse the sort")
    .option("--stalled", "only stalled accounts")
    .option("--search <text>", "only accounts whose source or target UPN contains this")
    .option("--limit <n>", "at most this many rows (1..1000; all by default)")
    .option("--offset <n>", "skip this many rows first")
    .option("--json", "print JSON")
    .addHelpText("after", HELP)
    .action((id: string, options: UsersOptions) =>
      guarded(async () => {
        const { waveId } = parseOptions(reportParams, { waveId: id }, { waveId: "<wave>" });
        const query = parseOptions(usersQuery, {
          status: options.status,
          sort: options.sort,
          descending: options.descending,
          stalled: options.stalled,
          search: options.search,
          limit: options.limit,
          offset: options.offset,
        });
        await withPorts(async (ports) => {
          const { waveUsers } = await import("../../shared/admin/users.js");
          const page = await waveUsers(ports, waveId, query);
          output(options.json, page, () => describeUsers(page));
        });
      }),
    );
}
