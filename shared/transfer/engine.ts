/**
 * Copies one mailbox into another in time-boxed slices through the Graph mailbox import/export
 * API: map folders, then per folder page the item delta, export in chunks of at most 20 and
 * import each item. Every imported item is recorded before the next page is taken, so a slice
 * that is cut short, retried or replayed never imports an item twice.
 *
 * There is no move action on mailboxItem or mailboxFolder, and with default ids an item's id
 * changes when it moves: a moved item is imported at its new place and its old copy deleted
 * through its folder (api-reference/v1.0/api/mailboxfolder-delete-items.md), whether the source
 * reports it under its old id in a new folder or as a removal plus a new item (matched by
 * creation time and size when the pass ends).
 *
 * This module runs the slice over the folders; a page's steps are in ./page.ts and the files it
 * names, and what they share in ./slice.ts.
 */
import { LeaseHeldError } from "../domain/errors.js";
import { asError } from "../errors.js";
import { DeltaExpiredError, ThrottledError } from "../graph/errors.js";
import { mapFolders } from "./folders.js";
import { ImportSessions } from "./import-sessions.js";
import { ItemMapCatchUp } from "./map-catch-up.js";
import type { ItemDeltaPage } from "../graph/port.js";
import { copyPage, restartStream } from "./page.js";
import { settleRemovals } from "./removals.js";
import {
  emptyProgress,
  isCopied,
  pastDeadline,
  readPage,
  underPolicy,
  type SliceContext,
  type SliceProgress,
  type SliceRequest,
  type Stream,
  type Targets,
} from "./slice.js";
import type { FolderCheckpoint } from "./state/port.js";

export type { SliceProgress, SliceRequest } from "./slice.js";
export { badItemDetails } from "./bad-items.js";

/** What every outcome tells besides its kind. */
interface OutcomeBase {
  readonly progress: SliceProgress;
  /**
   * The mailbox's folder checkpoints as the slice leaves them, when it got as far as mapping the
   * folders: what a next slice may start from instead of reading them again.
   */
  readonly folders?: readonly FolderCheckpoint[];
}

export type SliceOutcome =
  | (OutcomeBase & {
      readonly kind: "done";
      /** Whether any folder of the mailbox ever recorded a bad or too-large item. */
      readonly badItemsSeen: boolean;
    })
  | (OutcomeBase & { readonly kind: "more" })
  | (OutcomeBase & { readonly kind: "throttled"; readonly retryAt: Date });

/** Folders copied at once, so one folder's delta read or export overlaps another's imports. */
const FOLDER_PARALLELISM = 3;

/** Runs one slice of a mailbox transfer. */
export async function runTransferSlice(request: SliceRequest): Promise<SliceOutcome> {
  const progress = emptyProgress();
  // Each folder's checkpoint as this slice leaves it, once the folders are mapped.
  let foldersAsLeft: Map<string, FolderCheckpoint> | undefined;
  const leftBehind = (): { folders?: FolderCheckpoint[] } =>
    foldersAsLeft ? { folders: [...foldersAsLeft.values()] } : {};
  try {
    const { folders, firstPages } = await mapSliceFolders(request, progress);
    const targets: Targets = {
      primary: new ImportSessions(request.target, request.deadline),
      folders: new Map(folders.map((folder) => [folder.sourceFolderId, folder])),
      redirects: new Map(),
      catchUp: new ItemMapCatchUp(request),
      ...(request.archive ? { archive: new ImportSessions(request.archive.side, request.deadline) } : {}),
    };
    const slice: SliceContext = { request, targets, progress, unchangedFolders: new Map() };
    foldersAsLeft = new Map(folders.map((folder) => [folder.sourceFolderId, folder]));
    const copied = await copyFolders(slice, folders, firstPages, foldersAsLeft);
    if (copied.outOfTime) return { kind: "more", progress, ...leftBehind() };
    if (!(await settleRemovals(request, progress, targets.folders)))
      return { kind: "more", progress, ...leftBehind() };
    return { kind: "done", progress, badItemsSeen: copied.badItemsSeen, ...leftBehind() };
  } catch (error) {
    if (error instanceof ThrottledError) {
      return { kind: "throttled", retryAt: error.retryAt, progress, ...leftBehind() };
    }
    throw error;
  }
}

/**
 * Maps the source's folders onto the target's (counting what changed), and reads the first pages
 * of new folders while the target's folders are made: as many as the workers start with, so they
 * do not crowd out the source's exports. Not under an age policy: there a folder's filtered delta
 * is read first.
 */
