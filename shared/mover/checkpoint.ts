import { z } from "zod";

/** Finalize actions, in the order the cutover runs them. */
export const FINALIZE_STEPS = ["licence", "notice", "announce"] as const;
export type FinalizeStep = (typeof FINALIZE_STEPS)[number];

/** What pre-flight resolved, kept on the account so later slices need not ask Graph again. */
export const moveCheckpoint = z.object({
  v: z.literal(1),
  sourceUserId: z.string(),
  targetUserId: z.string(),
  sourceMailboxId: z.string(),
  targetMailboxId: z.string(),
  sourceArchiveMailboxId: z.string().optional(),
  targetArchiveMailboxId: z.string().optional(),
  /**
   * Under the wave's age policy: items received before this time (ISO, a UTC midnight) go to the
   * target archive. Fixed once for the account, because the delta that finds the younger items
   * filters on it and keeps that filter in its links.
   */
  archiveCutoff: z.string().optional(),
  /** Items the source mailbox (and archive) held at pre-flight, from the folder listing. */
  expectedItems: z.number().int().min(0).optional(),
  /** Finalize actions already done for this attempt; each runs once. */
  finalized: z.array(z.enum(FINALIZE_STEPS)).default([]),
  /**
   * The draft the cutover notice is sent from (its id, in the sending mailbox), recorded before it
   * is sent: a resumed cutover sends that same draft, and Exchange sends a draft at most once.
   */
  noticeDraft: z.object({ id: z.string(), from: z.string() }).optional(),
  /** A finalize action that failed without failing the account (e.g. the notice), for the report. */
  warnings: z.array(z.string()).default([]),
  /** The invocation of the last slice that finished and recorded itself here (see FolderMemory). */
  lastSlice: z.string().optional(),
});

export type MoveCheckpoint = z.infer<typeof moveCheckpoint>;

/** Reads an account's checkpoint; undefined when there is none or it is from an unknown version. */
export function readCheckpoint(text: string | undefined): MoveCheckpoint | undefined {
  if (!text) return undefined;
  try {
    const parsed = moveCheckpoint.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
