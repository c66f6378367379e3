/**
 * One delta page of one folder, in named steps that share one tally: read the page (and ask for
 * the next), settle intents an interrupted slice left, follow the moves (deciding what each item
 * needs, skipping the large ones), place the undecided items, import the chunks, and advance the
 * folder's cursor.
 */
import { followMoves } from "./follow-moves.js";
import { importChunks } from "./import-chunk.js";
import { accountedCopies, settleIntents } from "./interrupted-imports.js";
import { DeltaExpiredError } from "../graph/errors.js";
import type { ItemDeltaPage, MailboxItem } from "../graph/port.js";
import {
  pastDeadline,
  readPage,
  type ImportWork,
  type PageTally,
  type SliceContext,
  type SliceRequest,
  type Stream,
} from "./slice.js";
import type { FolderCheckpoint, ItemRecord } from "./state/port.js";

/** A page's outcome: the folder's new checkpoint (saved), and its next page when already asked for. */
export interface CopiedPage {
  readonly folder: FolderCheckpoint;
  readonly nextPage?: Promise<ItemDeltaPage>;
}

/**
 * Copies one delta page of a folder from one of its streams: `all` (the folder's delta) or, under
 * an age policy, `young` (only items received on or after the cutoff, which stay in the primary).
 * `readAhead` is the page at the stream's cursor when it was read in advance. The page after this
 * one is asked for before this one's items are imported: delta links are plain reads on the
 * source's budget, so the target's imports need not wait for it at every page boundary. A page
 * read in advance and never used changes nothing.
 */
export async function copyPage(
  slice: SliceContext,
  start: FolderCheckpoint,
  stream: Stream,
  readAhead?: Promise<ItemDeltaPage>,
): Promise<CopiedPage> {
  const { request, targets } = slice;
  const { key, state } = request;
  const tally: PageTally = { progress: slice.progress, badItemsOnPage: 0 };
  await request.heartbeat?.();
  const cursor = stream === "young" ? start.youngCursor : start.cursor;
  const page = await (readAhead ?? readPage(request, start.sourceFolderId, cursor, stream));
  const nextPage =
    page.nextLink !== undefined && !pastDeadline(request)
      ? readPage(request, start.sourceFolderId, page.nextLink, stream)
      : undefined;
  // Abandoned when this page fails or the slice ends first: never an unhandled rejection.
  nextPage?.catch(() => undefined);
  const known = await state.getItems(
    key,
    page.items.map((item) => item.id),
  );
  if ([...known.values()].some((record) => record.pending)) {
    await settleIntents(request, start, known, targets.folders);
  }
  await targets.catchUp.recover(start, page.items, known);
  const plan = await followMoves(request, start, stream, page.items, known, targets.folders, tally);
  const folder =
    plan.undecided.length > 0
      ? await placeUndecided(slice, start, plan.undecided, known, plan.imports)
      : start;
  const finished = await importChunks(
    { slice, folder, tally, accountedFor: accountedCopies(known.values()), resyncMark: start.resyncMark },
    plan.imports,
  );
  if (!finished) return { folder };
  if (plan.seenAgain.length > 0) await state.putItems(key, plan.seenAgain);
  const next = await advanceCursor(slice, folder, page, stream, tally);
  return { folder: next, ...(nextPage ? { nextPage } : {}) };
}

/**
 * Items of the full stream created since the cutoff and not among the young items: received
 * before the cutoff (an item restored or imported later), or received since the young stream was
 * last read. Reading the young stream on tells which: what it lists now stays in the primary, and
 * the others go to the archive. `known` gains their records; `imports` the archive's.
 */
async function placeUndecided(
  slice: SliceContext,
  start: FolderCheckpoint,
  undecided: readonly MailboxItem[],
  known: Map<string, ItemRecord>,
  imports: ImportWork[],
): Promise<FolderCheckpoint> {
  const { request } = slice;
  const folder = await drainYoung(slice, start);
  const placed = await request.state.getItems(
    request.key,
    undecided.map((item) => item.id),
  );
  for (const [id, record] of placed) known.set(id, record);
  for (const item of undecided) if (!known.has(item.id)) imports.push({ item, inArchive: true });
  return folder;
}

/**
 * Reads the young stream of a folder on to its deltaLink, copying what it lists into the primary:
 * what it lists then is what was received since the cutoff, whenever it arrived.
 */
