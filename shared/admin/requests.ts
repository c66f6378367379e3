/**
 * The inputs of every operator operation, as zod schemas. The HTTP API validates bodies and
 * queries with them and the CLI validates its options with them, so both accept exactly the same
 * selections and name the same fields when they refuse one.
 */
import { z } from "zod";
import { ACCOUNT_STATUSES, accountIdFromUpn, isAccountId, isWaveId, WAVE_ID_RULE } from "../domain/index.js";
import { RequestValidationError, type FieldProblem } from "./errors.js";

/** Largest number of accounts one retry names explicitly. */
export const MAX_LISTED_ACCOUNTS = 1000;
/** Most dead-lettered messages one replay or purge call acts on. */
export const MAX_DRAIN = 5000;
export const DEFAULT_DRAIN = 500;

export const waveId = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isWaveId, { message: `must be a wave id: ${WAVE_ID_RULE}` });

/** An account id, or a source UPN that is turned into one. */
export const accountId = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .transform((value) => (isAccountId(value) ? value : accountIdFromUpn(value)))
  .refine(isAccountId, { message: "must be an account id or a source UPN" });

const isoTime = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 time with a zone, e.g. 2025-03-01T19:00:00Z",
});

/** An 8-hex-digit group id as listed by failures or the dead-letter listing. */
const groupId = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{8}$/, "must be a group id as listed (8 hex digits)");

