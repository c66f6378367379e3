import { z } from "zod";
import { type Env, parseSetting, positiveInt } from "./env.js";
import { ConfigError } from "./errors.js";

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
  /** How often the watcher reads a syncing hybrid move's statistics. */
  readonly hybridProgressMs: number;
  /**
   * How often the watcher looks at hybrid accounts waiting in Synced while an evening is under
   * way; four times as long otherwise, and completed moves due for removal 24 times as long.
   */
  readonly hybridSyncedMs: number;
}

const share = z.coerce.number().gt(0).lte(1);

/** Reads the pipeline settings (all optional, with production defaults). */
export function readPipelineSettings(env: Env): PipelineSettings {
  const sliceSeconds = parseSetting(env, "MAILFERRY_SLICE_SECONDS", positiveInt, 240);
  const leaseSeconds = parseSetting(env, "MAILFERRY_LEASE_SECONDS", positiveInt, sliceSeconds + 120);
  if (leaseSeconds <= sliceSeconds) {
    throw new ConfigError(
      "MAILFERRY_LEASE_SECONDS",
      `must be longer than MAILFERRY_SLICE_SECONDS (${sliceSeconds})`,
    );
  }
  const releaseMin = parseSetting(env, "MAILFERRY_RELEASE_MIN", positiveInt, 50);
  const releaseMax = parseSetting(env, "MAILFERRY_RELEASE_MAX", positiveInt, 2_000);
  if (releaseMax < releaseMin) {
    throw new ConfigError("MAILFERRY_RELEASE_MAX", `must be at least MAILFERRY_RELEASE_MIN (${releaseMin})`);
  }
  return {
    sliceMs: sliceSeconds * 1000,
    leaseMs: leaseSeconds * 1000,
    requeueAfterMs: parseSetting(env, "MAILFERRY_REQUEUE_AFTER_SECONDS", positiveInt, 15 * 60) * 1000,
    releaseMin,
    releaseMax,
    releaseStep: parseSetting(env, "MAILFERRY_RELEASE_STEP", positiveInt, 100),
    unhealthyShare: parseSetting(env, "MAILFERRY_UNHEALTHY_SHARE", share, 0.05),
    graphWindowScale: parseSetting(env, "MAILFERRY_GRAPH_WINDOW_SCALE", z.coerce.number().gt(0).lte(1), 1),
    pageSize: parseSetting(env, "MAILFERRY_PAGE_SIZE", z.coerce.number().int().min(1).max(1000), 100),
    hybridProgressMs: parseSetting(env, "MAILFERRY_HYBRID_PROGRESS_SECONDS", positiveInt, 15 * 60) * 1000,
    hybridSyncedMs: parseSetting(env, "MAILFERRY_HYBRID_SYNCED_SECONDS", positiveInt, 15 * 60) * 1000,
  };
}
