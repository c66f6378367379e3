import { z } from "zod";

/** What pre-flight resolved, kept on the account so later slices need not ask Graph again. */
export const moveCheckpoint = z.object({
  v: z.literal(1),
  sourceUserId: z.string(),
  targetUserId: z.string(),
  sourceMailboxId: z.string(),
  targetMailboxId: z.string(),
  sourceArchiveMailboxId: z.string().optional(),
  targetArchiveMailboxId: z.string().optional(),
  /** Pass number of the last incremental pass started. */
  round: z.number().int().min(0).default(0),
  /** A new delta pass was decided but not yet started over the folders (survives a crash). */
  pendingPass: z.boolean().default(false),
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
