/**
 * Copies one mailbox into another in time-boxed slices through the Graph mailbox import/export
 * API: map folders, then per folder page the item delta, export in chunks of at most 20 and
 * import each item. Every imported item is recorded before the next page is taken, so a slice
 * that is cut short, retried or replayed never imports an item twice.
 */
import { LeaseHeldError } from "../domain/errors.js";
import { asError } from "../errors.js";
import type { Logger } from "../telemetry/logger.js";
import {
  ImportSessionExpiredError,
  ItemRejectedError,
  PermanentTransferError,
  ThrottledError,
  TransientTransferError,
} from "./errors.js";
import { mapFolders, type FolderSide } from "./folders.js";
import type { ExportedItem, ImportedItem, ImportSession, ItemDeltaPage, MailboxItem } from "./mailbox-api.js";
import { withTransientRetry } from "./retry.js";
import type { FolderCheckpoint, ItemRecord, MailboxKey, TransferStateStore } from "./state/port.js";

export interface SliceProgress {
  foldersCreated: number;
  itemsCopied: number;
  itemsUpdated: number;
  bytesCopied: number;
  badItems: number;
  largeItems: number;
  /** Items the source reported gone from a folder (deleted, or moved to another folder). */
  removedAtSource: number;
  /** Copies deleted in the target because their source item was deleted (mirroring only). */
  deletedInTarget: number;
  /** Copies moved in the target because their source item moved to another folder. */
  itemsMoved: number;
  /** Target folders renamed or moved, or source folders found deleted. */
  foldersChanged: number;
  /** Items the source's folders held when this slice listed them (only when it did). */
  listedItems?: number;
}

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

export interface SliceRequest {
  readonly source: FolderSide;
  readonly target: FolderSide;
  readonly key: MailboxKey;
  readonly state: TransferStateStore;
  /** Epoch ms after which no new page is started. */
  readonly deadline: number;
  /**
   * The account's pass. A higher number than the folders were last opened for starts a new pass:
   * the folder tree is read again and every folder's item delta continues from its deltaLink.
   */
  readonly round: number;
  /** Delete in the target what was deleted at the source (items and folders). */
  readonly mirrorDeletions?: boolean;
  /** Age policy: items received before `olderThanMs` go to the same folder path in `side`. */
  readonly archive?: { readonly side: FolderSide; readonly olderThanMs: number };
  /** Items larger than this are skipped and recorded. */
  readonly largeItemBytes: number;
  readonly pageSize?: number;
  readonly logger: Logger;
  /**
   * Called before each page: keeps the caller's claim on the account alive, and throws when the
   * claim was lost, which ends the slice before another worker's copy could overlap it.
   */
  readonly heartbeat?: () => Promise<void>;
  /**
   * The folder checkpoints as the previous slice left them, when the caller knows them for sure
   * (none for a mailbox nothing was saved for): the slice then does not read them again.
   */
  readonly knownFolders?: readonly FolderCheckpoint[];
}

const EXPORT_CHUNK = 20;
const FOLDER_PARALLELISM = 3;

/** The slice's import session, shared by its folders and renewed once when it expires. */
class ImportSessions {
  private current: Promise<ImportSession> | undefined;

  constructor(private readonly open: () => Promise<ImportSession>) {}

  get(): Promise<ImportSession> {
    this.current ??= this.open();
    return this.current;
  }

  async renew(stale: ImportSession): Promise<ImportSession> {
    const pending = this.get();
    if ((await pending) !== stale) return pending;
    // Only the first caller to see the stale session replaces it; the others share the new one.
    if (this.current === pending) this.current = this.open();
    return this.get();
  }
}

function emptyProgress(): SliceProgress {
  return {
    foldersCreated: 0,
    itemsCopied: 0,
    itemsUpdated: 0,
    bytesCopied: 0,
    badItems: 0,
    largeItems: 0,
    removedAtSource: 0,
    deletedInTarget: 0,
    itemsMoved: 0,
    foldersChanged: 0,
  };
}