async function mapSliceFolders(
  request: SliceRequest,
  progress: SliceProgress,
): Promise<{ folders: FolderCheckpoint[]; firstPages: ReadonlyMap<string, Promise<ItemDeltaPage>> }> {
  const firstPages = new Map<string, Promise<ItemDeltaPage>>();
  const { folders, changes } = await mapFolders(request.source, request.target, {
    key: request.key,
    state: request.state,
    logger: request.logger,
    round: request.round,
    deadline: request.deadline,
    mirrorDeletions: request.mirrorDeletions ?? false,
    ...(request.knownFolders ? { known: request.knownFolders } : {}),
    ...(request.archive ? { archive: request.archive.side } : {}),
    onNewFolders: (ids) => {
      if (request.archive) return;
      for (const id of ids.slice(0, FOLDER_PARALLELISM)) {
        const page = readPage(request, id, undefined, "all");
        // Unused when the mapping fails or the slice ends first: never an unhandled rejection.
        page.catch(() => undefined);
        firstPages.set(id, page);
      }
    },
  });
  progress.folders += changes.created;
  progress.foldersChanged += changes.restructured + changes.removed;
  if (changes.listedItems !== undefined) progress.listedItems = changes.listedItems;
  return { folders, firstPages };
}

/** How the folder workers of a slice stand. */
interface FolderQueue {
  /** The folders this pass still has to copy, in order. */
  readonly toCopy: readonly FolderCheckpoint[];
  nextIndex: number;
  /** A worker failed: the others take no new page. */
  failed: boolean;
  /** The time-box ran out before every folder was copied. */
  outOfTime: boolean;
  /** Whether any folder of the mailbox ever recorded a bad or too-large item. */
  badItemsSeen: boolean;
  /** Each folder's checkpoint as the slice leaves it. */
  readonly foldersAsLeft: Map<string, FolderCheckpoint>;
  readonly firstPages: ReadonlyMap<string, Promise<ItemDeltaPage>>;
}

/**
 * Copies the folders this pass has not finished, a few at once. Folders whose pages brought
 * nothing new are saved together at the end; a throttling error wins over others.
 */
async function copyFolders(
  slice: SliceContext,
  folders: readonly FolderCheckpoint[],
  firstPages: ReadonlyMap<string, Promise<ItemDeltaPage>>,
  foldersAsLeft: Map<string, FolderCheckpoint>,
): Promise<{ outOfTime: boolean; badItemsSeen: boolean }> {
  const { request } = slice;
  const queue: FolderQueue = {
    toCopy: folders.filter((folder) => !isCopied(request, folder)),
    nextIndex: 0,
    failed: false,
    outOfTime: false,
    badItemsSeen: folders.some((folder) => (folder.badItems ?? 0) > 0),
    foldersAsLeft,
    firstPages,
  };
  const results = await Promise.allSettled(
    Array.from({ length: FOLDER_PARALLELISM }, async () => {
      try {
        await folderWorker(slice, queue);
      } catch (error) {
        queue.failed = true;
        throw error;
      }
    }),
  );
  const errors = results.flatMap((result) =>
    result.status === "rejected" ? [result.reason as unknown] : [],
  );
  // Losing these to a crash costs only a re-read of pages that held nothing new. A slice that
  // lost its claim writes nothing more: the mailbox is another worker's now.
  if (slice.unchangedFolders.size > 0 && !errors.some((error) => error instanceof LeaseHeldError)) {
    await request.state.saveFolders(request.key, [...slice.unchangedFolders.values()]);
  }
  const throttled = errors.find((error): error is ThrottledError => error instanceof ThrottledError);
  if (throttled) throw throttled;
  if (errors.length > 0) throw asError(errors[0]);
  return { outOfTime: queue.outOfTime, badItemsSeen: queue.badItemsSeen };
}

/** Takes folders from the queue and copies each page by page until it is current for this pass. */
async function folderWorker(slice: SliceContext, queue: FolderQueue): Promise<void> {
  const { request } = slice;
  while (queue.nextIndex < queue.toCopy.length && !queue.failed) {
    let folder = queue.toCopy[queue.nextIndex++];
    // The folder's next delta page: read while the previous page's items are imported, or
    // (a new folder's first) while the folders were mapped.
    let readAhead =
      folder && folder.cursor === undefined ? queue.firstPages.get(folder.sourceFolderId) : undefined;
    while (folder && !isCopied(request, folder)) {
      if (queue.failed) return;
      if (pastDeadline(request)) {
        queue.outOfTime = true;
        return;
      }
      if (folder.cursor === undefined && folder.sourceItemCount === 0 && folder.resyncMark === undefined) {
        // Never read and empty when listed: nothing to copy; the next pass reads it in full.
        // Not saved: finishing it again costs nothing, and most folders of a mailbox are
        // like this, so saving them would rewrite most of its rows every pass.
        folder = { ...folder, passComplete: true, youngComplete: true };
        queue.foldersAsLeft.set(folder.sourceFolderId, folder);
        continue;
      }
      const stream: Stream = underPolicy(request, folder) && folder.youngComplete !== true ? "young" : "all";
      try {
        const copied = await copyPage(slice, folder, stream, stream === "all" ? readAhead : undefined);
        folder = copied.folder;
        readAhead = copied.nextPage;
      } catch (error) {
        if (!(error instanceof DeltaExpiredError)) throw error;
        folder = await restartStream(request, folder, stream);
        readAhead = undefined;
      }
      queue.foldersAsLeft.set(folder.sourceFolderId, folder);
      if ((folder.badItems ?? 0) > 0) queue.badItemsSeen = true;
    }
  }
}