/** A whole number given as a number (JSON) or as text (query strings, CLI options). */
function wholeNumber(min: number, max: number): z.ZodType<number> {
  return z.preprocess(
    (value) => (typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z
      .number({ message: "must be a whole number" })
      .int("must be a whole number")
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
}

/** A positive number given as a number or as text. */
function positiveNumber(max: number): z.ZodType<number> {
  return z.preprocess(
    (value) => (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value),
    z.number({ message: "must be a number" }).gt(0, "must be more than 0").max(max, `must be at most ${max}`),
  );
}

/** A boolean given as JSON or as true/false text. */
const flag = z.preprocess(
  (value) => (value === "true" ? true : value === "false" ? false : value),
  z.boolean({ message: "must be true or false" }),
);

// ---------------------------------------------------------------------------------------------
// Reading

/** For routes that take no query parameters: any given is refused by name. */
export const noQuery = z.strictObject({});

export const statusQuery = z.strictObject({ wave: waveId.optional() });
export type StatusQuery = z.infer<typeof statusQuery>;

export const accountParams = z.strictObject({ accountId });

export const failuresQuery = z.strictObject({
  wave: waveId.optional(),
  examples: wholeNumber(0, 50).optional(),
});
export type FailuresQuery = z.infer<typeof failuresQuery>;

export const reportParams = z.strictObject({ waveId });

export const reportQuery = z.strictObject({
  status: z.enum(ACCOUNT_STATUSES, { message: `must be one of ${ACCOUNT_STATUSES.join(", ")}` }).optional(),
});

/** How `wave users` may sort: by percent complete, by size, or by last sync. */
export const USER_SORTS = ["percent", "size", "lastSync"] as const;
export type UserSort = (typeof USER_SORTS)[number];

/** `wave users` and GET ops/waves/{waveId}/users: filters, sort and page of the per-user rows. */
export const usersQuery = z.strictObject({
  status: z.enum(ACCOUNT_STATUSES, { message: `must be one of ${ACCOUNT_STATUSES.join(", ")}` }).optional(),
  sort: z.enum(USER_SORTS, { message: `must be one of ${USER_SORTS.join(", ")}` }).optional(),
  descending: flag.optional(),
  stalled: flag.optional(),
  search: z.string().trim().max(256, "must be at most 256 characters").optional(),
  offset: wholeNumber(0, 10_000_000).optional(),
  limit: wholeNumber(1, 1000).optional(),
});
export type UsersRequest = z.infer<typeof usersQuery>;

export const actionsQuery = z.strictObject({ limit: wholeNumber(1, 500).optional() });

// ---------------------------------------------------------------------------------------------
// Retry

export const retryBody = z
  .strictObject({
    waveId: waveId.optional(),
    accountIds: z
      .array(accountId)
      .min(1, "must name at least one account")
      .max(MAX_LISTED_ACCOUNTS, `must name at most ${MAX_LISTED_ACCOUNTS} accounts`)
      .optional(),
    failureClass: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, "must be a failure class such as TargetNotLicensed")
      .optional(),
    group: groupId.optional(),
    all: flag.optional(),
    limit: wholeNumber(1, 100_000).optional(),
    dryRun: flag.optional(),
  })
  .superRefine((value, context) => {
    const selects =
      value.waveId !== undefined ||
      value.accountIds !== undefined ||
      value.failureClass !== undefined ||
      value.group !== undefined;
    if (!selects && value.all !== true) {
      context.addIssue({
        code: "custom",
        path: ["all"],
        message:
          "must be true to retry every failed account; otherwise select with waveId, accountIds, failureClass or group",
      });
    }
  });
export type RetryRequest = z.infer<typeof retryBody>;

// ---------------------------------------------------------------------------------------------
// Dead-letter queue

const deadLetterFilterShape = {
  group: groupId.optional(),
  reason: z.string().trim().min(1, "must not be empty").max(300, "must be at most 300 characters").optional(),
  waveId: waveId.optional(),
  accountId: accountId.optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  sequenceNumber: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
};

type FilterFields = {
  group?: string | undefined;
  reason?: string | undefined;
  waveId?: string | undefined;
  accountId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  sequenceNumber?: number | undefined;
};

function hasFilter(value: FilterFields): boolean {
  return Object.entries(value).some(([key, field]) => key in deadLetterFilterShape && field !== undefined);
}

function checkRange(value: FilterFields, context: z.RefinementCtx): void {
  if (
    value.since !== undefined &&
    value.until !== undefined &&
    Date.parse(value.since) >= Date.parse(value.until)
  ) {
    context.addIssue({ code: "custom", path: ["until"], message: "must be later than since" });
  }
}

/** A selection of dead-lettered messages; every field narrows it further. */
export type DeadLetterFilter = FilterFields;

export const deadLetterListQuery = z
  .strictObject({
    ...deadLetterFilterShape,
    groupBy: z.enum(["reason", "wave", "account"], { message: "must be reason, wave or account" }).optional(),
    examples: wholeNumber(0, 20).optional(),
  })
  .superRefine(checkRange);
export type DeadLetterListRequest = z.infer<typeof deadLetterListQuery>;

export const deadLetterParams = z.strictObject({ sequenceNumber: wholeNumber(1, Number.MAX_SAFE_INTEGER) });

function requireSelection(
  value: FilterFields & { all?: boolean | undefined },
  context: z.RefinementCtx,
): void {
  checkRange(value, context);
  if (!hasFilter(value) && value.all !== true) {
    context.addIssue({
      code: "custom",
      path: ["all"],
      message:
        "must be true to act on every dead-lettered message; otherwise select with group, reason, waveId, accountId, since, until or sequenceNumber",
    });
  }
}

export const replayBody = z
  .strictObject({
    ...deadLetterFilterShape,
    all: flag.optional(),
    dryRun: flag.optional(),
    ratePerSecond: positiveNumber(1000).optional(),
    max: wholeNumber(1, MAX_DRAIN).optional(),
  })
  .superRefine(requireSelection);
export type ReplayRequest = z.infer<typeof replayBody>;

export const purgeBody = z
  .strictObject({
    ...deadLetterFilterShape,
    all: flag.optional(),
    dryRun: flag.optional(),
    confirm: flag.optional(),
    expectedCount: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional(),
  })
  .superRefine((value, context) => {
    requireSelection(value, context);
    if (value.dryRun === true) return;
    if (value.confirm !== true) {
      context.addIssue({
        code: "custom",
        path: ["confirm"],
        message: "must be true: a purge removes messages for good",
      });
    }
    if (value.expectedCount === undefined) {
      context.addIssue({
        code: "custom",
        path: ["expectedCount"],
        message: "is required: the number of messages the purge should remove, as a dry run lists",
      });
    }
  });
export type PurgeRequest = z.infer<typeof purgeBody>;

// ---------------------------------------------------------------------------------------------
// Waves

export const WAVE_OPERATIONS = ["pause", "resume", "cancel", "complete"] as const;
export type WaveOperation = (typeof WAVE_OPERATIONS)[number];

export const waveOperationParams = z.strictObject({
  waveId,
  operation: z.enum(WAVE_OPERATIONS, { message: `must be one of ${WAVE_OPERATIONS.join(", ")}` }),
});

const operationReason = z.string().trim().max(500, "must be at most 500 characters").optional();

export const waveOperationBody = z.strictObject({
  reason: operationReason,
  /**
   * Complete only: with `at` the wave's `completeAfter` (no cutover before it); without, the
   * wave's `completeNow` (cut every synced account over now, window or not).
   */
  at: isoTime.optional(),
});
export type WaveOperationBody = z.infer<typeof waveOperationBody>;

// ---------------------------------------------------------------------------------------------
// Accounts

/** `POST ops/accounts/{accountId}/complete`: the account's own "complete now" or "complete after". */
export const accountCompleteBody = z.strictObject({
  reason: operationReason,
  /** With `at` the account's `completeAfter`; without, its `completeNow` (cut over now, window or not). */
  at: isoTime.optional(),
});
export type AccountCompleteBody = z.infer<typeof accountCompleteBody>;

// ---------------------------------------------------------------------------------------------
// Hybrid waves

/** `account approve`: the account's skipped items are approved in Exchange. */
export const accountApproveBody = z.strictObject({ reason: operationReason });
export type AccountApproveBody = z.infer<typeof accountApproveBody>;

/** `wave approve`: every synced account of the wave with this data consistency score. */
export const waveApproveBody = z.strictObject({
  score: z.enum(["Investigate", "Poor"], {
    message: "must be Investigate or Poor (Perfect and Good need no approval)",
  }),
  reason: operationReason,
});
export type WaveApproveBody = z.infer<typeof waveApproveBody>;

const fqdn = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
    "must be a host name such as mail.contoso.com",
  );

