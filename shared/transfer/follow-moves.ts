/**
 * The first step of a page: deciding, for each item the page lists, what it needs. An item whose
 * recorded copy is current needs nothing; a changed one is imported over its copy; one that moved
 * at the source is imported at its new place and its old copy deleted; a large one is skipped; a
 * new one is imported where the age policy puts it.
 */
import { skipIfLarge } from "./bad-items.js";
import type { MailboxItem } from "../graph/port.js";
import {
  inPlace,
  placeOf,
  underPolicy,
  versionOf,
  type ImportWork,
  type PageTally,
  type SliceRequest,
  type Stream,
} from "./slice.js";
import type { FolderCheckpoint, ItemRecord } from "./state/port.js";

/** What a page's items need. */
export interface PagePlan {
  /** Items to import, in the page's order. */
  readonly imports: ImportWork[];
  /** Items the resync lists again and that need nothing else: marked as seen, saved with the page. */
  readonly seenAgain: ItemRecord[];
  /**
   * New items of the full stream under the age policy that were created since the cutoff and are
   * not among the young items: where they go is known only once the young stream is read on.
   */
  readonly undecided: MailboxItem[];
}

/** Decides what each of a page's items needs, skipping (and recording) the large ones. */
export async function followMoves(
  request: SliceRequest,
  folder: FolderCheckpoint,
  stream: Stream,
  items: readonly MailboxItem[],
  known: ReadonlyMap<string, ItemRecord>,
  folders: ReadonlyMap<string, FolderCheckpoint>,
  tally: PageTally,
): Promise<PagePlan> {
  const plan: PagePlan = { imports: [], seenAgain: [], undecided: [] };
  const mark = folder.resyncMark;
  const cutoffMs = request.archive ? Date.parse(request.archive.cutoff) : Number.NaN;
  for (const item of items) {
    const record = known.get(item.id);
    if (record && !record.pending) {
      if (inPlace(record, folder)) {
        if (record.sourceVersion === versionOf(item)) {
          if (mark !== undefined && record.seen !== mark) plan.seenAgain.push({ ...record, seen: mark });
          continue;
        }
        if (await skipIfLarge(request, folder, item, tally)) continue;
        plan.imports.push({ item, previous: record, inArchive: record.inArchive === true });
        continue;
      }
      if (await skipIfLarge(request, folder, item, tally)) continue;
      // Moved here at the source (or its folder's copy was rebuilt): imported here, and the old
      // copy deleted through its folder once the new one is recorded.
      const moved = record.sourceFolderId !== undefined && record.sourceFolderId !== folder.sourceFolderId;
      const place = moved ? placeOf(record, folders) : undefined;
      const inArchive = record.inArchive === true && folder.archiveFolderId !== undefined;
      plan.imports.push({ item, inArchive, ...(place ? { supersedes: place } : {}) });
      if (moved) tally.progress.itemsMoved += 1;
      continue;
    }
    if (await skipIfLarge(request, folder, item, tally)) continue;
    // An intent left by an interrupted move keeps the old copy it replaces, to delete it still.
    if (record?.pending && record.supersedes) {
      plan.imports.push({
        item,
        inArchive: record.inArchive === true && folder.archiveFolderId !== undefined,
        supersedes: record.supersedes,
      });
      continue;
    }
    if (!underPolicy(request, folder) || stream === "young") {
      plan.imports.push({ item, inArchive: false });
      continue;
    }
    // The full stream under the age policy: the young stream has placed the items received since
    // the cutoff already. One created before the cutoff was received before it too.
    const created = Date.parse(item.createdDateTime ?? "");
    if (Number.isFinite(created) && created < cutoffMs) plan.imports.push({ item, inArchive: true });
    else plan.undecided.push(item);
  }
  return plan;
}
