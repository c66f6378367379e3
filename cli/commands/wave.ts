import { type Command, InvalidArgumentError } from "commander";
import { bytes, table, when } from "./admin-output.js";
import { cliOperator, guarded, output, parseOptions, withPorts } from "./admin-support.js";
import {
  ACCOUNT_STATUSES,
  type AccountStatus,
  DEFAULT_INCREMENTAL_HOURS,
  defineWave,
  type FinalizeActions,
  formatWindow,
  isAccountStatus,
  nextWindow,
  openWindow,
  parseWaveId,
  parseWindowSpec,
  zonedTime,
  type Wave,
  type WaveCounts,
  type WaveSettings,
  type WaveWindow,
} from "../../shared/domain/index.js";
import { ValidationError } from "../../shared/errors.js";
import type { AdminPorts } from "../../shared/admin/ports.js";
import { waveOperationBody, waveOperationParams, type WaveOperation } from "../../shared/admin/requests.js";
import type { MigrationStore } from "../../shared/store/index.js";
import { mapLimit } from "../../shared/store/concurrency.js";
import { printJsonLine } from "./output.js";

function hours(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+(\.\d+)?$/.test(value.trim()))
      throw new InvalidArgumentError(`${name} must be a number of hours, e.g. 24 or 0.5`);
    return Number(value);
  };
}

