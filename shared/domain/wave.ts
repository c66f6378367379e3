import { z } from "zod";
import { ValidationError } from "../errors.js";
import { ianaTimeZone, TIME_ZONE_RULE } from "./zones.js";
import { IllegalTransitionError } from "./errors.js";
import { parseWaveId } from "./ids.js";
import { type IsoTime } from "./account.js";
import {
  CLOCK_PATTERN,
  END_PATTERN,
  findOverlap,
  type WaveWindow,
  WEEKDAYS,
  windowProblem,
} from "./windows.js";

export const WAVE_STATUSES = ["Scheduled", "Active", "Paused", "Completed", "Cancelled"] as const;

/**
 * How a wave's accounts move: `graph` copies content through the Graph mailbox import/export API
 * (Exchange Online to Exchange Online); `hybrid` has Exchange Online's Mailbox Replication Service
 * move on-premises mailboxes in a hybrid deployment.
 */
export const MOVE_ENGINES = ["graph", "hybrid"] as const;
export type MoveEngineKind = (typeof MOVE_ENGINES)[number];

/** Which parts of each mailbox a hybrid wave moves (Exchange's MailboxType). */
export const HYBRID_MAILBOXES = ["PrimaryAndArchive", "PrimaryOnly", "ArchiveOnly"] as const;
export type HybridMailboxes = (typeof HYBRID_MAILBOXES)[number];

/** Data consistency scores, best first, as Exchange Online grades a move's skipped items. */
export const CONSISTENCY_SCORES = ["Perfect", "Good", "Investigate", "Poor"] as const;
export type ConsistencyScore = (typeof CONSISTENCY_SCORES)[number];

/** What a hybrid wave needs besides what every wave has. */
export interface HybridSettings {
  /** The ExchangeRemoteMove migration endpoint; it holds the on-premises credential, nothing else does. */
  readonly endpoint: string;
  /** The routing domain mail reaches moved mailboxes at, e.g. contoso.mail.onmicrosoft.com. */
  readonly targetDeliveryDomain: string;
  /** Where archives move to when they move too (Exchange's ArchiveDomain). */
  readonly archiveDomain?: string;
  readonly mailboxes: HybridMailboxes;
  /**
   * The lowest data consistency score that completes without an operator. Exchange completes
   * Perfect and Good on its own; with `Investigate` (or `Poor`) mailferry approves those skipped
   * items itself, recorded; the others wait for `mailferry account approve` or `wave approve`.
   */
  readonly autoApprove: "Good" | "Investigate" | "Poor";
  /** Days a completed move is kept in Exchange before mailferry removes it. */
  readonly retentionDays: number;
  /** Pre-flight fails an account whose target user has no licence. */
  readonly requireLicence: boolean;
  /** The endpoint's MaxConcurrentMigrations: release keeps that many moves in Exchange, and a margin. */
  readonly maxConcurrentMigrations: number;
}
export type WaveStatus = (typeof WAVE_STATUSES)[number];

/**
 * Allowed wave status changes. The scheduler activates a scheduled wave and completes one whose
 * accounts have all settled; operators pause, resume and cancel; Cancelled is final, and Completed
 * is left only when an operator retries failed accounts of the wave, which opens it again.
 */
export const WAVE_TRANSITIONS: Readonly<Record<WaveStatus, readonly WaveStatus[]>> = {
  Scheduled: ["Active", "Paused", "Cancelled"],
  Active: ["Paused", "Completed", "Cancelled"],
  Paused: ["Active", "Cancelled"],
  Completed: ["Active"],
  Cancelled: [],
};

