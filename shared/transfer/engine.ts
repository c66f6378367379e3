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
 */
import { LeaseHeldError } from "../domain/errors.js";
import { asError } from "../errors.js";
import type { Logger } from "../telemetry/logger.js";
import {
  DeltaExpiredError,
  ImportRedirectError,
  ImportSessionExpiredError,
  ItemRejectedError,
  PermanentTransferError,
  ThrottledError,
  TransientTransferError,
} from "./errors.js";
import { mapFolders, type FolderSide } from "./folders.js";
import { ItemMapCatchUp } from "./map-catch-up.js";
import type {
  ExportedItem,
  ImportedItem,
  ImportSession,
  ItemDeltaPage,
  ItemDetails,
  MailboxItem,
} from "../graph/port.js";
import { withTransientRetry } from "../graph/retry.js";
import {
  itemFingerprint,
  type FolderCheckpoint,
  type ItemRecord,
  type MailboxKey,
  type PendingRemoval,
  type TransferStateStore,
} from "./state/port.js";

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
  /** Items that moved at the source: imported at the new place, the old copy deleted. */
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
  /**
   * Age policy: items received before `cutoff` (an ISO time, fixed for the account so the filtered
   * delta stays the same) go to the same folder path in `side`.
   */
  readonly archive?: { readonly side: FolderSide; readonly cutoff: string };
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
  /**
   * Bad-item records name the item's sender and received date, and its subject when `subject`
   * (MAILFERRY_BAD_ITEM_SUBJECTS); absent: folder and size only.
   */
  readonly badItemDetails?: { readonly subject: boolean };
}

const EXPORT_CHUNK = 20;
const FOLDER_PARALLELISM = 3;
/** An import URL this close to its expirationDateTime is replaced before use. */
const SESSION_MARGIN_MS = 60_000;

/**
 * A side's import sessions, one per mailbox (an expanded archive folder imports through its
 * auxiliary mailbox), shared by the slice's folders and renewed when one expires.
 */
class ImportSessions {
  private readonly open = new Map<string, Promise<ImportSession>>();

  constructor(
    private readonly side: FolderSide,
    private readonly deadline: number,
  ) {}

  /** A session on `mailboxId` (the side's own mailbox by default) that is not about to expire. */
  async get(mailboxId = this.side.mailboxId): Promise<ImportSession> {
    let current = this.open.get(mailboxId);
    if (!current) {
      current = this.start(mailboxId);
      this.open.set(mailboxId, current);
    }
    const session = await current;
    // How long an import URL lives is told only by expirationDateTime: renewed ahead of it.
    const expires = Date.parse(session.expirationDateTime);
    if (Number.isFinite(expires) && expires - Date.now() < SESSION_MARGIN_MS) return this.renew(session);
    return session;
  }

  async renew(stale: ImportSession): Promise<ImportSession> {
    const mailboxId = stale.mailboxId ?? this.side.mailboxId;
    const pending = this.open.get(mailboxId);
    if (pending && (await pending) !== stale) return pending;
    // Only the first caller to see the stale session replaces it; the others share the new one.
    if (this.open.get(mailboxId) === pending) this.open.set(mailboxId, this.start(mailboxId));
    return this.open.get(mailboxId) as Promise<ImportSession>;
  }