function wholeNumber(name: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(value);
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Reads a size such as `150MB`, `1GiB` or `157286400`. */
function size(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = SIZE_UNITS[(match?.[2] ?? "?").toLowerCase()];
  if (match === null || unit === undefined) {
    throw new InvalidArgumentError("must be a size such as 150MB, 1GiB or a number of bytes");
  }
  return Math.round(Number(match[1]) * unit);
}

function windowOption(value: string, previous: WaveWindow[]): WaveWindow[] {
  const parsed = parseWindowSpec(value);
  if (typeof parsed === "string") throw new InvalidArgumentError(parsed);
  return [...previous, parsed];
}

function accountStatus(value: string): AccountStatus {
  const match = ACCOUNT_STATUSES.find((status) => status.toLowerCase() === value.trim().toLowerCase());
  if (match === undefined || !isAccountStatus(match)) {
    throw new InvalidArgumentError(`must be one of ${ACCOUNT_STATUSES.join(", ")}`);
  }
  return match;
}

/** Opens the store a wave command works on; the store is closed when the command ends. */
export type OpenStore = () => Promise<MigrationStore>;

/** Opens the admin ports for `work` (the settings' Table Storage and Service Bus) and closes them. */
export type WithPorts = (work: (ports: AdminPorts) => Promise<void>) => Promise<void>;

// Loaded when a command runs, so that building the command tree (and --help) stays cheap.
const openTablesStore: OpenStore = async () => {
  const [{ tablesSettings }, { createStore }, { createLogger }] = await Promise.all([
    import("../../shared/config/index.js"),
    import("../../shared/store/index.js"),
    import("../../shared/telemetry/logger.js"),
  ]);
  return createStore(tablesSettings(), { logger: createLogger() });
};

function windowState(wave: Wave, now: Date): string {
  const open = openWindow(wave, now);
  if (open !== undefined) {
    return `open: ${formatWindow(open.window)} until ${zonedTime(open.end, wave.timeZone)}`;
  }
  const next = nextWindow(wave, now);
  return next === undefined
    ? "no window ahead"
    : `next: ${formatWindow(next.window)} from ${zonedTime(next.start, wave.timeZone)}`;
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

/** The cutover settings of a wave, one line each (the optional ones when set). */
function cutoverLines(wave: Wave): string[] {
  const { finalize } = wave;
  return [
    `  prestage         ${wave.prestage ? "yes (initial copy runs outside the windows too)" : "no (initial copy only in a window)"}`,
    `  incremental      ${wave.incrementalHours === 0 ? "off" : `every ${wave.incrementalHours} h`}`,
    `  cutover unsynced ${wave.cutoverUnsynced ? "yes (cut over in the window its initial copy finished in)" : "no (waits for the next window)"}`,
    `  mirror deletions ${yesNo(wave.mirrorDeletions)}`,
    ...(wave.archiveAgeMonths === undefined
      ? []
      : [`  archive after    ${wave.archiveAgeMonths} months (older items go to the archive)`]),
    ...(finalize.licenseSkuId === undefined ? [] : [`  licence SKU      ${finalize.licenseSkuId}`]),
    ...(finalize.notify === undefined
      ? []
      : [
          `  notify from      ${finalize.notify.from}`,
          `  notify subject   ${finalize.notify.subject}`,
          `  notify body      ${finalize.notify.body.length} characters`,
        ]),
    `  announce         ${yesNo(finalize.announce)}`,
    ...(wave.completeAfter === undefined ? [] : [`  complete after   ${wave.completeAfter}`]),
    ...(wave.completeNow === undefined ? [] : [`  complete now     asked ${wave.completeNow}`]),
  ];
}

/** A hybrid wave's settings, one line each. */
function hybridLines(wave: Wave): string[] {
  const hybrid = wave.hybrid;
  if (hybrid === undefined) return [];
  return [
    `  endpoint         ${hybrid.endpoint} (MaxConcurrentMigrations ${hybrid.maxConcurrentMigrations})`,
    `  delivery domain  ${hybrid.targetDeliveryDomain}`,
    ...(hybrid.archiveDomain === undefined ? [] : [`  archive domain   ${hybrid.archiveDomain}`]),
    `  mailboxes        ${hybrid.mailboxes}`,
    `  auto-approve     up to ${hybrid.autoApprove} (lower scores wait for mailferry account approve)`,
    `  retention        ${hybrid.retentionDays} days, then completed moves are removed`,
    `  licence          ${hybrid.requireLicence ? "required by pre-flight" : "not checked"}`,
  ];
}

/** The human rendering of a wave (wave create and wave show). */
export function describeWave(wave: Wave, counts: WaveCounts | undefined, now: Date): string {
  const lines = [
    `wave ${wave.id}: ${wave.status}${wave.description ? ` (${wave.description})` : ""}`,
    `  time zone        ${wave.timeZone}`,
    ...wave.windows.map((window, i) => `  window ${String(i).padEnd(9)} ${formatWindow(window)}`),
    `  windows          ${windowState(wave, now)}`,
    `  engine           ${wave.engine}${wave.engine === "hybrid" ? " (Exchange's own moves from on premises)" : " (copy through Graph)"}`,
    ...hybridLines(wave),
    `  in flight cap    ${wave.inFlightCap}`,
    `  bad item limit   ${wave.badItemLimit}`,
    `  large item limit ${bytes(wave.largeItemLimitBytes)}`,
    ...cutoverLines(wave),
  ];
  if (counts !== undefined) {
    lines.push(`  accounts         ${counts.accounts}`);
    for (const status of ACCOUNT_STATUSES) {
      if (counts.byStatus[status] > 0) lines.push(`    ${status.padEnd(22)} ${counts.byStatus[status]}`);
    }
    lines.push(
      `  copied           ${counts.items} items, ${bytes(counts.bytes)}, ${counts.folders} folders`,
      `  skipped          ${counts.badItems} bad items, ${counts.largeItemsSkipped} large items`,
    );
  }
  return lines.join("\n");
}

/** The options of `mailferry wave create`, as commander parses them. */
export interface CreateOptions {
  timeZone: string;
  description?: string;
  window: WaveWindow[];
  inFlightCap?: number;
  badItemLimit?: number;
  largeItemLimit?: number;
  completeAfter?: string;
  /** False with --no-prestage. */
  prestage?: boolean;
  incrementalHours?: number;
  cutoverUnsynced?: boolean;
  mirrorDeletions?: boolean;
  archiveAgeMonths?: number;
  licenseSku?: string;
  notifyFrom?: string;
  notifySubject?: string;
  notifyBody?: string;
  announce?: boolean;
  engine?: string;
  endpoint?: string;
  targetDeliveryDomain?: string;
  archiveDomain?: string;
  primaryOnly?: boolean;
  archiveOnly?: boolean;
  autoApprove?: string;
  retentionDays?: number;
  requireLicence?: boolean;
  maxConcurrentMigrations?: number;
  json?: boolean;
}

const HYBRID_OPTIONS = [
  ["endpoint", "--endpoint"],
  ["targetDeliveryDomain", "--target-delivery-domain"],
  ["archiveDomain", "--archive-domain"],
  ["primaryOnly", "--primary-only"],
  ["archiveOnly", "--archive-only"],
  ["autoApprove", "--auto-approve"],
  ["retentionDays", "--retention-days"],
  ["requireLicence", "--require-licence"],
  ["maxConcurrentMigrations", "--max-concurrent-migrations"],
] as const;

/** The engine and, for a hybrid wave, its settings (ValidationError naming the option when they clash). */
function engineFrom(options: CreateOptions): Pick<WaveSettings, "engine" | "hybrid"> {
  const given = HYBRID_OPTIONS.filter(([key]) => options[key] !== undefined);
  if (options.engine === undefined || options.engine === "graph") {
    if (given.length > 0)
      throw new ValidationError(
        given.map(([, flag]) => flag).join(", "),
        "applies to hybrid waves: add --engine hybrid",
      );
    return options.engine === undefined ? {} : { engine: "graph" };
  }
  if (options.engine !== "hybrid") throw new ValidationError("--engine", "must be graph or hybrid");
  if (options.primaryOnly === true && options.archiveOnly === true)
    throw new ValidationError("--primary-only", "cannot be combined with --archive-only");
  const autoApprove = options.autoApprove;
  if (
    autoApprove !== undefined &&
    autoApprove !== "Good" &&
    autoApprove !== "Investigate" &&
    autoApprove !== "Poor"
  )
    throw new ValidationError("--auto-approve", "must be Good, Investigate or Poor");
  return {
    engine: "hybrid",
    hybrid: {
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.targetDeliveryDomain === undefined
        ? {}
        : { targetDeliveryDomain: options.targetDeliveryDomain }),
      ...(options.archiveDomain === undefined ? {} : { archiveDomain: options.archiveDomain }),
      ...(options.primaryOnly === true ? { mailboxes: "PrimaryOnly" as const } : {}),
      ...(options.archiveOnly === true ? { mailboxes: "ArchiveOnly" as const } : {}),
      ...(autoApprove === undefined ? {} : { autoApprove }),
      ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
      ...(options.requireLicence === true ? { requireLicence: true } : {}),
      ...(options.maxConcurrentMigrations === undefined
        ? {}
        : { maxConcurrentMigrations: options.maxConcurrentMigrations }),
    },
  };
}

const NOTIFY_OPTIONS = [
  ["notifyFrom", "--notify-from"],
  ["notifySubject", "--notify-subject"],
  ["notifyBody", "--notify-body"],
] as const;

/** The cutover notice: all three notify options or none (ValidationError naming the missing ones). */
function noticeFrom(options: CreateOptions): FinalizeActions["notify"] {
  const given = NOTIFY_OPTIONS.filter(([key]) => options[key] !== undefined);
  if (given.length === 0) return undefined;
  const missing = NOTIFY_OPTIONS.filter(([key]) => options[key] === undefined).map(([, flag]) => flag);
  if (missing.length > 0) {
    throw new ValidationError(
      missing.join(", "),
      `the cutover notice needs --notify-from, --notify-subject and --notify-body together; ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} missing`,
    );
  }
  return {
    from: options.notifyFrom ?? "",
    subject: options.notifySubject ?? "",
    body: options.notifyBody ?? "",
  };
}

/** The wave settings `mailferry wave create` gives defineWave (which validates them). */
export function waveSettingsFromOptions(id: string, options: CreateOptions): WaveSettings {
  const notify = noticeFrom(options);
  const finalize: Partial<FinalizeActions> = {
    ...(options.licenseSku === undefined ? {} : { licenseSkuId: options.licenseSku }),
    ...(notify === undefined ? {} : { notify }),
    ...(options.announce === undefined ? {} : { announce: options.announce }),
  };
  return {
    id,
    timeZone: options.timeZone,
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.window.length === 0 ? {} : { windows: options.window }),
    ...(options.inFlightCap === undefined ? {} : { inFlightCap: options.inFlightCap }),
    ...(options.badItemLimit === undefined ? {} : { badItemLimit: options.badItemLimit }),
    ...(options.largeItemLimit === undefined ? {} : { largeItemLimitBytes: options.largeItemLimit }),
    ...(options.completeAfter === undefined ? {} : { completeAfter: options.completeAfter }),
    ...(options.prestage === undefined ? {} : { prestage: options.prestage }),
    ...(options.incrementalHours === undefined ? {} : { incrementalHours: options.incrementalHours }),
    ...(options.cutoverUnsynced === undefined ? {} : { cutoverUnsynced: options.cutoverUnsynced }),
    ...(options.mirrorDeletions === undefined ? {} : { mirrorDeletions: options.mirrorDeletions }),
    ...(options.archiveAgeMonths === undefined ? {} : { archiveAgeMonths: options.archiveAgeMonths }),
    ...(Object.keys(finalize).length === 0 ? {} : { finalize }),
    ...engineFrom(options),
  };
}

