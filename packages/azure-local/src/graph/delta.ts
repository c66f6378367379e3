/**
 * Delta queries over a mailbox's change sequence. A round of paging is pinned to the sequence value
 * at its start (`upto`) and pages with a cursor rather than an offset, so changes made while a
 * client pages are neither lost nor reported twice: they simply fall into the next round, which
 * starts where the deltaLink says (`since`).
 */
import { z } from "zod";
import { GraphApiError } from "./errors.js";
import { decodeToken, encodeToken } from "./http/odata.js";

/** One candidate line of a delta page: a present object or a removal. */
export interface DeltaEntry<T> {
  readonly sortKey: number;
  readonly id: string;
  readonly value: T | undefined;
}

const cursorSchema = z.tuple([z.number(), z.string()]);

export const deltaStateSchema = z.object({
  /** "folders" or "items", so a token cannot be replayed against the other collection. */
  kind: z.enum(["folders", "items"]),
  mailboxId: z.string(),
  folderId: z.string().optional(),
  since: z.number().int().nonnegative(),
  upto: z.number().int().nonnegative(),
  after: cursorSchema.optional(),
  size: z.number().int().positive(),
  select: z.array(z.string()).optional(),
  filter: z.object({ op: z.enum(["ge", "gt"]), ms: z.number() }).optional(),
  descending: z.boolean().optional(),
  /** When the token was handed out (epoch ms): an old enough one has expired. */
  issuedAt: z.number().optional(),
});

export type DeltaState = z.infer<typeof deltaStateSchema>;

/** How long the tokens of a round stay good (a simulator switch; forever when absent). */
export interface TokenFreshness {
  /** A deltaLink older than this has expired; 0: never. */
  readonly lifetimeMs: number;
  /** Every token handed out before this instant has expired (the simulator's "expire all"). */
  readonly expiredBefore: number;
  /** The collection's delta URL with no token, for the 410's Location. */
  readonly restartUrl: string;
}

/**
 * The answer to an expired token: 410 Gone with a Location to start over, and the code the
 * token-duration section names (concepts/delta-query-overview.md).
 */
function expired(freshness: TokenFreshness): GraphApiError {
  return new GraphApiError(
    410,
    "syncStateNotFound",
    "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
    { Location: freshness.restartUrl },
  );
}

/** Reads a $skiptoken or $deltatoken and checks it belongs to this collection and is fresh. */
export function readDeltaToken(
  raw: string,
  expected: { kind: DeltaState["kind"]; mailboxId: string; folderId?: string },
  freshness?: TokenFreshness & { readonly deltaLink: boolean },
): DeltaState {
  const parsed = deltaStateSchema.safeParse(decodeToken(raw));
  if (
    !parsed.success ||
    parsed.data.kind !== expected.kind ||
    parsed.data.mailboxId !== expected.mailboxId ||
    parsed.data.folderId !== expected.folderId
  ) {
    throw new GraphApiError(
      400,
      "ErrorInvalidSyncStateData",
      "The sync state token is not valid for this collection.",
    );
  }
  const issuedAt = parsed.data.issuedAt ?? 0;
  if (freshness) {
    const now = Date.now();
    if (issuedAt < freshness.expiredBefore) throw expired(freshness);
    if (freshness.deltaLink && freshness.lifetimeMs > 0 && now - issuedAt > freshness.lifetimeMs) {
      throw expired(freshness);
    }
  }
  return parsed.data;
}

export function writeDeltaToken(state: DeltaState): string {
  return encodeToken({ ...state, issuedAt: Date.now() });
}

function compare(a: readonly [number, string], b: readonly [number, string]): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** The next page of `entries` after the cursor, and whether the round is complete. */
export function deltaPage<T>(
  entries: readonly DeltaEntry<T>[],
  after: readonly [number, string] | undefined,
  size: number,
): { page: DeltaEntry<T>[]; last: boolean; cursor: [number, string] | undefined } {
  const sorted = [...entries].sort((a, b) => compare([a.sortKey, a.id], [b.sortKey, b.id]));
  const remaining = after ? sorted.filter((entry) => compare([entry.sortKey, entry.id], after) > 0) : sorted;
  const page = remaining.slice(0, size);
  const tail = page[page.length - 1];
  return {
    page,
    last: remaining.length <= size,
    cursor: tail ? [tail.sortKey, tail.id] : after ? [after[0], after[1]] : undefined,
  };
}

/** Whether a change at `seq` belongs to the round (since, upto]. */
export function inRound(seq: number, state: Pick<DeltaState, "since" | "upto">): boolean {
  return seq > state.since && seq <= state.upto;
}