/** `endpoint create`: an ExchangeRemoteMove migration endpoint (the password is asked separately). */
export const endpointCreateBody = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, "must be an endpoint name such as OnPremEndpoint"),
  remoteServer: fqdn,
  userName: z.string().trim().min(1, "must not be empty").max(256, "must be at most 256 characters"),
  maxConcurrentMigrations: wholeNumber(1, 10_000).optional(),
  maxConcurrentIncrementalSyncs: wholeNumber(1, 10_000).optional(),
});
export type EndpointCreateBody = z.infer<typeof endpointCreateBody>;

// ---------------------------------------------------------------------------------------------
// Validation

/** Names a field for an error message: `body.waveId`, `query.since`, `--since`. */
export type FieldNamer = (path: readonly PropertyKey[]) => string;

/** `prefix.a.b[0]`. */
export function dotted(prefix: string): FieldNamer {
  return (path) =>
    path.reduce<string>(
      (text, key) => (typeof key === "number" ? `${text}[${key}]` : `${text}.${String(key)}`),
      prefix,
    );
}

function friendly(issue: z.ZodError["issues"][number]): string {
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return "is required";
  return issue.message;
}

/** The fields a zod error rejects, one entry per field (unknown keys named one by one). */
export function fieldProblems(error: z.ZodError, name: FieldNamer): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({ path: name([...issue.path, key]), message: "is not a known field" });
      continue;
    }
    out.push({ path: name(issue.path), message: friendly(issue) });
  }
  return out;
}

/** Validates an input, or throws RequestValidationError listing every rejected field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, name: FieldNamer): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(fieldProblems(result.error, name));
  return result.data;
}