/**
 * `mailferry wave create|list|show|pause|resume|cancel|repair`; `openStore` is Table Storage and
 * `withAdminPorts` the admin ports from the settings unless a test gives others.
 */
export function registerWaveCommands(
  program: Command,
  openStore: OpenStore = openTablesStore,
  withAdminPorts: WithPorts = withPorts,
): void {
  async function withStore<T>(work: (store: MigrationStore) => Promise<T>): Promise<T> {
    const store = await openStore();
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  }

  /** Pause, resume and cancel: the admin API's use case, so each is recorded in `actions`. */
  function registerStatusCommand(wave: Command, operation: WaveOperation, summary: string): void {
    wave
      .command(operation)
      .description(`${summary}, recorded`)
      .argument("<wave>", "wave id")
      .option("--reason <text>", "why, for the operator-actions log")
      .option("--json", "print JSON")
      .addHelpText(
        "after",
        "\nExit codes: 0 done, 1 refused (the change is not allowed from the wave's status), 2 invalid options or unknown wave.",
      )
      .action((id: string, options: { reason?: string; json?: boolean }) =>
        guarded(async () => {
          const { waveId } = parseOptions(
            waveOperationParams,
            { waveId: id, operation },
            { waveId: "<wave>" },
          );
          const body = parseOptions(waveOperationBody, { reason: options.reason });
          const { changeWave } = await import("../../shared/admin/waves.js");
          await withAdminPorts(async (ports) => {
            const { wave: changed, actionId } = await changeWave(
              ports,
              waveId,
              operation,
              body,
              cliOperator(),
            );
            const { etag: _etag, ...shown } = changed;
            output(
              options.json,
              { wave: shown, actionId },
              () =>
                `wave ${changed.id} is ${changed.status} (action ${actionId}, ${when(changed.updatedAt)})`,
            );
          });
        }),
      );
  }

  const wave = program.command("wave").description("define and steer migration waves");

  wave
    .command("create")
    .description(
      "define a wave (Scheduled); default windows: Mon-Thu 19:00-07:00 x22000, Fri 19:00-Mon 07:00 x83000",
    )
    .argument("<wave>", "wave id: lower-case letters, digits and hyphens")
    .requiredOption(
      "--time-zone <zone>",
      "time zone of the windows: IANA (Europe/London) or Windows (GMT Standard Time, kept as its IANA id)",
    )
    .option("--description <text>", "what the wave is")
    .option(
      "--window <spec>",
      'cutover window, repeatable: "<days> <start>-<end> <capacity>", e.g. "Mon-Thu 19:00-07:00 22000"',
      windowOption,
      [],
    )
    .option("--in-flight-cap <n>", "most accounts in flight at once", wholeNumber("--in-flight-cap"))
    .option("--bad-item-limit <n>", "bad items an account may skip", wholeNumber("--bad-item-limit"))
    .option("--large-item-limit <size>", "items above this size are skipped, e.g. 150MB", size)
    .option("--complete-after <time>", "earliest final cutover, ISO 8601 with a zone")
    .option("--no-prestage", "copy mailboxes only inside cutover windows (default: pre-stage at any time)")
    .option(
      "--incremental-hours <n>",
      `hours between incremental passes of a synced account; 0 turns them off (default ${DEFAULT_INCREMENTAL_HOURS})`,
      hours("--incremental-hours"),
    )
    .option(
      "--cutover-unsynced",
      "cut an account over in the window its initial copy finished in (default: wait for the next window)",
    )
    .option("--mirror-deletions", "delete in the target what was deleted at the source")
    .option(
      "--archive-age-months <n>",
      "items older than this many months go to the target's archive mailbox",
      wholeNumber("--archive-age-months"),
    )
    .option("--license-sku <guid>", "licence SKU id assigned to each target user at cutover")
    .option(
      "--notify-from <upn>",
      "cutover notice: the target mailbox it is sent from (with subject and body)",
    )
    .option(
      "--notify-subject <text>",
      "cutover notice subject; {displayName}, {upn}, {cutoverTime} are filled in",
    )
    .option("--notify-body <text>", "cutover notice body; {displayName}, {upn}, {cutoverTime} are filled in")
    .option("--announce", "publish each cutover on the cutovers queue")
    .option(
      "--engine <engine>",
      "graph (copy between Exchange Online tenants, the default) or hybrid (Exchange's own moves from on premises)",
    )
    .option(
      "--endpoint <name>",
      "hybrid: the ExchangeRemoteMove migration endpoint (mailferry endpoint create)",
    )
    .option(
      "--target-delivery-domain <domain>",
      "hybrid: the routing domain, e.g. contoso.mail.onmicrosoft.com",
    )
    .option("--archive-domain <domain>", "hybrid: where archives move to when they move too")
    .option("--primary-only", "hybrid: move primary mailboxes only, archives stay on premises")
    .option(
      "--archive-only",
      "hybrid: move archives only (Exchange Online Archiving), needs --archive-domain",
    )
    .option(
      "--auto-approve <score>",
      "hybrid: lowest data consistency score completed without an operator (Good, Investigate, Poor; default Good)",
    )
    .option(
      "--retention-days <n>",
      "hybrid: days a completed move stays in Exchange before it is removed (default 7)",
      wholeNumber("--retention-days"),
    )
    .option("--require-licence", "hybrid: pre-flight fails accounts whose target user has no licence")
    .option(
      "--max-concurrent-migrations <n>",
      "hybrid: the endpoint's MaxConcurrentMigrations (default 100); release keeps that many moves in Exchange and a margin",
      wholeNumber("--max-concurrent-migrations"),
    )
    .option("--json", "print the created wave as JSON")
    .action(async (id: string, options: CreateOptions) => {
      const now = new Date();
      const record = defineWave(waveSettingsFromOptions(id, options), now);
      const created = await withStore((store) => store.waves.create(record));
      const { etag: _etag, ...shown } = created;
      output(options.json, { wave: shown }, () => `created ${describeWave(created, undefined, now)}`);
    });

  wave
    .command("list")
    .description("list waves with their status and account totals")
    .option("--json", "one JSON line per wave")
    .action(async (options: { json?: boolean }) => {
      const now = new Date();
      const rows = await withStore(async (store) => {
        const waves = await store.waves.list();
        const counts = await mapLimit(waves, 4, (w) => store.counters.waveCounts(w.id));
        return waves.map((w, i) => ({ wave: w, counts: counts[i] }));
      });
      if (options.json === true) {
        for (const row of rows) printJsonLine(row);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write("no waves yet: create one with mailferry wave create\n");
        return;
      }
      const lines = [["WAVE", "STATUS", "TIME ZONE", "ACCOUNTS", "DONE", "FAILED", "WINDOW"]];
      for (const { wave: w, counts } of rows) {
        const done = (counts?.byStatus.Completed ?? 0) + (counts?.byStatus.CompletedWithWarnings ?? 0);
        lines.push([
          w.id,
          w.status,
          w.timeZone,
          String(counts?.accounts ?? 0),
          String(done),
          String(counts?.byStatus.Failed ?? 0),
          windowState(w, now),
        ]);
      }
      process.stdout.write(`${table(lines)}\n`);
    });

  wave
    .command("show")
    .description("show a wave's settings and totals, or its accounts in one status")
    .argument("<wave>", "wave id")
    .option(
      "--status <status>",
      `list the accounts in this status (${ACCOUNT_STATUSES.join(", ")})`,
      accountStatus,
    )
    .option("--limit <n>", "accounts per page (1-1000)", wholeNumber("--limit"), 50)
    .option("--page <token>", "continuation token printed by the previous page")
    .option("--json", "print JSON")
    .action(
      async (
        id: string,
        options: { status?: AccountStatus; limit: number; page?: string; json?: boolean },
      ) => {
        const waveId = parseWaveId(id, "wave");
        const now = new Date();
        await withStore(async (store) => {
          const found = await store.waves.get(waveId);
          if (options.status === undefined) {
            const counts = await store.counters.waveCounts(waveId);
            if (options.json === true) printJsonLine({ wave: found, counts });
            else process.stdout.write(`${describeWave(found, counts, now)}\n`);
            return;
          }
          const page = await store.accounts.listByStatus(waveId, options.status, {
            limit: options.limit,
            ...(options.page === undefined ? {} : { continuationToken: options.page }),
          });
          if (options.json === true) {
            printJsonLine(page);
            return;
          }
          const lines = [["ACCOUNT", "TARGET", "PRIORITY", "ATTEMPT", "SINCE", "LAST ERROR"]];
          for (const account of page.items) {
            lines.push([
              account.source.upn,
              account.target.upn,
              String(account.priority),
              String(account.attempt),
              account.statusSince,
              account.lastError === undefined
                ? ""
                : `${account.lastError.class}: ${account.lastError.message}`,
            ]);
          }
          process.stdout.write(`${table(lines)}\n`);
          if (page.continuationToken !== undefined) {
            process.stdout.write(`more: --page ${page.continuationToken}\n`);
          }
        });
      },
    );

  registerStatusCommand(wave, "pause", "stop releasing accounts of a wave (accounts in flight finish)");
  registerStatusCommand(wave, "resume", "release accounts of a paused or scheduled wave again");
  registerStatusCommand(wave, "cancel", "cancel a wave for good");

  wave
    .command("repair")
    .description("recount a wave's accounts and fix its counters if they drifted")
    .argument("<wave>", "wave id")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const waveId = parseWaveId(id, "wave");
      const repair = await withStore(async (store) => {
        await store.waves.get(waveId);
        return store.counters.repairCounters(waveId);
      });
      output(options.json, { waveId, ...repair }, () =>
        repair.drifted
          ? `wave ${waveId}: counters had drifted (${repair.before.accounts} accounts counted, ${repair.after.accounts} found) and were rewritten`
          : `wave ${waveId}: counters were exact (${repair.after.accounts} accounts)`,
      );
    });
}
