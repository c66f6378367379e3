/**
 * Tunables of the Graph tenant simulator: the published Outlook throttling limits, added latency
 * and injected faults. Every value can be changed while the simulator runs.
 */
import { SimulatorInputError } from "./errors.js";

/** Microsoft's published Outlook limits, applied per application per mailbox. */
export interface ThrottleLimits {
  /** Requests admitted per request window (published: 10,000 per 10 minutes). */
  requestsPerWindow: number;
  /** Length of the request window in seconds before `scaleWindows` (published: 600). */
  requestWindowSeconds: number;
  /** Requests in flight at once (published: 4). */
  concurrentRequests: number;
  /** Request body bytes admitted per upload window (published: 150 MB per 5 minutes). */
  uploadBytesPerWindow: number;
  /** Length of the upload window in seconds before `scaleWindows` (published: 300). */
  uploadWindowSeconds: number;
  /** Items larger than this cannot be exported (Exchange Online's largest message). */
  maxItemBytes: number;
}

/** Latency added to every Graph and import request. */
export interface LatencyOptions {
  /** Fixed delay per request, in milliseconds. */
  perRequestMs: number;
  /** Delay per megabyte moved (request plus response body), in milliseconds. */
  perMegabyteMs: number;
}

/** Faults injected by rate; each request draws at most one of them. Rates are 0..1. */
export interface FaultOptions {
  status500Rate: number;
  status503Rate: number;
  status504Rate: number;
  /** The connection is destroyed without a response. */
  resetRate: number;
  /**
   * The request is carried out, then the connection is destroyed before the answer: the caller
   * cannot tell whether its import happened (the case that tests exactly-once imports).
   */
  lostResponseRate?: number;
  /** The response is delayed by `slowMs` but otherwise normal. */
  slowRate: number;
  slowMs: number;
}

export const MEGABYTE = 1024 * 1024;

export const PUBLISHED_LIMITS: Readonly<ThrottleLimits> = Object.freeze({
  requestsPerWindow: 10_000,
  requestWindowSeconds: 600,
  concurrentRequests: 4,
  uploadBytesPerWindow: 150 * MEGABYTE,
  uploadWindowSeconds: 300,
  maxItemBytes: 150 * MEGABYTE,
});

export const NO_LATENCY: Readonly<LatencyOptions> = Object.freeze({ perRequestMs: 0, perMegabyteMs: 0 });

export const NO_FAULTS: Readonly<FaultOptions> = Object.freeze({
  status500Rate: 0,
  status503Rate: 0,
  status504Rate: 0,
  resetRate: 0,
  slowRate: 0,
  slowMs: 0,
});

/** Throttle windows in milliseconds once `scaleWindows` is applied. */
export interface ScaledWindows {
  requestWindowMs: number;
  uploadWindowMs: number;
}

/** Applies the window scale; 1 keeps the published minutes, 0.01 turns them into seconds. */
export function scaleWindows(limits: ThrottleLimits, scale: number): ScaledWindows {
  return {
    requestWindowMs: Math.max(1, Math.round(limits.requestWindowSeconds * 1000 * scale)),
    uploadWindowMs: Math.max(1, Math.round(limits.uploadWindowSeconds * 1000 * scale)),
  };
}

/** Rejects fault rates that are negative or add up to more than 1. */
export function checkRates(faults: FaultOptions): void {
  const total =
    faults.status500Rate +
    faults.status503Rate +
    faults.status504Rate +
    faults.resetRate +
    (faults.lostResponseRate ?? 0) +
    faults.slowRate;
  for (const [name, value] of Object.entries(faults)) {
    if (!Number.isFinite(value) || value < 0)
      throw new SimulatorInputError(`faults.${name} must be a number >= 0`);
  }
  if (total > 1) throw new SimulatorInputError("fault rates must add up to at most 1");
}

/** Rejects limits that are not positive numbers. */
export function checkLimits(limits: ThrottleLimits): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new SimulatorInputError(`limits.${name} must be a number > 0`);
  }
}

/**
 * What a real tenant does that a plain seed leaves out. Each is off by default, so a seed gives
 * the same tenant as before; `REALISTIC` turns every one on (`npm start -- --realistic`).
 */
export interface RealismOptions {
  /** Items get a new id when they move, as Exchange's default (not immutable) ids do. */
  idsChangeOnMove: boolean;
  /** Delta links older than this answer 410 Gone (`syncStateNotFound`); 0 keeps them forever. */
  deltaTokenLifetimeSeconds: number;
  /** One healthy account's target mailbox has room for about half its source: ErrorQuotaExceeded. */
  fullTarget: boolean;
  /** One healthy account's target mailbox is outside the target app's RBAC for Applications scope. */
  outsideScope: boolean;
  /** The target tenant is German: Outlook's folders are Posteingang, Gesendete Elemente, ... */
  localisedTarget: boolean;
  /** Archives are auto-expanding: a folder of each archive lives in an auxiliary archive. */
  autoExpandingArchives: boolean;
  /** Source mailboxes have search folders, which folder listings include. */
  searchFolders: boolean;
  /** A couple of healthy accounts' target mailboxes appear this long after the simulator starts. */
  provisioningDelaySeconds: number;
  /** Folders carry `wellKnownName`, as the documentation (not the metadata) has it. */
  docsReadings: boolean;
}

export const NO_REALISM: Readonly<RealismOptions> = Object.freeze({
  idsChangeOnMove: false,
  deltaTokenLifetimeSeconds: 0,
  fullTarget: false,
  outsideScope: false,
  localisedTarget: false,
  autoExpandingArchives: false,
  searchFolders: false,
  provisioningDelaySeconds: 0,
  docsReadings: false,
});

export const REALISTIC: Readonly<RealismOptions> = Object.freeze({
  idsChangeOnMove: true,
  deltaTokenLifetimeSeconds: 3,
  fullTarget: true,
  outsideScope: true,
  localisedTarget: true,
  autoExpandingArchives: true,
  searchFolders: true,
  provisioningDelaySeconds: 15,
  docsReadings: false,
});