async function drainYoung(slice: SliceContext, start: FolderCheckpoint): Promise<FolderCheckpoint> {
  let folder: FolderCheckpoint = { ...start, youngComplete: false };
  while (folder.youngComplete !== true) {
    try {
      folder = (await copyPage(slice, folder, "young")).folder;
    } catch (error) {
      if (!(error instanceof DeltaExpiredError)) throw error;
      folder = await restartStream(slice.request, folder, "young");
    }
  }
  return folder;
}

/**
 * The last step of a page: records what the source reported removed, moves the stream's cursor
 * to the page's next or delta link, and saves the folder's checkpoint (or, when the page changed
 * nothing, leaves it to be saved with the other unchanged folders when the slice ends).
 */
async function advanceCursor(
  slice: SliceContext,
  folder: FolderCheckpoint,
  page: ItemDeltaPage,
  stream: Stream,
  tally: PageTally,
): Promise<FolderCheckpoint> {
  const { request, unchangedFolders } = slice;
  const { key, state } = request;
  tally.progress.removedAtSource += page.removedIds.length;
  if (page.removedIds.length > 0) {
    // Settled when the pass ends: only then is it known whether each was deleted or moved.
    await state.addRemovals(
      key,
      [...new Set(page.removedIds)].map((sourceItemId) => ({
        sourceFolderId: folder.sourceFolderId,
        sourceItemId,
        round: request.round,
      })),
    );
  }
  const link = page.nextLink ?? page.deltaLink;
  let next: FolderCheckpoint =
    stream === "young"
      ? { ...folder, ...(link ? { youngCursor: link } : {}), youngComplete: page.nextLink === undefined }
      : {
          ...folder,
          ...(link ? { cursor: link } : {}),
          passComplete: page.nextLink === undefined,
        };
  if (tally.badItemsOnPage > 0) next = { ...next, badItems: (folder.badItems ?? 0) + tally.badItemsOnPage };
  const streamEnded = stream === "all" && page.nextLink === undefined;
  if (streamEnded && next.resyncMark !== undefined) next = await finishResync(request, next);
  if (streamEnded && next.relocatedFrom !== undefined) {
    // Every item is at the rebuilt copy now; the old copy went when it was rebuilt.
    const { relocatedFrom: _done, ...rest } = next;
    next = rest;
  }
  if (
    page.items.length === 0 &&
    page.removedIds.length === 0 &&
    next.resyncMark === folder.resyncMark &&
    next.relocatedFrom === folder.relocatedFrom
  ) {
    unchangedFolders.set(next.sourceFolderId, next);
  } else {
    unchangedFolders.delete(next.sourceFolderId);
    await state.saveFolder(key, next);
  }
  return next;
}

/**
 * The end of a resync: items recorded in the folder that the resync did not list are gone from
 * it (deleted, or moved under a new id), and are settled like any removal when the pass ends.
 */
async function finishResync(request: SliceRequest, folder: FolderCheckpoint): Promise<FolderCheckpoint> {
  const { state, key } = request;
  const mark = folder.resyncMark;
  const records = await state.listItemsInFolder(key, folder.sourceFolderId);
  const gone = records.filter((record) => !record.pending && record.seen !== mark);
  if (gone.length > 0) {
    await state.addRemovals(
      key,
      gone.map((record) => ({
        sourceFolderId: folder.sourceFolderId,
        sourceItemId: record.sourceItemId,
        round: request.round,
      })),
    );
  }
  const { resyncMark: _done, ...rest } = folder;
  return rest;
}

/**
 * A folder's delta link expired (concepts/delta-query-overview.md): the stream starts again from
 * scratch. The item map keeps the resync from importing anything twice; the full stream's resync
 * is marked, so items it no longer lists are taken as removed when it ends.
 */
export async function restartStream(
  request: SliceRequest,
  folder: FolderCheckpoint,
  stream: Stream,
): Promise<FolderCheckpoint> {
  request.logger.warn("a delta link expired; the folder is read again in full", {
    mailboxKey: request.key,
    stream,
  });
  const { cursor: _cursor, youngCursor: _young, ...rest } = folder;
  const next: FolderCheckpoint =
    stream === "young"
      ? { ...rest, ...(folder.cursor === undefined ? {} : { cursor: folder.cursor }), youngComplete: false }
      : {
          ...rest,
          ...(folder.youngCursor === undefined ? {} : { youngCursor: folder.youngCursor }),
          passComplete: false,
          resyncMark: request.now().getTime(),
        };
  await request.state.saveFolder(request.key, next);
  return next;
}
