import { booleanSetting, type Env, intSetting, invalidSetting, numberSetting, parseSetting } from "./env.js";

/** Knobs of the scheduler, mover and sweeper. */
export interface PipelineSettings {
  /** How long one mover slice may work before it checkpoints (well under functionTimeout). */
  readonly sliceMs: number;
  /** How long a claim on an account lasts; a crashed mover's claim expires after it. */
  readonly leaseMs: number;
  /** A Queued account with no progress for this long is re-sent by the sweeper. */
  readonly requeueAfterMs: number;
  /** Bounds of the adaptive release rate (accounts per scheduler run). */
  readonly releaseMin: number;
  readonly releaseMax: number;
  /** Added to the rate after a healthy run; the rate is halved after an unhealthy one. */
  readonly releaseStep: number;
  /** Throttled or failed share of recent work above which the release rate backs off. */
  readonly unhealthyShare: number;
  /** Multiplies Graph's throttle windows (1 in Azure; smaller against the simulator's scaled limits). */
  readonly graphWindowScale: number;
  /** Items per delta page. */
  readonly pageSize: number;
  /**
   * How long pre-flight waits for a licensed user's mailbox to be provisioned (Exchange Online
   * takes minutes after a licence is assigned) before failing the account as MailboxNotFound.
   */
  readonly mailboxWaitMs: number;
  /** How often pre-flight looks again meanwhile (the slice is rescheduled, never slept through). */
  readonly mailboxRecheckMs: number;
  /** How often the watcher reads a syncing hybrid move's statistics. */
  readonly hybridProgressMs: number;
  /**
   * How often the watcher looks at hybrid accounts waiting in Synced while an evening is under
   * way; four times as long otherwise, and completed moves due for removal 24 times as long.
   */
  readonly hybridSyncedMs: number;
  /** Bad-item records name the item's subject (metadata, never the body); off where that is forbidden. */
  readonly badItemSubjects: boolean;
}

/**
 * A slice must end, checkpoint and settle its message well inside host.json's functionTimeout
 * (10 minutes) and the lock renewal limit (maxAutoLockRenewalDuration, 10 minutes).
 */
const MAX_SLICE_SECONDS = 540;
const DAY_SECONDS = 24 * 60 * 60;
/** Release rates are accounts per scheduler run; the largest wave the README plans is 83,000 a night. */
const MAX_RELEASE = 100_000;

/** Reads the pipeline settings (all optional, with production defaults). */
export function readPipelineSettings(env: Env): PipelineSettings {
  const sliceSeconds = intSetting(env, "MAILFERRY_SLICE_SECONDS", {
    min: 1,
    max: MAX_SLICE_SECONDS,
    fallback: 240,
    unit: "seconds, under the 10-minute functionTimeout",
  });
  const leaseSeconds = intSetting(env, "MAILFERRY_LEASE_SECONDS", {
    min: 2,
    max: DAY_SECONDS,
    fallback: sliceSeconds + 120,
    unit: "seconds",
  });
  if (leaseSeconds <= sliceSeconds) {
    throw invalidSetting(
      "MAILFERRY_LEASE_SECONDS",
      String(leaseSeconds),
      `more seconds than MAILFERRY_SLICE_SECONDS (${sliceSeconds})`,
    );
  }
  const release = (name: string, fallback: number): number =>
    intSetting(env, name, { min: 1, max: MAX_RELEASE, fallback, unit: "accounts per scheduler run" });
  const releaseMin = release("MAILFERRY_RELEASE_MIN", 50);
  const releaseMax = release("MAILFERRY_RELEASE_MAX", 2_000);
  if (releaseMax < releaseMin) {
    throw invalidSetting(
      "MAILFERRY_RELEASE_MAX",
      String(releaseMax),
      `at least MAILFERRY_RELEASE_MIN (${releaseMin})`,
    );
  }
  return {
    sliceMs: sliceSeconds * 1000,
    leaseMs: leaseSeconds * 1000,
    requeueAfterMs:
      intSetting(env, "MAILFERRY_REQUEUE_AFTER_SECONDS", {
        min: 1,
        max: DAY_SECONDS,
        fallback: 15 * 60,
        unit: "seconds",
      }) * 1000,
    releaseMin,
    releaseMax,
    releaseStep: release("MAILFERRY_RELEASE_STEP", 100),
    unhealthyShare: numberSetting(env, "MAILFERRY_UNHEALTHY_SHARE", {
      above: 0,
      max: 1,
      fallback: 0.05,
      unit: "a share, e.g. 0.05",
    }),
    graphWindowScale: numberSetting(env, "MAILFERRY_GRAPH_WINDOW_SCALE", {
      above: 0,
      max: 1,
      fallback: 1,
      unit: "1 in Azure",
    }),
    // Graph pages message lists at most 1,000 items ($top / odata.maxpagesize).
    pageSize: intSetting(env, "MAILFERRY_PAGE_SIZE", { min: 1, max: 1000, fallback: 100, unit: "items" }),
    mailboxWaitMs:
      intSetting(env, "MAILFERRY_MAILBOX_WAIT_SECONDS", {
        min: 1,
        max: 7 * DAY_SECONDS,
        fallback: 2 * 3600,
        unit: "seconds",
      }) * 1000,
    mailboxRecheckMs:
      intSetting(env, "MAILFERRY_MAILBOX_RECHECK_SECONDS", {
        min: 1,
        max: DAY_SECONDS,
        fallback: 300,
        unit: "seconds",
      }) * 1000,
    hybridProgressMs:
      intSetting(env, "MAILFERRY_HYBRID_PROGRESS_SECONDS", {
        min: 1,
        max: DAY_SECONDS,
        fallback: 15 * 60,
        unit: "seconds",
      }) * 1000,
    hybridSyncedMs:
      intSetting(env, "MAILFERRY_HYBRID_SYNCED_SECONDS", {
        min: 1,
        max: DAY_SECONDS,
        fallback: 15 * 60,
        unit: "seconds",
      }) * 1000,
    badItemSubjects: parseSetting(env, "MAILFERRY_BAD_ITEM_SUBJECTS", booleanSetting, true, "true or false"),
  };
}
