/**
 * What the Exchange simulator can be told: the organisation it seeds, how the Mailbox Replication
 * Service moves mailboxes in simulated time, and the faults the admin REST endpoint injects.
 */
import { ExchangeSimulatorInputError } from "./errors.js";

export const DATA_CONSISTENCY_SCORES = ["Perfect", "Good", "Investigate", "Poor"] as const;
export type DataConsistencyScore = (typeof DATA_CONSISTENCY_SCORES)[number];

export interface OrganisationOptions {
  readonly seed: number;
  /** On-premises mailboxes to migrate. */
  readonly mailboxes: number;
  /** Mean primary mailbox size (long-tailed around it). */
  readonly meanMailboxBytes: number;
  /** Share of mailboxes with a personal archive. */
  readonly archiveRate: number;
  /** Share of mail users whose ExchangeGuid is wrong (planted). */
  readonly guidMismatchRate: number;
  /** Share of mailboxes without a mail user in Exchange Online (planted: not synchronised). */
  readonly missingMailUserRate: number;
  /** Share of archive owners whose mail user lacks the ArchiveGuid (planted). */
  readonly archiveGuidMissingRate: number;
  /** The accepted domain users' addresses are in. */
  readonly domain: string;
}

export interface MrsOptions {
  /** What one move copies per second of simulated time. */
  readonly copyBytesPerSecond: number;
  /** Time a move spends before copying (validation, target mailbox creation). */
  readonly startupMs: number;
  /** The completion: a last incremental sync and the switch-over. */
  readonly completionMs: number;
  /** MRS's own incremental syncs of a synced move (24 hours in Exchange Online). */
  readonly incrementalIntervalMs: number;
  readonly incrementalMs: number;
  /** Odds of each data consistency score at the end of the initial sync. */
  readonly scoreOdds: Readonly<Record<DataConsistencyScore, number>>;
  /** Share of completions that end CompletedWithWarning. */
  readonly warningRate: number;
  /** Share of initial syncs that stall for `stallMs` (StalledDueToTarget_*). */
  readonly stallRate: number;
  readonly stallMs: number;
  /** Share of initial syncs that fail part-way (a transient or a permanent failure type). */
  readonly failRate: number;
  /** How long a move waits on an unreachable source before it fails. */
  readonly sourceUnreachableFailMs: number;
}

export interface HttpFaultOptions {
  /** Share of requests answered 500 / 503. */
  readonly status500Rate: number;
  readonly status503Rate: number;
  /** Share of requests answered 429 with Retry-After. */
  readonly throttleRate: number;
  readonly retryAfterSeconds: number;
  /** Requests a tenant may have in flight; more are refused (429, "maximum number of concurrent requests"). */
  readonly concurrentRequestsPerTenant: number;
  /** Real milliseconds each request takes (so concurrent requests overlap). */
  readonly latencyMs: number;
}

export const DEFAULT_ORGANISATION: OrganisationOptions = {
  seed: 1,
  mailboxes: 20,
  meanMailboxBytes: 500 * 1024 * 1024,
  archiveRate: 0.2,
  guidMismatchRate: 0,
  missingMailUserRate: 0,
  archiveGuidMissingRate: 0,
  domain: "fabrikam.example",
};

export const DEFAULT_MRS: MrsOptions = {
  copyBytesPerSecond: 2 * 1024 * 1024,
  startupMs: 60_000,
  completionMs: 3 * 60_000,
  incrementalIntervalMs: 24 * 3_600_000,
  incrementalMs: 2 * 60_000,
  scoreOdds: { Perfect: 0.9, Good: 0.07, Investigate: 0.02, Poor: 0.01 },
  warningRate: 0,
  stallRate: 0,
  stallMs: 30 * 60_000,
  failRate: 0,
  sourceUnreachableFailMs: 2 * 3_600_000,
};

export const DEFAULT_FAULTS: HttpFaultOptions = {
  status500Rate: 0,
  status503Rate: 0,
  throttleRate: 0,
  retryAfterSeconds: 2,
  concurrentRequestsPerTenant: 10,
  latencyMs: 5,
};

function share(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new ExchangeSimulatorInputError(`${name} must be a share from 0 to 1, got ${value}`);
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new ExchangeSimulatorInputError(`${name} must be a number > 0, got ${value}`);
}

function atLeastZero(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new ExchangeSimulatorInputError(`${name} must be a number >= 0, got ${value}`);
}

export function checkOrganisation(options: OrganisationOptions): void {
  if (!Number.isInteger(options.seed)) throw new ExchangeSimulatorInputError("seed must be an integer");
  if (!Number.isInteger(options.mailboxes) || options.mailboxes < 1 || options.mailboxes > 2_000_000)
    throw new ExchangeSimulatorInputError("mailboxes must be a whole number from 1 to 2,000,000");
  positive("meanMailboxBytes", options.meanMailboxBytes);
  share("archiveRate", options.archiveRate);
  share("guidMismatchRate", options.guidMismatchRate);
  share("missingMailUserRate", options.missingMailUserRate);
  share("archiveGuidMissingRate", options.archiveGuidMissingRate);
  if (options.guidMismatchRate + options.missingMailUserRate > 1)
    throw new ExchangeSimulatorInputError("guidMismatchRate + missingMailUserRate must be at most 1");
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(options.domain))
    throw new ExchangeSimulatorInputError(`domain ${JSON.stringify(options.domain)} is not a domain name`);
}

export function checkMrs(options: MrsOptions): void {
  positive("copyBytesPerSecond", options.copyBytesPerSecond);
  atLeastZero("startupMs", options.startupMs);
  positive("completionMs", options.completionMs);
  positive("incrementalIntervalMs", options.incrementalIntervalMs);
  positive("incrementalMs", options.incrementalMs);
  const odds = Object.values(options.scoreOdds);
  if (odds.some((value) => !Number.isFinite(value) || value < 0) || odds.reduce((a, b) => a + b, 0) <= 0)
    throw new ExchangeSimulatorInputError("scoreOdds must be weights >= 0 with a positive sum");
  share("warningRate", options.warningRate);
  share("stallRate", options.stallRate);
  positive("stallMs", options.stallMs);
  share("failRate", options.failRate);
  positive("sourceUnreachableFailMs", options.sourceUnreachableFailMs);
}

export function checkFaults(options: HttpFaultOptions): void {
  share("status500Rate", options.status500Rate);
  share("status503Rate", options.status503Rate);
  share("throttleRate", options.throttleRate);
  if (options.status500Rate + options.status503Rate + options.throttleRate > 1)
    throw new ExchangeSimulatorInputError("the fault rates together must be at most 1");
  positive("retryAfterSeconds", options.retryAfterSeconds);
  if (!Number.isInteger(options.concurrentRequestsPerTenant) || options.concurrentRequestsPerTenant < 1)
    throw new ExchangeSimulatorInputError("concurrentRequestsPerTenant must be a whole number >= 1");
  atLeastZero("latencyMs", options.latencyMs);
}