  /** Opens a session, turning a refused one into a permanent failure. */
  private async start(mailboxId: string): Promise<ImportSession> {
    try {
      return await withTransientRetry(
        () => this.side.api.createImportSession(mailboxId, this.side.governor),
        this.deadline,
        this.side.governor,
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

/** Where an item's copy goes: the target mailbox, or the target archive under an age policy. */
interface Destination {
  readonly side: FolderSide;
  readonly folderId: string;
  readonly sessions: ImportSessions;
  readonly inArchive: boolean;
}

/** Where a copy is: enough to delete it through its folder. */
interface CopyPlace {
  readonly targetItemId: string;
  readonly targetFolderId: string;
  readonly inArchive?: boolean;
}

function versionOf(item: MailboxItem): string {
  return item.changeKey ?? item.lastModifiedDateTime ?? "";
}

function fingerprintOf(record: Pick<ItemRecord, "createdDateTime" | "sizeBytes">): string {
  return itemFingerprint(record.createdDateTime, record.sizeBytes);
}

/** The two places a slice may import into. */
interface Targets {
  readonly primary: ImportSessions;
  readonly archive?: ImportSessions;
  /** This pass's folders by source id, to find where an interrupted import went. */
  readonly folders: ReadonlyMap<string, FolderCheckpoint>;
  /** Target folders an import was redirected away from, to the mailbox that holds them. */
  readonly redirects: Map<string, string>;
  /** Finds the copies of items the map lost before they are imported again. */
  readonly catchUp: ItemMapCatchUp;
}

/** Whether the folder is read twice under the age policy (its young stream, then all of it). */
function underPolicy(request: SliceRequest, folder: FolderCheckpoint): boolean {
  return request.archive !== undefined && folder.archiveFolderId !== undefined;
}

/**
 * Whether a folder's copy is current for this pass. A folder never read is current only while it
 * is listed empty: its finished mark is not saved (see below), so a stored mark may be from an
 * earlier pass, when it was empty.
 */
function isCopied(request: SliceRequest, folder: FolderCheckpoint): boolean {
  return (
    folder.passComplete &&
    (folder.cursor !== undefined || folder.sourceItemCount === 0) &&
    (!underPolicy(request, folder) || folder.youngComplete === true)
  );
}

/** The target folder a record's copy is expected in, as this pass maps the folder. */
function expectedFolder(record: ItemRecord, folder: FolderCheckpoint): string | undefined {
  return record.inArchive ? folder.archiveFolderId : folder.targetFolderId;
}

/**
 * Whether a recorded copy is where this folder's copies go. It is not when the item moved at the
 * source (another folder reports it), or when the folder's copy was rebuilt at a new place.
 */
function inPlace(record: ItemRecord, folder: FolderCheckpoint): boolean {
  if (record.sourceFolderId !== undefined && record.sourceFolderId !== folder.sourceFolderId) return false;
  if (record.targetFolderId !== undefined) return record.targetFolderId === expectedFolder(record, folder);
  // Recorded before copies named their folder: in place unless the folder was rebuilt since.
  return folder.relocatedFrom === undefined;
}

/** Where a recorded copy is, when that is known: its own record, or its folder's checkpoint. */
function placeOf(record: ItemRecord, folders: ReadonlyMap<string, FolderCheckpoint>): CopyPlace | undefined {
  if (record.pending || record.targetItemId === "") return undefined;
  const home = record.sourceFolderId === undefined ? undefined : folders.get(record.sourceFolderId);
  const targetFolderId = record.targetFolderId ?? (home ? expectedFolder(record, home) : undefined);
  if (targetFolderId === undefined) return undefined;
  return {
    targetItemId: record.targetItemId,
    targetFolderId,
    ...(record.inArchive ? { inArchive: true } : {}),
  };
}

/** Deletes a copy through its folder; one already gone is fine. */
async function deleteCopy(request: SliceRequest, place: CopyPlace): Promise<void> {
  const side = place.inArchive ? request.archive?.side : request.target;
  if (!side) return;
  await withTransientRetry(
    () => side.api.deleteItem(side.mailboxId, place.targetFolderId, place.targetItemId, side.governor),
    request.deadline,
    side.governor,
  );
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
    // workers start with, so they do not crowd out the source's exports). Not under an age
    // policy: there a folder's filtered delta is read first.
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
        if (request.archive) return;
        for (const id of ids.slice(0, FOLDER_PARALLELISM)) {
          const page = readPage(request, id, undefined, "all");
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
      primary: new ImportSessions(target, request.deadline),
      folders: new Map(folders.map((folder) => [folder.sourceFolderId, folder])),
      redirects: new Map(),
      catchUp: new ItemMapCatchUp(request),
      ...(request.archive ? { archive: new ImportSessions(request.archive.side, request.deadline) } : {}),
    };
    latest = new Map(folders.map((folder) => [folder.sourceFolderId, folder]));
    const leaving = latest;
    const pending = folders.filter((folder) => !isCopied(request, folder));
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
        while (current && !isCopied(request, current)) {
          if (failed) return;
          if (Date.now() >= request.deadline) {
            outOfTime = true;
            return;
          }
          if (
            current.cursor === undefined &&
            current.sourceItemCount === 0 &&
            current.resyncMark === undefined
          ) {
            // Never read and empty when listed: nothing to copy; the next pass reads it in full.
            // Not saved: finishing it again costs nothing, and most folders of a mailbox are
            // like this, so saving them would rewrite most of its rows every pass.
            current = { ...current, passComplete: true, youngComplete: true };
            leaving.set(current.sourceFolderId, current);
            continue;
          }
          const stream: Stream =
            underPolicy(request, current) && current.youngComplete !== true ? "young" : "all";
          try {
            const copied = await copyPage(
              request,
              current,
              targets,
              progress,
              quiet,
              stream === "all" ? ahead : undefined,
              stream,
            );
            current = copied.folder;
            ahead = copied.ahead;
          } catch (error) {
            if (!(error instanceof DeltaExpiredError)) throw error;
            current = await restartStream(request, current, stream);
            ahead = undefined;
          }
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
    if (!(await settleRemovals(request, progress, targets.folders)))
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
 * A folder's delta link expired (concepts/delta-query-overview.md): the stream starts again from
 * scratch. The item map keeps the resync from importing anything twice; the full stream's resync
 * is marked, so items it no longer lists are taken as removed when it ends.
 */
async function restartStream(
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
          resyncMark: Date.now(),
        };
  await request.state.saveFolder(request.key, next);
  return next;
}

/**
 * At the end of a pass, settles what the source reported gone. A removed item whose creation
 * time and size another recorded item shares moved (with default ids a moved item comes back
 * under a new id): its old copy is deleted, whatever the mirroring. One without such a twin was
 * deleted: its copy is deleted when mirroring; otherwise the removal waits one more pass (a move's
 * new place may be read only then) and the copy stays.
 */
async function settleRemovals(
  request: SliceRequest,
  progress: SliceProgress,
  folders: ReadonlyMap<string, FolderCheckpoint>,
): Promise<boolean> {
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
    const live = chunk.flatMap((removal) => {
      const record = records.get(removal.sourceItemId);
      return record && !record.pending && record.sourceFolderId === removal.sourceFolderId ? [record] : [];
    });
    const twins = live.length === 0 ? [] : await state.findByFingerprint(key, live.map(fingerprintOf));
    const settled: PendingRemoval[] = [];
    await Promise.all(
      chunk.map(async (removal) => {
        const record = records.get(removal.sourceItemId);
        // Gone from the map, still pending, or seen in another folder since (a move, done already).
        if (!record || record.pending || record.sourceFolderId !== removal.sourceFolderId) {
          settled.push(removal);
          return;
        }
        const moved = twins.some(
          (twin) =>
            twin.sourceItemId !== record.sourceItemId &&
            !twin.pending &&
            twin.targetItemId !== record.targetItemId &&
            fingerprintOf(twin) === fingerprintOf(record),
        );
        if (!moved && !request.mirrorDeletions) {
          // A deletion not mirrored: the copy stays. Held one pass in case it was a move after all.
          if ((removal.round ?? 0) < request.round) settled.push(removal);
          return;
        }
        const place = placeOf(record, folders);
        if (place) await deleteCopy(request, place);
        await state.deleteItem(key, record.sourceItemId, fingerprintOf(record));
        if (moved) progress.itemsMoved += 1;
        else progress.deletedInTarget += 1;
        settled.push(removal);
      }),
    );
    await state.deleteRemovals(key, settled);
  }
  return true;
}

type Stream = "all" | "young";

/** Reads one delta page of a source folder from `cursor` (its first page when undefined). */
function readPage(request: SliceRequest, sourceFolderId: string, cursor: string | undefined, stream: Stream) {
  const { source } = request;
  const cutoff = request.archive?.cutoff;
  return withTransientRetry(
    () =>
      source.api.itemDelta(
        source.mailboxId,
        sourceFolderId,
        cursor,
        request.pageSize ?? 100,
        source.governor,
        stream === "young" && cutoff !== undefined ? { receivedSince: cutoff } : {},
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

/** An item of a page that needs an import, and what it replaces. */
interface Work {
  readonly item: MailboxItem;
  /** The recorded copy to update in place (same folder, new version). */
  readonly previous?: ItemRecord;
  /** A copy elsewhere that this import replaces (the item moved), deleted once it is done. */
  readonly supersedes?: CopyPlace;
  /** The copy's place is decided: the archive (true) or the primary (false). */
  readonly inArchive: boolean;
}

/**
 * Copies one delta page of a folder from one of its streams: `all` (the folder's delta) or, under
 * an age policy, `young` (only items received on or after the cutoff, which stay in the primary).
 * `ahead` is the page at the stream's cursor when it was read in advance. The page after this one
 * is asked for before this one's items are imported: delta links are plain reads on the source's
 * budget, so the target's imports need not wait for it at every page boundary. A page read in
 * advance and never used changes nothing.
 */
async function copyPage(
  request: SliceRequest,
  start: FolderCheckpoint,
  targets: Targets,
  progress: SliceProgress,
  quiet: Map<string, FolderCheckpoint>,
  ahead: Promise<ItemDeltaPage> | undefined,
  stream: Stream,
): Promise<CopiedPage> {
  const { source, key, state } = request;
  let folder = start;
  // Bad items this page recorded: the folder's checkpoint counts them, so a cutover knows
  // whether there are any to report without listing them.
  const bad = { count: 0 };
  await request.heartbeat?.();
  const cursor = stream === "young" ? folder.youngCursor : folder.cursor;
  const page = await (ahead ?? readPage(request, folder.sourceFolderId, cursor, stream));
  const nextPage =
    page.nextLink !== undefined && Date.now() < request.deadline
      ? readPage(request, folder.sourceFolderId, page.nextLink, stream)
      : undefined;
  // Abandoned when this page fails or the slice ends first: never an unhandled rejection.
  nextPage?.catch(() => undefined);
  let known = await state.getItems(
    key,
    page.items.map((item) => item.id),
  );
  if ([...known.values()].some((record) => record.pending)) {
    await reconcile(request, folder, known, targets.folders);
  }
  await targets.catchUp.recover(folder, page.items, known);
  const mark = folder.resyncMark;
  const cutoffMs = request.archive ? Date.parse(request.archive.cutoff) : Number.NaN;
  // Items the resync lists again and need nothing else: marked as seen, written with the page.
  const seen: ItemRecord[] = [];
  const work: Work[] = [];
  const ambiguous: MailboxItem[] = [];
  const isLarge = async (item: MailboxItem): Promise<boolean> => {
    if ((item.size ?? 0) <= request.largeItemBytes) return false;
    await state.putBadItem(key, {
      sourceItemId: item.id,
      folderPath: folder.path,
      sizeBytes: item.size ?? 0,
      kind: "large",
      code: "ItemTooLarge",
      at: new Date().toISOString(),
      ...(await badItemDetails(request, folder, item)),
    });
    progress.largeItems += 1;
    bad.count += 1;
    return true;
  };
  for (const item of page.items) {
    const record = known.get(item.id);
    if (record && !record.pending) {
      if (inPlace(record, folder)) {
        if (record.sourceVersion === versionOf(item)) {
          if (mark !== undefined && record.seen !== mark) seen.push({ ...record, seen: mark });
          continue;
        }
        if (await isLarge(item)) continue;
        work.push({ item, previous: record, inArchive: record.inArchive === true });
        continue;
      }
      if (await isLarge(item)) continue;
      // Moved here at the source (or its folder's copy was rebuilt): imported here, and the old
      // copy deleted through its folder once the new one is recorded.
      const moved = record.sourceFolderId !== undefined && record.sourceFolderId !== folder.sourceFolderId;
      const place = moved ? placeOf(record, targets.folders) : undefined;
      const inArchive = record.inArchive === true && folder.archiveFolderId !== undefined;
      work.push({ item, inArchive, ...(place ? { supersedes: place } : {}) });
      if (moved) progress.itemsMoved += 1;
      continue;
    }
    if (await isLarge(item)) continue;
    // An intent left by an interrupted move keeps the old copy it replaces, to delete it still.
    if (record?.pending && record.supersedes) {
      work.push({
        item,
        inArchive: record.inArchive === true && folder.archiveFolderId !== undefined,
        supersedes: record.supersedes,
      });
      continue;
    }
    if (!underPolicy(request, folder) || stream === "young") {
      work.push({ item, inArchive: false });
      continue;
    }
    // The full stream under the age policy: the young stream has placed the items received since
    // the cutoff already. One created before the cutoff was received before it too.
    const created = Date.parse(item.createdDateTime ?? "");
    if (Number.isFinite(created) && created < cutoffMs) work.push({ item, inArchive: true });
    else ambiguous.push(item);
  }
  if (ambiguous.length > 0) {
    // Created since the cutoff and not among the young items: received before the cutoff (an
    // item restored or imported later), or received since the young stream was last read. Reading
    // the young stream on tells which: what it lists now stays in the primary.
    folder = await drainYoung(request, folder, targets, progress, quiet);
    known = new Map([
      ...known,
      ...(await state.getItems(
        key,
        ambiguous.map((item) => item.id),
      )),
    ]);
    for (const item of ambiguous) if (!known.has(item.id)) work.push({ item, inArchive: true });
  }
  // Target items already accounted for on this page; a lookup for a lost answer skips them.
  const claimed = new Set(
    [...known.values()].filter((record) => !record.pending).map((record) => record.targetItemId),
  );
  // The slice's first import session opens while the first chunk is exported, not after it.
  if (work.length > 0 && !request.archive) targets.primary.get().catch(() => undefined);
  const chunks: Work[][] = [];
  for (let at = 0; at < work.length; at += EXPORT_CHUNK) chunks.push(work.slice(at, at + EXPORT_CHUNK));
  const exportChunk = (chunk: readonly Work[]): Promise<ExportedItem[]> =>
    withTransientRetry(
      () =>
        source.api.exportItems(
          source.mailboxId,
          chunk.map((entry) => entry.item.id),
          source.governor,
        ),
      request.deadline,
      source.governor,
    );
  const destinationOf = (entry: Work): Destination => {
    const archive = request.archive;
    return entry.inArchive && archive && targets.archive && folder.archiveFolderId !== undefined
      ? { side: archive.side, folderId: folder.archiveFolderId, sessions: targets.archive, inArchive: true }
      : {
          side: request.target,
          folderId: folder.targetFolderId,
          sessions: targets.primary,
          inArchive: false,
        };
  };
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
    const byId = new Map(chunk.map((entry) => [entry.item.id, entry]));
    // Intents first: should this process die between an import and its record, the next
    // attempt finds the copy in the target instead of importing the item a second time.
    const intents: ItemRecord[] = [];
    for (const result of exported) {
      const entry = byId.get(result.itemId);
      if (!entry || result.error || result.data === undefined || entry.previous) continue;
      const { item } = entry;
      const destination = destinationOf(entry);
      intents.push({
        sourceItemId: item.id,
        targetItemId: "",
        pending: true,
        sourceVersion: versionOf(item),
        sizeBytes: item.size ?? 0,
        sourceFolderId: folder.sourceFolderId,
        targetFolderId: destination.folderId,
        ...(destination.inArchive ? { inArchive: true } : {}),
        ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
        ...(entry.supersedes ? { supersedes: entry.supersedes } : {}),
      });
    }
    if (intents.length > 0) await state.putItems(key, intents);
    // Recorded together once the chunk's imports are answered; until then the intents stand.
    const records: ItemRecord[] = [];
    const results = await Promise.allSettled(
      exported.map(async (result) => {
        const entry = byId.get(result.itemId);
        if (!entry) return;
        const { item, previous } = entry;
        if (result.error || result.data === undefined) {
          await recordBadItem(request, folder, item, result.error?.code ?? "ExportFailed", progress, bad);
          return;
        }
        const data = result.data;
        const destination = destinationOf(entry);
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
        const imported = await importWithSessions(destination, targets, importOnce);
        claimed.add(imported.itemId);
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
          ...(mark === undefined ? {} : { seen: mark }),
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
      exported.map((result) => byId.get(result.itemId)?.item),
      progress,
      bad,
    );
  }
  if (seen.length > 0) await state.putItems(key, seen);
  progress.removedAtSource += page.removedIds.length;
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
  if (bad.count > 0) next = { ...next, badItems: (folder.badItems ?? 0) + bad.count };
  const finished = stream === "all" && page.nextLink === undefined;
  if (finished && next.resyncMark !== undefined) next = await finishResync(request, next);
  if (finished && next.relocatedFrom !== undefined) {
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
    quiet.set(next.sourceFolderId, next);
  } else {
    quiet.delete(next.sourceFolderId);
    await state.saveFolder(key, next);
  }
  return { folder: next, ...(nextPage ? { ahead: nextPage } : {}) };
}

/**
 * Reads the young stream of a folder on to its deltaLink, copying what it lists into the primary:
 * what it lists then is what was received since the cutoff, whenever it arrived.
 */
async function drainYoung(
  request: SliceRequest,
  start: FolderCheckpoint,
  targets: Targets,
  progress: SliceProgress,
  quiet: Map<string, FolderCheckpoint>,
): Promise<FolderCheckpoint> {
  let folder: FolderCheckpoint = { ...start, youngComplete: false };
  while (folder.youngComplete !== true) {
    try {
      folder = (await copyPage(request, folder, targets, progress, quiet, undefined, "young")).folder;
    } catch (error) {
      if (!(error instanceof DeltaExpiredError)) throw error;
      folder = await restartStream(request, folder, "young");
    }
  }
  return folder;
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
 * Imports through the destination's sessions: a stale session is renewed once, and an import
 * into an expanded archive folder goes on through a session on the mailbox the 409 names.
 */
async function importWithSessions(
  destination: Destination,
  targets: Targets,
  importOnce: (session: ImportSession) => Promise<ImportedItem>,
): Promise<ImportedItem> {
  for (let attempt = 0; ; attempt += 1) {
    const redirected = targets.redirects.get(destination.folderId);
    const session = await destination.sessions.get(redirected);
    try {
      return await importOnce(session);
    } catch (error) {
      if (attempt >= 3) throw error;
      if (error instanceof ImportRedirectError) {
        targets.redirects.set(destination.folderId, error.mailboxId);
        continue;
      }
      if (!(error instanceof ImportSessionExpiredError)) throw error;
      return importOnce(await destination.sessions.renew(session));
    }
  }
}

/** What identifies an imported copy: the import keeps the item's creation time and size. */
function fingerprint(createdDateTime: string | undefined, size: number | undefined): string {
  return itemFingerprint(createdDateTime, size);
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
 * folder (same fingerprint, not claimed by another item of the page) is recorded as copied, and
 * the old copy it replaces (a moved item) deleted; the others are imported as if new. Only pages
 * with pending intents pay for the folder listing.
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
    const folderId = record.targetFolderId ?? (record.inArchive ? home.archiveFolderId : home.targetFolderId);
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
    if (record.supersedes) await deleteCopy(request, record.supersedes);
    const { supersedes: _replaced, ...rest } = record;
    const settled: ItemRecord = {
      ...rest,
      pending: false,
      targetItemId: match.id,
      ...(match.changeKey ? { targetChangeKey: match.changeKey } : {}),
    };
    const { pending: _pending, ...done } = settled;
    await state.putItem(key, done);
    known.set(sourceItemId, done);
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
    ...(await badItemDetails(request, folder, item)),
  });
  // An intent for an import that was refused must not send later attempts looking for a copy. A
  // moved item whose new import was refused keeps its old copy, which is recorded again.
  const record = (await request.state.getItems(request.key, [item.id])).get(item.id);
  if (record?.pending) {
    if (record.supersedes) {
      const { supersedes, pending: _pending, ...rest } = record;
      await request.state.putItem(request.key, {
        ...rest,
        targetItemId: supersedes.targetItemId,
        targetFolderId: supersedes.targetFolderId,
        ...(supersedes.inArchive ? { inArchive: true } : {}),
      });
    } else {
      await request.state.deleteItem(request.key, item.id, fingerprintOf(record));
    }
  }
  progress.badItems += 1;
  bad.count += 1;
}

/**
 * Sender, received date and (when allowed) subject of a bad item, read from the source; never its
 * body. Best effort: a record without them is better than none, so a failed read is only logged.
 */
export async function badItemDetails(
  request: Pick<SliceRequest, "source" | "badItemDetails" | "logger" | "key">,
  folder: Pick<FolderCheckpoint, "sourceFolderId">,
  item: Pick<MailboxItem, "id">,
): Promise<ItemDetails> {
  const { source, badItemDetails: wanted } = request;
  if (wanted === undefined || source.api.itemDetails === undefined) return {};
  try {
    return await source.api.itemDetails(
      source.mailboxId,
      folder.sourceFolderId,
      item.id,
      source.governor,
      wanted,
    );
  } catch (error) {
    request.logger.warn("could not read a bad item's details; recorded without them", {
      mailboxKey: request.key,
      error: error instanceof Error ? `${error.name}: ${error.message}` : "unknown",
    });
    return {};
  }
}
