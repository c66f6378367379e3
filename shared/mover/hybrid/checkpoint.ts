/**
 * What the hybrid engine keeps on an account (its checkpoint): the batch and evening capacity
 * planning gave it, what pre-flight found, whether and in which attempt it was submitted to
 * Exchange, the last state Exchange reported, and the finalize actions done. Exchange does the
 * move; this is only what mailferry needs to follow it and to never submit a user twice.
 */
import { z } from "zod";
import { CONSISTENCY_SCORES } from "../../domain/index.js";
import { FINALIZE_STEPS } from "../checkpoint.js";

export const hybridCheckpoint = z.object({
  engine: z.literal("hybrid"),
  v: z.literal(1),
  /** The migration batch the account goes into. */
  batch: z.string(),
  /** Start of the window occurrence it completes in (its CompleteAfter); absent: not yet planned. */
  evening: z.string().optional(),
  /** The user-level CompleteAfter mailferry set in Exchange after submitting, if it moved the evening. */
  completeAfterSet: z.string().optional(),
  /** An evening the watcher gave the account and has yet to set in Exchange. */
  completeAfterPending: z.string().optional(),
  /** The attempt whose submission Exchange has; a later attempt submits (or resumes) again. */
  submittedAttempt: z.number().int().optional(),
  submittedAt: z.string().optional(),
  /** The mail user's ExchangeGuid (the move is listed under it) and Entra object id. */
  exchangeGuid: z.string().optional(),
  targetUserId: z.string().optional(),
  /** Exchange's RequestStatus and StatusDetail when last looked at. */
  exchangeStatus: z.string().optional(),
  statusDetail: z.string().optional(),
  percentComplete: z.number().optional(),
  statsAt: z.string().optional(),
  /** Since when the move has been stalled (StalledDueTo*), while it is. */
  stalledSince: z.string().optional(),
  score: z.enum(CONSISTENCY_SCORES).optional(),
  /** Skipped items approved: when, and by whom (an operator, or the wave's policy). */
  approvedAt: z.string().optional(),
  approvedBy: z.string().optional(),
  failureType: z.string().optional(),
  /** Exchange completed the move; the finalize actions follow. */
  exchangeCompletedAt: z.string().optional(),
  /** The completed move was removed from Exchange after the wave's retention. */
  removedAt: z.string().optional(),
  /** Why the account waits, for operators (`mailferry status`). */
  waiting: z.string().optional(),
  finalized: z.array(z.enum(FINALIZE_STEPS)).default([]),
  noticeDraft: z.object({ id: z.string(), from: z.string() }).optional(),
  warnings: z.array(z.string()).default([]),
});

export type HybridCheckpoint = z.infer<typeof hybridCheckpoint>;

/** An account's hybrid checkpoint; undefined when it has none (or another engine's). */
export function readHybridCheckpoint(text: string | undefined): HybridCheckpoint | undefined {
  if (text === undefined || !text.includes('"hybrid"')) return undefined;
  try {
    const parsed = hybridCheckpoint.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The checkpoint as stored. */
export function writeHybridCheckpoint(checkpoint: HybridCheckpoint): string {
  return JSON.stringify(checkpoint);
}

/** A plan the scheduler writes when it releases an account. */
export function plannedCheckpoint(batch: string, evening: string | undefined): HybridCheckpoint {
  return {
    engine: "hybrid",
    v: 1,
    batch,
    ...(evening === undefined ? {} : { evening }),
    finalized: [],
    warnings: [],
  };
}
