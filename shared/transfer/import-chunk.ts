/**
 * The import step of a page: its items are exported from the source in chunks of at most 20
 * (api-reference/v1.0/api/mailbox-exportitems.md) and each imported into the target. Before a
 * chunk's imports its intents are recorded, and after them its copies, so an import is never
 * repeated for an item whose copy exists, whatever dies in between.
 */
import { recordBadItem, settleImports } from "./bad-items.js";
import { TransientTransferError } from "../graph/errors.js";
import { importWithSessions } from "./import-sessions.js";
import { findCopy } from "./interrupted-imports.js";
import type { ExportedItem, ImportedItem, ImportSession } from "../graph/port.js";
import { withTransientRetry } from "../graph/retry.js";
import {
  deleteCopy,
  pastDeadline,
  versionOf,
  type Destination,
  type ImportWork,
  type PageTally,
  type SliceContext,
} from "./slice.js";
import type { FolderCheckpoint, ItemRecord } from "./state/port.js";

/** Items exported at once: the most exportItems takes in one request. */
const EXPORT_CHUNK = 20;

/** What the chunks of one page are imported with. */
export interface PageImport {
  readonly slice: SliceContext;
  /** The page's folder as it stands when its imports start. */
  readonly folder: FolderCheckpoint;
  readonly tally: PageTally;
  /** Target items that records account for: a lookup for a lost answer skips them. */
  readonly accountedFor: Set<string>;
  /** The folder's resync mark, recorded on each copy so the resync's end knows it was listed. */
  readonly resyncMark: number | undefined;
}

/** Where an item's copy goes under this pass's folder mapping. */
function destinationOf(page: PageImport, entry: ImportWork): Destination {
  const { request, targets } = page.slice;
  const archive = request.archive;
  const { folder } = page;
  return entry.inArchive && archive && targets.archive && folder.archiveFolderId !== undefined
    ? { side: archive.side, folderId: folder.archiveFolderId, sessions: targets.archive, inArchive: true }
    : { side: request.target, folderId: folder.targetFolderId, sessions: targets.primary, inArchive: false };
}

function exportChunk(page: PageImport, chunk: readonly ImportWork[]): Promise<ExportedItem[]> {
  const { request } = page.slice;
  const { source } = request;
  return withTransientRetry(
    () =>
      source.api.exportItems(
        source.mailboxId,
        chunk.map((entry) => entry.item.id),
        source.governor,
      ),
    request.deadline,
    source.governor,
  );
}

/**
 * Imports a page's items chunk by chunk. The next chunk is exported while this one is imported:
 * the two mailboxes have separate budgets, so the target's imports never wait for the source's
 * export. False when the deadline came first: the page is left unfinished and replayed by the
 * next slice (the item map skips what this one copied), so a slice cannot outlive its lease by
 * much.
 */
export async function importChunks(page: PageImport, imports: readonly ImportWork[]): Promise<boolean> {
  const { request, targets } = page.slice;
  // The slice's first import session opens while the first chunk is exported, not after it.
  if (imports.length > 0 && !request.archive) targets.primary.get().catch(() => undefined);
  const chunks: ImportWork[][] = [];
  for (let at = 0; at < imports.length; at += EXPORT_CHUNK) chunks.push(imports.slice(at, at + EXPORT_CHUNK));
  let exporting: Promise<ExportedItem[]> | undefined = chunks[0] ? exportChunk(page, chunks[0]) : undefined;
  for (const [index, chunk] of chunks.entries()) {
    if (!exporting) break;
    if (index > 0 && pastDeadline(request)) {
      exporting.catch(() => undefined);
      return false;
    }
    const exported = exporting;
    const following = chunks[index + 1];
    exporting = following ? exportChunk(page, following) : undefined;
    // An export abandoned by an error below must not surface as an unhandled rejection.
    exporting?.catch(() => undefined);
    await importChunk(page, chunk, await exported);
  }
  return true;
}

/**
 * Imports one exported chunk: records an intent for each new copy, imports every item (looking
 * for its copy when an import went unanswered), records the copies together, and turns item-level
 * refusals into bad items.
 */