/** A group of accounts moved together within recurring cutover windows. */
export interface WaveRecord {
  readonly id: string;
  readonly description: string;
  /** IANA time zone the windows are written in, e.g. `Europe/London`. */
  readonly timeZone: string;
  readonly windows: readonly WaveWindow[];
  /** Most accounts of the wave that may be Queued, Syncing or Completing at once. */
  readonly inFlightCap: number;
  /** Bad items an account may skip and still complete (with warnings). */
  readonly badItemLimit: number;
  /** Items larger than this are skipped and counted. */
  readonly largeItemLimitBytes: number;
  readonly status: WaveStatus;
  /** Accounts may start their final cutover only after this instant, when set. */
  readonly completeAfter?: IsoTime;
  /** An operator asked at this instant to cut every synced account over now, window or not. */
  readonly completeNow?: IsoTime;
  /** Whether the initial copy may start outside the cutover windows (pre-staging). */
  readonly prestage: boolean;
  /** Hours between incremental passes of a synced account; 0 turns them off. */
  readonly incrementalHours: number;
  /** Whether an account still copying when a window opens may be cut over in that window. */
  readonly cutoverUnsynced: boolean;
  /** Whether items and folders deleted at the source are deleted in the target too. */
  readonly mirrorDeletions: boolean;
  /** Items older than this many months go to the target's archive mailbox, when set. */
  readonly archiveAgeMonths?: number;
  readonly finalize: FinalizeActions;
  readonly engine: MoveEngineKind;
  /** Set exactly when the engine is `hybrid`. */
  readonly hybrid?: HybridSettings;
  readonly createdAt: IsoTime;
  readonly updatedAt: IsoTime;
}

/** A notification mail sent to each user at cutover. */
export interface CutoverNotice {
  /** Mailbox (UPN) in the target tenant the notice is sent from. */
  readonly from: string;
  /** `{displayName}`, `{upn}` and `{cutoverTime}` are replaced per user. */
  readonly subject: string;
  readonly body: string;
}

/** What the cutover does after the final pass, each step optional and safe to repeat. */
export interface FinalizeActions {
  /** Licence (SKU id) assigned to the target user, after checking its usage location. */
  readonly licenseSkuId?: string;
  readonly notify?: CutoverNotice;
  /** Publish a message on the `cutovers` queue for routing changes made outside Graph. */
  readonly announce: boolean;
}

/** A wave as read from a store, with the version its next write must match. */
export type Wave = WaveRecord & { readonly etag: string };

/** What an operator chooses when defining a wave; everything but id and time zone has a default. */
export interface WaveSettings {
  readonly id: string;
  readonly description?: string;
  readonly timeZone: string;
  readonly windows?: readonly WaveWindow[];
  readonly inFlightCap?: number;
  readonly badItemLimit?: number;
  readonly largeItemLimitBytes?: number;
  readonly completeAfter?: string;
  readonly completeNow?: string;
  readonly prestage?: boolean;
  readonly incrementalHours?: number;
  readonly cutoverUnsynced?: boolean;
  readonly mirrorDeletions?: boolean;
  readonly archiveAgeMonths?: number;
  readonly finalize?: Partial<FinalizeActions>;
  /** Default `graph`. */
  readonly engine?: MoveEngineKind;
  /** Required for a hybrid wave: at least the endpoint and the target delivery domain. */
  readonly hybrid?: Partial<HybridSettings>;
}

/** A hybrid wave's defaults. */
export const DEFAULT_HYBRID: Omit<HybridSettings, "endpoint" | "targetDeliveryDomain"> = {
  mailboxes: "PrimaryAndArchive",
  autoApprove: "Good",
  retentionDays: 7,
  requireLicence: false,
  maxConcurrentMigrations: 100,
};

/** The example the README uses: 22,000 accounts per weekday evening, 83,000 per weekend. */
export const DEFAULT_WINDOWS: readonly WaveWindow[] = [
  { days: ["Mon", "Tue", "Wed", "Thu"], start: "19:00", end: "07:00", capacity: 22_000 },
  { days: ["Fri"], start: "19:00", end: "Mon 07:00", capacity: 83_000 },
];
export const DEFAULT_IN_FLIGHT_CAP = 2_000;
export const DEFAULT_BAD_ITEM_LIMIT = 10;
/** The largest message the Graph import path accepts in one upload. */
export const DEFAULT_LARGE_ITEM_LIMIT_BYTES = 150 * 1024 * 1024;
/** Exchange Online's own migration batches run an incremental sync once a day. */
export const DEFAULT_INCREMENTAL_HOURS = 24;

