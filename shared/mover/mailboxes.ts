/**
 * One slice over an account's mailboxes: the primary first (with the wave's age policy sending
 * old items to the target archive), then the in-place archive into the target archive. A pass is
 * done when both are.
 */
import { monthsBefore, type Account, type WaveRecord } from "../domain/index.js";
import type { GraphSide, MoverPorts } from "./ports.js";
import type { Logger } from "../telemetry/logger.js";
import { runTransferSlice, type SliceOutcome, type SliceProgress } from "../transfer/engine.js";
import type { FolderSide } from "../transfer/folders.js";
import {
  type BadItemRecord,
  type FolderCheckpoint,
  mailboxKey,
  type MailboxKey,
} from "../transfer/state/port.js";
import type { MoveCheckpoint } from "./checkpoint.js";

export type MailboxesOutcome = SliceOutcome & {
  /** Graph requests and 429s of this slice, over every mailbox it touched. */
  readonly requests: number;
  readonly throttled: number;
  /** Items the source held when its folders were last listed (primary and archive). */
  readonly sourceItems?: number;
  /** Per mailbox this slice mapped, its folder checkpoints as the slice left them. */
  readonly foldersLeft: ReadonlyMap<MailboxKey, readonly FolderCheckpoint[]>;
};

export interface MailboxesOptions {
  readonly deadline: number;
  readonly logger: Logger;
  readonly heartbeat: () => Promise<void>;
  /**
   * Folder checkpoints known for sure, per mailbox (as the previous slice left them, or none at
   * all for an account nothing was ever saved for); other mailboxes' are read.
   */
  readonly knownFolders: (key: MailboxKey) => readonly FolderCheckpoint[] | undefined;
}

/**
 * The age policy's cutoff for an account: `months` calendar months before `now`. Taken once, at
 * the account's first slice, and kept in its checkpoint.
 */
export function archiveCutoff(now: Date, months: number): string {
  return new Date(monthsBefore(now.getTime(), months)).toISOString();
}

function addSlice(total: SliceProgress, part: SliceProgress): SliceProgress {
  const sum = { ...total };
  for (const field of Object.keys(part) as (keyof SliceProgress)[]) {
    const value = part[field];
    if (typeof value === "number") sum[field] = (sum[field] ?? 0) + value;
  }
  return sum;
}

/** Runs one slice over the account's mailboxes and sums what it did. */
export async function transferMailboxes(
  services: Pick<MoverPorts, "source" | "target" | "transferState" | "pipeline" | "now">,
  account: Account,
  wave: WaveRecord,
  checkpoint: MoveCheckpoint,
  options: MailboxesOptions,
): Promise<MailboxesOutcome> {
  // In-place archives are served by beta only: their sides call the mailbox API there.
  const side = (graph: GraphSide, mailboxId: string, archive = false): FolderSide => ({
    api: archive ? graph.api.forArchives() : graph.api,
    mailboxId,
    governor: graph.governors.for(mailboxId),
  });
  const targetArchive =
    checkpoint.targetArchiveMailboxId === undefined
      ? undefined
      : side(services.target, checkpoint.targetArchiveMailboxId, true);
  const pairs: {
    which: "primary" | "archive";
    source: FolderSide;
    target: FolderSide;
    ageArchive?: FolderSide;
  }[] = [
    {
      which: "primary",
      source: side(services.source, checkpoint.sourceMailboxId),
      target: side(services.target, checkpoint.targetMailboxId),
      ...(wave.archiveAgeMonths !== undefined && targetArchive ? { ageArchive: targetArchive } : {}),
    },
  ];
  if (checkpoint.sourceArchiveMailboxId !== undefined && targetArchive) {
    pairs.push({
      which: "archive",
      source: side(services.source, checkpoint.sourceArchiveMailboxId, true),
      target: targetArchive,
    });
  }
  const governors = [...new Set(pairs.flatMap((pair) => [pair.source.governor, pair.target.governor]))];
  const graphRequests = (): { requests: number; throttled: number } =>
    governors.reduce(
      (sum, governor) => {
        const figures = governor.snapshot();
        return { requests: sum.requests + figures.requests, throttled: sum.throttled + figures.throttled };
      },
      { requests: 0, throttled: 0 },
    );
  const before = graphRequests();
  let progress: SliceProgress | undefined;
  let lastOutcome: SliceOutcome | undefined;
  let listedItems: number | undefined;
  let badItemsSeen = false;
  const foldersLeft = new Map<MailboxKey, readonly FolderCheckpoint[]>();
  for (const pair of pairs) {
    const key = mailboxKey(account.id, pair.which);
    const known = options.knownFolders(key);
    lastOutcome = await runTransferSlice({
      source: pair.source,
      target: pair.target,
      key,
      state: services.transferState,
      deadline: options.deadline,
      now: () => services.now(),
      round: account.round,
      mirrorDeletions: wave.mirrorDeletions,
      ...(pair.ageArchive && wave.archiveAgeMonths !== undefined
        ? {
            archive: {
              side: pair.ageArchive,
              cutoff: checkpoint.archiveCutoff ?? archiveCutoff(services.now(), wave.archiveAgeMonths),
            },
          }
        : {}),
      largeItemBytes: wave.largeItemLimitBytes,
      pageSize: services.pipeline.pageSize,
      badItemDetails: { subject: services.pipeline.badItemSubjects },
      logger: options.logger,
      heartbeat: options.heartbeat,
      ...(known ? { knownFolders: known } : {}),
    });
    if (lastOutcome.folders) foldersLeft.set(key, lastOutcome.folders);
    progress = progress ? addSlice(progress, lastOutcome.progress) : lastOutcome.progress;
    if (lastOutcome.progress.listedItems !== undefined)
      listedItems = (listedItems ?? 0) + lastOutcome.progress.listedItems;
    if (lastOutcome.kind !== "done") break;
    if (lastOutcome.badItemsSeen) badItemsSeen = true;
  }
  const after = graphRequests();
  const finished = lastOutcome as SliceOutcome;
  const outcome: SliceOutcome =
    finished.kind === "done"
      ? { ...finished, progress: progress as SliceProgress, badItemsSeen }
      : { ...finished, progress: progress as SliceProgress };
  return {
    ...outcome,
    requests: after.requests - before.requests,
    throttled: after.throttled - before.throttled,
    ...(listedItems === undefined ? {} : { sourceItems: listedItems }),
    foldersLeft,
  };
}

/**
 * Bad and too-large items of the mailboxes the account copies (the archive only if it has one),
 * without those a later pass did copy after all (the item changed and imported fine).
 */
export async function listBadItems(
  services: Pick<MoverPorts, "transferState">,
  accountId: string,
  checkpoint: MoveCheckpoint,
): Promise<BadItemRecord[]> {
  const mailboxes =
    checkpoint.sourceArchiveMailboxId === undefined
      ? (["primary"] as const)
      : (["primary", "archive"] as const);
  const lists = await Promise.all(
    mailboxes.map(async (which) => {
      const key = mailboxKey(accountId, which);
      const bad = await services.transferState.listBadItems(key);
      if (bad.length === 0) return [];
      const copied = await services.transferState.getItems(
        key,
        bad.map((item) => item.sourceItemId),
      );
      return bad.filter((item) => {
        const record = copied.get(item.sourceItemId);
        return record === undefined || record.pending === true;
      });
    }),
  );
  return lists.flat();
}