export async function importChunk(
  page: PageImport,
  chunk: readonly ImportWork[],
  exported: readonly ExportedItem[],
): Promise<void> {
  const { request } = page.slice;
  const byId = new Map(chunk.map((entry) => [entry.item.id, entry]));
  await recordIntents(page, byId, exported);
  // Recorded together once the chunk's imports are answered; until then the intents stand.
  const records: ItemRecord[] = [];
  const results = await Promise.allSettled(
    exported.map(async (result) => {
      const entry = byId.get(result.itemId);
      if (!entry) return;
      if (result.error || result.data === undefined) {
        await recordBadItem(
          request,
          page.folder,
          entry.item,
          result.error?.code ?? "ExportFailed",
          page.tally,
        );
        return;
      }
      records.push(await importItem(page, entry, result.data));
    }),
  );
  if (records.length > 0) await request.state.putItems(request.key, records);
  await settleImports(
    request,
    page.folder,
    results,
    exported.map((result) => byId.get(result.itemId)?.item),
    page.tally,
  );
}

/**
 * Intents first: should this process die between an import and its record, the next slice finds
 * the copy in the target instead of importing the item a second time. An update in place needs
 * none: its copy is recorded already.
 */
async function recordIntents(
  page: PageImport,
  byId: ReadonlyMap<string, ImportWork>,
  exported: readonly ExportedItem[],
): Promise<void> {
  const { request } = page.slice;
  const intents: ItemRecord[] = [];
  for (const result of exported) {
    const entry = byId.get(result.itemId);
    if (!entry || result.error || result.data === undefined || entry.previous) continue;
    const { item } = entry;
    const destination = destinationOf(page, entry);
    intents.push({
      sourceItemId: item.id,
      targetItemId: "",
      pending: true,
      sourceVersion: versionOf(item),
      sizeBytes: item.size ?? 0,
      sourceFolderId: page.folder.sourceFolderId,
      targetFolderId: destination.folderId,
      ...(destination.inArchive ? { inArchive: true } : {}),
      ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
      ...(entry.supersedes ? { supersedes: entry.supersedes } : {}),
    });
  }
  if (intents.length > 0) await request.state.putItems(request.key, intents);
}

/**
 * Imports one exported item (over its copy when it is an update), deletes the copy it replaces,
 * and counts it: the record of its copy, not yet saved.
 */
async function importItem(page: PageImport, entry: ImportWork, data: string): Promise<ItemRecord> {
  const { request, targets } = page.slice;
  const { folder, tally, accountedFor } = page;
  const { item, previous } = entry;
  const destination = destinationOf(page, entry);
  const post = (session: ImportSession): Promise<ImportedItem> =>
    destination.side.api.importItem(
      session,
      {
        folderId: destination.folderId,
        data,
        ...(previous
          ? {
              update: {
                itemId: previous.targetItemId,
                ...(previous.targetChangeKey ? { changeKey: previous.targetChangeKey } : {}),
              },
            }
          : {}),
      },
      destination.side.governor,
    );
  const importOnce = (session: ImportSession): Promise<ImportedItem> =>
    withTransientRetry(
      async () => {
        try {
          return await post(session);
        } catch (error) {
          // No answer: the import may have happened. Look before posting it again.
          if (previous || !(error instanceof TransientTransferError) || error.status !== 0) throw error;
          const copy = await findCopy(request, destination, item, accountedFor);
          if (copy) return copy;
          throw error;
        }
      },
      request.deadline,
      destination.side.governor,
    );
  const imported = await importWithSessions(destination, targets, importOnce);
  accountedFor.add(imported.itemId);
  if (entry.supersedes) await deleteCopy(request, entry.supersedes);
  const record: ItemRecord = {
    sourceItemId: item.id,
    targetItemId: imported.itemId,
    ...(imported.changeKey ? { targetChangeKey: imported.changeKey } : {}),
    sourceVersion: versionOf(item),
    sizeBytes: item.size ?? Math.floor((data.length * 3) / 4),
    sourceFolderId: folder.sourceFolderId,
    targetFolderId: destination.folderId,
    ...(destination.inArchive ? { inArchive: true } : {}),
    ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
    ...(page.resyncMark === undefined ? {} : { seen: page.resyncMark }),
  };
  if (previous) tally.progress.itemsUpdated += 1;
  else tally.progress.items += 1;
  tally.progress.bytes += record.sizeBytes;
  return record;
}