/** Whether the runtime knows `zone` as an IANA time zone. */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === "" || zone !== zone.trim()) return false;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const instant = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 time with a zone, e.g. 2025-03-01T19:00:00Z",
});

const windowSchema = z
  .object({
    days: z
      .array(z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(", ")}` }))
      .min(1, "needs at least one day")
      .refine((days) => new Set(days).size === days.length, "lists a day twice"),
    start: z.string().regex(CLOCK_PATTERN, "must be a time of day HH:MM"),
    end: z.string().regex(END_PATTERN, 'must be HH:MM, 24:00, or a weekday and a time such as "Mon 07:00"'),
    capacity: z.number().int("must be a whole number").positive("must be at least 1").max(10_000_000),
  })
  .strict();

const settingsShape = {
  description: z.string().max(500, "must be at most 500 characters"),
  timeZone: z.string().refine(isTimeZone, `is not ${TIME_ZONE_RULE}`),
  windows: z
    .array(windowSchema)
    .min(1, "needs at least one window")
    .max(28, "has more than 28 windows")
    .superRefine((windows, context) => {
      // Refinements run even when a window failed its own checks; overlaps need valid times.
      if (windows.some((window) => windowProblem(window) !== undefined)) return;
      const overlap = findOverlap(windows);
      if (overlap !== undefined) context.addIssue({ code: "custom", message: overlap });
    }),
  inFlightCap: z.number().int("must be a whole number").positive("must be at least 1").max(1_000_000),
  badItemLimit: z.number().int("must be a whole number").min(0, "must be at least 0").max(1_000_000),
  largeItemLimitBytes: z
    .number()
    .int("must be a whole number")
    .min(1024, "must be at least 1 KiB")
    .max(10 * 1024 ** 3, "must be at most 10 GiB"),
  completeAfter: instant.optional(),
  completeNow: instant.optional(),
  prestage: z.boolean(),
  // Fractions are allowed (0.5 is every half hour); at most a quarter of a year.
  incrementalHours: z
    .number()
    .min(0, "must be at least 0")
    .max(24 * 90, "must be at most 2160 (90 days)"),
  cutoverUnsynced: z.boolean(),
  mirrorDeletions: z.boolean(),
  archiveAgeMonths: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(1200, "must be at most 1200")
    .optional(),
  finalize: z
    .object({
      licenseSkuId: z.uuid("must be a licence SKU id (a GUID)").optional(),
      notify: z
        .object({
          from: z.email("must be the UPN of the mailbox that sends the notice"),
          subject: z.string().min(1, "needs a subject").max(255, "must be at most 255 characters"),
          body: z.string().min(1, "needs a body").max(20_000, "must be at most 20,000 characters"),
        })
        .strict()
        .optional(),
      announce: z.boolean(),
    })
    .strict(),
};

const DOMAIN =
  /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

const hybridSchema = z
  .object({
    endpoint: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/,
        "must be a migration endpoint name such as OnPremEndpoint",
      ),
    targetDeliveryDomain: z.string().regex(DOMAIN, "must be a domain such as contoso.mail.onmicrosoft.com"),
    archiveDomain: z
      .string()
      .regex(DOMAIN, "must be a domain such as contoso.mail.onmicrosoft.com")
      .optional(),
    mailboxes: z.enum(HYBRID_MAILBOXES, { message: `must be one of ${HYBRID_MAILBOXES.join(", ")}` }),
    autoApprove: z.enum(["Good", "Investigate", "Poor"], { message: "must be Good, Investigate or Poor" }),
    retentionDays: z
      .number()
      .int("must be a whole number")
      .min(0, "must be at least 0")
      .max(365, "must be at most 365"),
    requireLicence: z.boolean(),
    maxConcurrentMigrations: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10_000, "must be at most 10,000"),
  })
  .strict()
  .refine((hybrid) => hybrid.mailboxes !== "ArchiveOnly" || hybrid.archiveDomain !== undefined, {
    message: "archive-only moves need archiveDomain, the domain the archives move to",
    path: ["archiveDomain"],
  });

const settingsSchema = z
  .object({ ...settingsShape, engine: z.enum(MOVE_ENGINES), hybrid: hybridSchema.optional() })
  .strict()
  .superRefine((values, context) => {
    if (values.engine === "hybrid") {
      if (values.hybrid === undefined)
        context.addIssue({
          code: "custom",
          path: ["hybrid"],
          message: "a hybrid wave needs an endpoint and a target delivery domain",
        });
      if (values.archiveAgeMonths !== undefined)
        context.addIssue({
          code: "custom",
          path: ["archiveAgeMonths"],
          message: "applies to copy waves only; Exchange moves archives as they are",
        });
      if (values.mirrorDeletions)
        context.addIssue({
          code: "custom",
          path: ["mirrorDeletions"],
          message: "applies to copy waves only; Exchange keeps the mailbox in step itself",
        });
    } else if (values.hybrid !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["hybrid"],
        message: "only a hybrid wave (engine hybrid) has hybrid settings",
      });
    }
  });

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    "",
  );
}

function invalid(where: string, error: z.ZodError): ValidationError {
  const problems = error.issues.map((issue) => {
    const path = pathText(issue.path);
    return path && !issue.message.startsWith(path) ? `${path} ${issue.message}` : issue.message;
  });
  return new ValidationError(where, problems.join("; "));
}

type SettingsValues = z.infer<typeof settingsSchema>;

function checkSettings(values: SettingsValues, where: string): SettingsValues {
  const result = settingsSchema.safeParse(values);
  if (!result.success) throw invalid(where, result.error);
  return result.data;
}

/** Validates a wave definition, fills in defaults and returns a Scheduled wave. */
export function defineWave(settings: WaveSettings, now: Date): WaveRecord {
  const id = parseWaveId(settings.id, "wave.id");
  const values = checkSettings(
    {
      description: settings.description ?? "",
      // A Windows id (GMT Standard Time) is kept as its IANA id (Europe/London).
      timeZone: ianaTimeZone(settings.timeZone),
      windows: (settings.windows ?? DEFAULT_WINDOWS).map((window) => ({ ...window, days: [...window.days] })),
      inFlightCap: settings.inFlightCap ?? DEFAULT_IN_FLIGHT_CAP,
      badItemLimit: settings.badItemLimit ?? DEFAULT_BAD_ITEM_LIMIT,
      largeItemLimitBytes: settings.largeItemLimitBytes ?? DEFAULT_LARGE_ITEM_LIMIT_BYTES,
      completeAfter: settings.completeAfter,
      completeNow: settings.completeNow,
      prestage: settings.prestage ?? true,
      incrementalHours: settings.incrementalHours ?? DEFAULT_INCREMENTAL_HOURS,
      cutoverUnsynced: settings.cutoverUnsynced ?? false,
      mirrorDeletions: settings.mirrorDeletions ?? false,
      archiveAgeMonths: settings.archiveAgeMonths,
      finalize: {
        ...(settings.finalize?.licenseSkuId === undefined
          ? {}
          : { licenseSkuId: settings.finalize.licenseSkuId }),
        ...(settings.finalize?.notify === undefined ? {} : { notify: { ...settings.finalize.notify } }),
        announce: settings.finalize?.announce ?? false,
      },
      engine: settings.engine ?? "graph",
      hybrid:
        settings.hybrid === undefined
          ? undefined
          : ({
              ...DEFAULT_HYBRID,
              ...Object.fromEntries(
                Object.entries(settings.hybrid).filter(([, value]) => value !== undefined),
              ),
              // Checked below: a missing endpoint or domain is a validation error naming it.
            } as HybridSettings),
    },
    `wave ${id}`,
  );
  const at = now.toISOString();
  return {
    id,
    description: values.description,
    timeZone: values.timeZone,
    windows: values.windows,
    inFlightCap: values.inFlightCap,
    badItemLimit: values.badItemLimit,
    largeItemLimitBytes: values.largeItemLimitBytes,
    status: "Scheduled",
    ...(values.completeAfter === undefined
      ? {}
      : { completeAfter: new Date(values.completeAfter).toISOString() }),
    ...(values.completeNow === undefined ? {} : { completeNow: new Date(values.completeNow).toISOString() }),
    prestage: values.prestage,
    incrementalHours: values.incrementalHours,
    cutoverUnsynced: values.cutoverUnsynced,
    mirrorDeletions: values.mirrorDeletions,
    ...(values.archiveAgeMonths === undefined ? {} : { archiveAgeMonths: values.archiveAgeMonths }),
    finalize: values.finalize,
    engine: values.engine,
    ...(values.hybrid === undefined ? {} : { hybrid: values.hybrid }),
    createdAt: at,
    updatedAt: at,
  };
}

/** Settings that may change after a wave was defined. */
export type WavePatch = Partial<Omit<WaveSettings, "id" | "completeAfter" | "completeNow" | "engine">> & {
  /** A time sets it, `null` clears it. */
  readonly completeAfter?: string | null;
  readonly completeNow?: string | null;
};

function patched(value: string | null | undefined, kept: string | undefined): string | undefined {
  return value === null ? undefined : (value ?? kept);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** Applies and re-validates a change of a wave's settings. */
export function applyWavePatch(wave: WaveRecord, patch: WavePatch, now: Date): WaveRecord {
  const merged = defineWave(
    {
      id: wave.id,
      description: patch.description ?? wave.description,
      timeZone: patch.timeZone ?? wave.timeZone,
      windows: patch.windows ?? wave.windows,
      inFlightCap: patch.inFlightCap ?? wave.inFlightCap,
      badItemLimit: patch.badItemLimit ?? wave.badItemLimit,
      largeItemLimitBytes: patch.largeItemLimitBytes ?? wave.largeItemLimitBytes,
      ...optional("completeAfter", patched(patch.completeAfter, wave.completeAfter)),
      ...optional("completeNow", patched(patch.completeNow, wave.completeNow)),
      prestage: patch.prestage ?? wave.prestage,
      incrementalHours: patch.incrementalHours ?? wave.incrementalHours,
      cutoverUnsynced: patch.cutoverUnsynced ?? wave.cutoverUnsynced,
      mirrorDeletions: patch.mirrorDeletions ?? wave.mirrorDeletions,
      ...((patch.archiveAgeMonths ?? wave.archiveAgeMonths) === undefined
        ? {}
        : { archiveAgeMonths: patch.archiveAgeMonths ?? wave.archiveAgeMonths }),
      finalize: { ...wave.finalize, ...patch.finalize },
      // A wave keeps the engine it was created with; its hybrid settings may change.
      engine: wave.engine,
      ...(wave.hybrid === undefined && patch.hybrid === undefined
        ? {}
        : { hybrid: { ...wave.hybrid, ...patch.hybrid } }),
    },
    now,
  );
  return { ...merged, status: wave.status, createdAt: wave.createdAt };
}

/** Whether `from` → `to` is allowed for a wave. */
export function canChangeWaveStatus(from: WaveStatus, to: WaveStatus): boolean {
  return WAVE_TRANSITIONS[from].includes(to);
}

/** Changes a wave's status, or throws IllegalTransitionError. */
export function applyWaveStatus(wave: WaveRecord, to: WaveStatus, now: Date): WaveRecord {
  if (!canChangeWaveStatus(wave.status, to)) {
    const hint =
      wave.status === to
        ? `it is already ${to}`
        : WAVE_TRANSITIONS[wave.status].length === 0
          ? `${wave.status} is final`
          : `allowed from ${wave.status}: ${WAVE_TRANSITIONS[wave.status].join(", ")}`;
    throw new IllegalTransitionError("wave", wave.id, wave.status, to, hint);
  }
  return { ...wave, status: to, updatedAt: now.toISOString() };
}

/** Narrows a string to a wave status. */
export function isWaveStatus(value: string): value is WaveStatus {
  return (WAVE_STATUSES as readonly string[]).includes(value);
}