/** Removals settled at once; the claim is renewed between chunks. */
const SETTLE_CHUNK = 50;

/** Where an item's copy lives: the target mailbox, or the target archive under an age policy. */
interface Destination {
  readonly side: FolderSide;
  readonly folderId: string;
  readonly sessions: ImportSessions;
  readonly inArchive: boolean;
}

function itemTime(item: MailboxItem): number {
  return Date.parse(item.receivedDateTime ?? item.createdDateTime ?? "");
}

function versionOf(item: MailboxItem): string {
  return item.changeKey ?? item.lastModifiedDateTime ?? "";
}

/** Opens import sessions on one side, turning a refused session into a permanent failure. */
function sessionsFor(side: FolderSide, deadline: number): ImportSessions {
  return new ImportSessions(async () => {
    try {
      return await withTransientRetry(
        () => side.api.createImportSession(side.mailboxId, side.governor),
        deadline,
        side.governor,
      );
    } catch (error) {
      if (error instanceof ItemRejectedError) {
        throw new PermanentTransferError(
          "ImportRefused",
          `the target refused an import session (${error.code})`,
          error.code,
          { cause: error },
        );
      }
      throw error;
    }
  });
}

/** The two places a slice may import into. */
interface Targets {
  readonly primary: ImportSessions;
  readonly archive?: ImportSessions;
  /** This pass's folders by source id, to find where an interrupted import went. */
  readonly folders: ReadonlyMap<string, FolderCheckpoint>;
}

/**
 * Whether a folder's copy is current for this pass. A folder never read is current only while it
 * is listed empty: its finished mark is not saved (see below), so a stored mark may be from an
 * earlier pass, when it was empty.
 */
function isCopied(folder: FolderCheckpoint): boolean {
  return folder.passComplete && (folder.cursor !== undefined || folder.sourceItemCount === 0);
}

/** Runs one slice of a mailbox transfer. */
export async function runTransferSlice(request: SliceRequest): Promise<SliceOutcome> {
  const progress = emptyProgress();
  const { source, target, key, state, logger } = request;
  // Each folder's checkpoint as this slice leaves it, once the folders are mapped.
  let latest: Map<string, FolderCheckpoint> | undefined;
  const left = (): { folders?: FolderCheckpoint[] } => (latest ? { folders: [...latest.values()] } : {});
  try {
    // First pages of new folders, read while the target's folders are made (as many as the
    // workers start with, so they do not crowd out the source's exports).
    const firstPages = new Map<string, Promise<ItemDeltaPage>>();
    const { folders, changes } = await mapFolders(source, target, {
      key,
      state,
      logger,
      round: request.round,
      deadline: request.deadline,
      mirrorDeletions: request.mirrorDeletions ?? false,
      ...(request.knownFolders ? { known: request.knownFolders } : {}),
      ...(request.archive ? { archive: request.archive.side } : {}),
      onNewFolders: (ids) => {
        for (const id of ids.slice(0, FOLDER_PARALLELISM)) {
          const page = readPage(request, id, undefined);
          // Unused when the mapping fails or the slice ends first: never an unhandled rejection.
          page.catch(() => undefined);
          firstPages.set(id, page);
        }
      },
    });
    progress.foldersCreated += changes.created;
    progress.foldersChanged += changes.restructured + changes.removed;
    if (changes.listedItems !== undefined) progress.listedItems = changes.listedItems;
    const targets: Targets = {
      primary: sessionsFor(target, request.deadline),
      folders: new Map(folders.map((folder) => [folder.sourceFolderId, folder])),
      ...(request.archive ? { archive: sessionsFor(request.archive.side, request.deadline) } : {}),
    };
    latest = new Map(folders.map((folder) => [folder.sourceFolderId, folder]));
    const leaving = latest;
    const pending = folders.filter((folder) => !isCopied(folder));
    let badItemsSeen = folders.some((folder) => (folder.badItems ?? 0) > 0);
    // Folders whose page brought nothing new are saved together when the slice ends.
    const quiet = new Map<string, FolderCheckpoint>();
    let next = 0;
    let outOfTime = false;
    let failed = false;
    // A few folders at once, so one folder's delta read or export overlaps another's imports.
    const worker = async (): Promise<void> => {
      while (next < pending.length && !failed) {
        let current = pending[next++];
        // The folder's next delta page: read while the previous page's items are imported, or
        // (a new folder's first) while the folders were mapped.
        let ahead =
          current && current.cursor === undefined ? firstPages.get(current.sourceFolderId) : undefined;
        while (current && !isCopied(current)) {
          if (failed) return;
          if (Date.now() >= request.deadline) {
            outOfTime = true;
            return;
          }
          if (current.cursor === undefined && current.sourceItemCount === 0) {
            // Never read and empty when listed: nothing to copy; the next pass reads it in full.
            // Not saved: finishing it again costs nothing, and most folders of a mailbox are
            // like this, so saving them would rewrite most of its rows every pass.
            current = { ...current, passComplete: true };
            leaving.set(current.sourceFolderId, current);
            continue;
          }
          const copied = await copyPage(request, current, targets, progress, quiet, ahead);
          current = copied.folder;
          ahead = copied.ahead;
          leaving.set(current.sourceFolderId, current);
          if ((current.badItems ?? 0) > 0) badItemsSeen = true;
        }
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: FOLDER_PARALLELISM }, async () => {
        try {
          await worker();
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    );
    const errors = results.flatMap((result) =>
      result.status === "rejected" ? [result.reason as unknown] : [],
    );
    // Losing these to a crash costs only a re-read of pages that held nothing new. A slice that
    // lost its claim writes nothing more: the mailbox is another worker's now.
    if (quiet.size > 0 && !errors.some((error) => error instanceof LeaseHeldError)) {
      await state.saveFolders(key, [...quiet.values()]);
    }
    const throttled = errors.find((error): error is ThrottledError => error instanceof ThrottledError);
    if (throttled) throw throttled;
    if (errors.length > 0) throw asError(errors[0]);
    if (outOfTime) return { kind: "more", progress, ...left() };
    if (request.mirrorDeletions && !(await settleRemovals(request, progress)))
      return { kind: "more", progress, ...left() };
    return { kind: "done", progress, badItemsSeen, ...left() };
  } catch (error) {
    if (error instanceof ThrottledError) {
      return { kind: "throttled", retryAt: error.retryAt, progress, ...left() };
    }
    throw error;
  }
}

/**
 * At the end of a pass, deletes the copies of items the source deleted. An item reported gone
 * from a folder but seen in another folder during the pass was moved, not deleted: its record
 * names the new folder, and its copy stays.
 */
async function settleRemovals(request: SliceRequest, progress: SliceProgress): Promise<boolean> {
  const { state, key } = request;
  const removals = await state.listRemovals(key);
  for (let start = 0; start < removals.length; start += SETTLE_CHUNK) {
    // Out of time: the next slice finds every folder done and goes on settling.
    if (Date.now() >= request.deadline) return false;
    await request.heartbeat?.();
    const chunk = removals.slice(start, start + SETTLE_CHUNK);
    const records = await state.getItems(
      key,
      chunk.map((removal) => removal.sourceItemId),
    );
    await Promise.all(
      chunk.map(async (removal) => {
        const record = records.get(removal.sourceItemId);
        if (!record || record.sourceFolderId !== removal.sourceFolderId) return;
        const side = record.inArchive ? request.archive?.side : request.target;
        if (side && !record.pending && record.targetItemId !== "") {
          await withTransientRetry(
            () => side.api.deleteItem(side.mailboxId, record.targetItemId, side.governor),
            request.deadline,
            side.governor,
          );
        }
        await state.deleteItem(key, record.sourceItemId);
        progress.deletedInTarget += 1;
      }),
    );
    await state.deleteRemovals(key, chunk);
  }
  return true;
}

/** Moves the copy of an item that moved to `folder` at the source; false when the copy is gone. */
async function followMove(
  request: SliceRequest,
  record: ItemRecord,
  folder: FolderCheckpoint,
): Promise<boolean> {
  const side = record.inArchive ? request.archive?.side : request.target;
  const destination = record.inArchive ? folder.archiveFolderId : folder.targetFolderId;
  if (!side || destination === undefined) return false;
  try {
    await withTransientRetry(
      () => side.api.moveItem(side.mailboxId, record.targetItemId, destination, side.governor),
      request.deadline,
      side.governor,
    );
    return true;
  } catch (error) {
    // The copy is gone (deleted in the target by someone): import the item afresh.
    if (error instanceof ItemRejectedError) return false;
    throw error;
  }
}

/** Reads one delta page of a source folder from `cursor` (its first page when undefined). */
function readPage(request: SliceRequest, sourceFolderId: string, cursor: string | undefined) {
  const { source } = request;
  return withTransientRetry(
    () =>
      source.api.itemDelta(
        source.mailboxId,
        sourceFolderId,
        cursor,
        request.pageSize ?? 100,
        source.governor,
      ),
    request.deadline,
    source.governor,
  );
}

/** A page's outcome: the folder's new checkpoint (saved), and its next page when already asked for. */
interface CopiedPage {
  readonly folder: FolderCheckpoint;
  readonly ahead?: Promise<ItemDeltaPage>;
}

/**
 * Copies one delta page of a folder. `ahead` is the page at the folder's cursor when it was read
 * in advance. The page after this one is asked for before this one's items are imported: delta
 * links are plain reads on the source's budget, so the target's imports need not wait for it
 * at every page boundary. A page read in advance and never used changes nothing.
 */
async function copyPage(
  request: SliceRequest,
  folder: FolderCheckpoint,
  targets: Targets,
  progress: SliceProgress,
  quiet: Map<string, FolderCheckpoint>,
  ahead: Promise<ItemDeltaPage> | undefined,
): Promise<CopiedPage> {
  const { source, key, state } = request;
  // Bad items this page recorded: the folder's checkpoint counts them, so a cutover knows
  // whether there are any to report without listing them.
  const bad = { count: 0 };
  await request.heartbeat?.();
  const page = await (ahead ?? readPage(request, folder.sourceFolderId, folder.cursor));
  const nextPage =
    page.nextLink !== undefined && Date.now() < request.deadline
      ? readPage(request, folder.sourceFolderId, page.nextLink)
      : undefined;
  // Abandoned when this page fails or the slice ends first: never an unhandled rejection.
  nextPage?.catch(() => undefined);
  const known = await state.getItems(
    key,
    page.items.map((item) => item.id),
  );
  if ([...known.values()].some((record) => record.pending)) {
    await reconcile(request, folder, known, targets.folders);
  }
  for (const item of page.items) {
    const record = known.get(item.id);
    if (!record || record.pending || record.sourceFolderId === folder.sourceFolderId) continue;
    // Seen before in another folder: the user moved it, so its copy moves too.
    if (record.sourceFolderId !== undefined && !(await followMove(request, record, folder))) {
      await state.deleteItem(key, item.id);
      known.delete(item.id);
      continue;
    }
    const moved: ItemRecord = { ...record, sourceFolderId: folder.sourceFolderId };
    await state.putItem(key, moved);
    known.set(item.id, moved);
    if (record.sourceFolderId !== undefined) progress.itemsMoved += 1;
  }
  // Target items already accounted for on this page; a lookup for a lost answer skips them.
  const claimed = new Set(
    [...known.values()].filter((record) => !record.pending).map((record) => record.targetItemId),
  );
  const todo: MailboxItem[] = [];
  for (const item of page.items) {
    const record = known.get(item.id);
    if (record && !record.pending && record.sourceVersion === versionOf(item)) continue;
    if ((item.size ?? 0) > request.largeItemBytes) {
      await state.putBadItem(key, {
        sourceItemId: item.id,
        folderPath: folder.path,
        sizeBytes: item.size ?? 0,
        kind: "large",
        code: "ItemTooLarge",
        at: new Date().toISOString(),
      });
      progress.largeItems += 1;
      bad.count += 1;
      continue;
    }
    todo.push(item);
  }
  // The slice's first import session opens while the first chunk is exported, not after it.
  if (todo.length > 0 && !request.archive) targets.primary.get().catch(() => undefined);
  const chunks: MailboxItem[][] = [];
  for (let start = 0; start < todo.length; start += EXPORT_CHUNK)
    chunks.push(todo.slice(start, start + EXPORT_CHUNK));
  const exportChunk = (chunk: readonly MailboxItem[]): Promise<ExportedItem[]> =>
    withTransientRetry(
      () =>
        source.api.exportItems(
          source.mailboxId,
          chunk.map((item) => item.id),
          source.governor,
        ),
      request.deadline,
      source.governor,
    );
  // The next chunk is exported while this one is imported: the two mailboxes have separate
  // budgets, so the target's imports never wait for the source's export.
  let prefetch: Promise<ExportedItem[]> | undefined = chunks[0] ? exportChunk(chunks[0]) : undefined;
  for (const [index, chunk] of chunks.entries()) {
    if (!prefetch) break;
    // Past the deadline no new chunk starts; the page is left unfinished and replayed next slice
    // (the item map skips what this one copied), so a slice cannot outlive its lease by much.
    if (index > 0 && Date.now() >= request.deadline) {
      prefetch.catch(() => undefined);
      return { folder };
    }
    const current = prefetch;
    const following = chunks[index + 1];
    prefetch = following ? exportChunk(following) : undefined;
    // A prefetch abandoned by an error below must not surface as an unhandled rejection.
    prefetch?.catch(() => undefined);
    const exported = await current;
    const byId = new Map(chunk.map((item) => [item.id, item]));
    const destinationOf = (item: MailboxItem): Destination => {
      const found = known.get(item.id);
      const previous = found && !found.pending ? found : undefined;
      const archive = request.archive;
      const toArchive = previous
        ? previous.inArchive === true
        : archive !== undefined &&
          folder.archiveFolderId !== undefined &&
          itemTime(item) < archive.olderThanMs;
      return toArchive && archive && targets.archive && folder.archiveFolderId !== undefined
        ? { side: archive.side, folderId: folder.archiveFolderId, sessions: targets.archive, inArchive: true }
        : {
            side: request.target,
            folderId: folder.targetFolderId,
            sessions: targets.primary,
            inArchive: false,
          };
    };
    // Intents first: should this process die between an import and its record, the next
    // attempt finds the copy in the target instead of importing the item a second time.
    const intents: ItemRecord[] = [];
    for (const entry of exported) {
      const item = byId.get(entry.itemId);
      const record = item ? known.get(item.id) : undefined;
      if (!item || entry.error || entry.data === undefined || (record && !record.pending)) continue;
      intents.push({
        sourceItemId: item.id,
        targetItemId: "",
        pending: true,
        sourceVersion: versionOf(item),
        sizeBytes: item.size ?? 0,
        sourceFolderId: folder.sourceFolderId,
        ...(destinationOf(item).inArchive ? { inArchive: true } : {}),
        ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
      });
    }
    if (intents.length > 0) await state.putItems(key, intents);
    // Recorded together once the chunk's imports are answered; until then the intents stand.
    const records: ItemRecord[] = [];
    const results = await Promise.allSettled(
      exported.map(async (entry) => {
        const item = byId.get(entry.itemId);
        if (!item) return;
        if (entry.error || entry.data === undefined) {
          await recordBadItem(request, folder, item, entry.error?.code ?? "ExportFailed", progress, bad);
          return;
        }
        const data = entry.data;
        const found = known.get(item.id);
        const previous = found && !found.pending ? found : undefined;
        const destination = destinationOf(item);
        const post = (active: ImportSession): Promise<ImportedItem> =>
          destination.side.api.importItem(
            active,
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
        const importOnce = (active: ImportSession): Promise<ImportedItem> =>
          withTransientRetry(
            async () => {
              try {
                return await post(active);
              } catch (error) {
                // No answer: the import may have happened. Look before posting it again.
                if (previous || !(error instanceof TransientTransferError) || error.status !== 0) throw error;
                const copy = await findCopy(request, destination, item, claimed);
                if (copy) return copy;
                throw error;
              }
            },
            request.deadline,
            destination.side.governor,
          );
        const session = await destination.sessions.get();
        let imported;
        try {
          imported = await importOnce(session);
        } catch (error) {
          if (!(error instanceof ImportSessionExpiredError)) throw error;
          imported = await importOnce(await destination.sessions.renew(session));
        }
        claimed.add(imported.itemId);
        const record: ItemRecord = {
          sourceItemId: item.id,
          targetItemId: imported.itemId,
          ...(imported.changeKey ? { targetChangeKey: imported.changeKey } : {}),
          sourceVersion: versionOf(item),
          sizeBytes: item.size ?? Math.floor((data.length * 3) / 4),
          sourceFolderId: folder.sourceFolderId,
          ...(destination.inArchive ? { inArchive: true } : {}),
          ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
        };
        records.push(record);
        if (previous) progress.itemsUpdated += 1;
        else progress.itemsCopied += 1;
        progress.bytesCopied += record.sizeBytes;
      }),
    );
    if (records.length > 0) await state.putItems(key, records);
    await settle(
      results,
      request,
      folder,
      exported.map((entry) => byId.get(entry.itemId)),
      progress,
      bad,
    );
  }
  progress.removedAtSource += page.removedIds.length;
  if (request.mirrorDeletions && page.removedIds.length > 0) {
    await state.addRemovals(
      key,
      [...new Set(page.removedIds)].map((sourceItemId) => ({
        sourceFolderId: folder.sourceFolderId,
        sourceItemId,
      })),
    );
  }
  const next: FolderCheckpoint = {
    ...folder,
    ...(page.nextLink ? { cursor: page.nextLink } : page.deltaLink ? { cursor: page.deltaLink } : {}),
    passComplete: page.nextLink === undefined,
    ...(bad.count > 0 ? { badItems: (folder.badItems ?? 0) + bad.count } : {}),
  };
  if (page.items.length === 0 && page.removedIds.length === 0) {
    quiet.set(next.sourceFolderId, next);
  } else {
    quiet.delete(next.sourceFolderId);
    await state.saveFolder(key, next);
  }
  return { folder: next, ...(nextPage ? { ahead: nextPage } : {}) };
}

/** What identifies an imported copy: the import keeps the item's creation time and size. */
function fingerprint(createdDateTime: string | undefined, size: number | undefined): string {
  return `${createdDateTime ?? ""}|${size ?? 0}`;
}

/** The target folder's items not already accounted for, by fingerprint. */
async function unclaimedCopies(
  request: SliceRequest,
  where: { readonly side: FolderSide; readonly folderId: string },
  claimed: ReadonlySet<string>,
): Promise<Map<string, MailboxItem[]>> {
  const { side, folderId } = where;
  const candidates = new Map<string, MailboxItem[]>();
  let cursor: string | undefined;
  do {
    const page = await withTransientRetry(
      () => side.api.itemDelta(side.mailboxId, folderId, cursor, 200, side.governor),
      request.deadline,
      side.governor,
    );
    for (const item of page.items) {
      if (claimed.has(item.id)) continue;
      const key = fingerprint(item.createdDateTime, item.size);
      candidates.set(key, [...(candidates.get(key) ?? []), item]);
    }
    cursor = page.nextLink;
  } while (cursor);
  return candidates;
}

/**
 * Settles intents left by an attempt that died mid-import: an item whose copy is in the target
 * folder (same fingerprint, not claimed by another item of the page) is recorded as copied; the
 * others are imported as if new. Only pages with pending intents pay for the folder listing.
 */
async function reconcile(
  request: SliceRequest,
  folder: FolderCheckpoint,
  known: Map<string, ItemRecord>,
  folders: ReadonlyMap<string, FolderCheckpoint>,
): Promise<void> {
  const { state, key } = request;
  const claimed = new Set(
    [...known.values()].filter((record) => !record.pending).map((record) => record.targetItemId),
  );
  // An intent names the folder the import went to; the item may have moved since.
  const copiesIn = new Map<string, Map<string, MailboxItem[]>>();
  const candidatesFor = async (record: ItemRecord): Promise<Map<string, MailboxItem[]> | undefined> => {
    const home =
      (record.sourceFolderId === undefined ? undefined : folders.get(record.sourceFolderId)) ?? folder;
    const side = record.inArchive ? request.archive?.side : request.target;
    const folderId = record.inArchive ? home.archiveFolderId : home.targetFolderId;
    if (!side || folderId === undefined) return undefined;
    const cacheKey = `${record.inArchive ? "a" : "p"}|${folderId}`;
    let copies = copiesIn.get(cacheKey);
    if (!copies) {
      copies = await unclaimedCopies(request, { side, folderId }, claimed);
      copiesIn.set(cacheKey, copies);
    }
    return copies;
  };
  for (const [sourceItemId, record] of known) {
    if (!record.pending) continue;
    const match = (await candidatesFor(record))
      ?.get(fingerprint(record.createdDateTime, record.sizeBytes))
      ?.shift();
    if (!match) continue;
    const settled: ItemRecord = {
      ...record,
      pending: false,
      targetItemId: match.id,
      ...(match.changeKey ? { targetChangeKey: match.changeKey } : {}),
    };
    await state.putItem(key, settled);
    known.set(sourceItemId, settled);
    request.logger.info("found the copy of an item whose import was interrupted", { mailboxKey: key });
  }
}

/** After an import went unanswered: its copy in the target folder, if the import did happen. */
async function findCopy(
  request: SliceRequest,
  destination: Destination,
  item: MailboxItem,
  claimed: ReadonlySet<string>,
): Promise<ImportedItem | undefined> {
  const candidates = await unclaimedCopies(request, destination, claimed);
  const match = candidates.get(fingerprint(item.createdDateTime, item.size))?.[0];
  if (!match) return undefined;
  request.logger.info("an unanswered import had happened; recorded its copy", { mailboxKey: request.key });
  return { itemId: match.id, ...(match.changeKey ? { changeKey: match.changeKey } : {}) };
}

/** Item-level rejections become bad items; throttling and other failures end the slice. */
async function settle(
  results: PromiseSettledResult<void>[],
  request: SliceRequest,
  folder: FolderCheckpoint,
  itemsByResult: readonly (MailboxItem | undefined)[],
  progress: SliceProgress,
  bad: { count: number },
): Promise<void> {
  let throttled: ThrottledError | undefined;
  let fatal: Error | undefined;
  for (const [index, result] of results.entries()) {
    if (result.status === "fulfilled") continue;
    const error: unknown = result.reason;
    if (error instanceof ItemRejectedError) {
      const item = itemsByResult[index];
      if (item) await recordBadItem(request, folder, item, error.code, progress, bad);
    } else if (error instanceof ThrottledError) {
      if (!throttled || error.retryAt > throttled.retryAt) throttled = error;
    } else {
      fatal ??= asError(error);
    }
  }
  if (throttled) throw throttled;
  if (fatal) throw fatal;
}

async function recordBadItem(
  request: SliceRequest,
  folder: FolderCheckpoint,
  item: MailboxItem,
  code: string,
  progress: SliceProgress,
  bad: { count: number },
): Promise<void> {
  await request.state.putBadItem(request.key, {
    sourceItemId: item.id,
    folderPath: folder.path,
    sizeBytes: item.size ?? 0,
    kind: "failed",
    code,
    at: new Date().toISOString(),
  });
  // An intent for an import that was refused must not send later attempts looking for a copy.
  const record = (await request.state.getItems(request.key, [item.id])).get(item.id);
  if (record?.pending) await request.state.deleteItem(request.key, item.id);
  progress.badItems += 1;
  bad.count += 1;
}
