/**
 * What the steps of a transfer slice share: the request, the slice's tally, where copies go, and
 * the small rules about a folder's copy and an item's record that every step applies. The words
 * round, pass, slice and attempt are used as shared/domain/glossary.ts defines them.
 */
import type { ItemMapCatchUp } from "./map-catch-up.js";
import type { Progress } from "../domain/index.js";
import type { Logger } from "../telemetry/logger.js";
import type { FolderSide } from "./folders.js";
import type { ImportSessions } from "./import-sessions.js";
import type { ItemDeltaPage, MailboxItem } from "../graph/port.js";
import { withTransientRetry } from "../graph/retry.js";
import {
  itemFingerprint,
  type FolderCheckpoint,
  type ItemRecord,
  type MailboxKey,
  type TransferStateStore,
} from "./state/port.js";

/** The account's progress counts, as a slice adds to them. */
type ProgressCounts = { -readonly [Count in keyof Progress]: Progress[Count] };

/**
 * What one slice did. The counts the account keeps (folders, items, bytes, badItems,
 * largeItemsSkipped) carry the names of the account's `Progress`, which adds them up.
 */
export interface SliceProgress extends ProgressCounts {
  /** Items copied before whose new version was imported over their copy. */
  itemsUpdated: number;
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

/** A slice's progress before it did anything. */
export function emptyProgress(): SliceProgress {
  return {
    folders: 0,
    items: 0,
    itemsUpdated: 0,
    bytes: 0,
    badItems: 0,
    largeItemsSkipped: 0,
    removedAtSource: 0,
    deletedInTarget: 0,
    itemsMoved: 0,
    foldersChanged: 0,
  };
}

export interface SliceRequest {
  readonly source: FolderSide;
  readonly target: FolderSide;
  readonly key: MailboxKey;
  readonly state: TransferStateStore;
  /**
   * Epoch ms on the wall clock after which no new page is started. The time-box is a budget of
   * real working time (it keeps the slice inside its message's lock), so it is not read from `now`.
   */
  readonly deadline: number;
  /** The time source for every time the slice records (bad items, resync marks). */
  readonly now: () => Date;
  /**
   * The account's round: the number of its current pass. A higher round than the folders were
   * last opened for starts a new pass: the folder tree is read again and every folder's item
   * delta continues from its deltaLink.
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

/** Whether the slice's time-box is used up: no new page or chunk starts then. */
export function pastDeadline(request: Pick<SliceRequest, "deadline">): boolean {
  return Date.now() >= request.deadline;
}

/** The two places a slice may import into. */
export interface Targets {
  readonly primary: ImportSessions;
  readonly archive?: ImportSessions;
  /** This pass's folders by source id, to find where an interrupted import went. */
  readonly folders: ReadonlyMap<string, FolderCheckpoint>;
  /** Target folders an import was redirected away from, to the mailbox that holds them. */
  readonly redirects: Map<string, string>;
  /** Finds the copies of items the map lost before they are imported again. */
  readonly catchUp: ItemMapCatchUp;
}

/** What every page of a slice works with: the request, the import targets, and the slice's tally. */
export interface SliceContext {
  readonly request: SliceRequest;
  readonly targets: Targets;
  /** What the slice has done so far, added to by every step. */
  readonly progress: SliceProgress;
  /** Folders whose page brought nothing new: saved together when the slice ends. */
  readonly unchangedFolders: Map<string, FolderCheckpoint>;
}

/**
 * The one tally the steps of a page share: the slice's progress, and the bad items this page
 * recorded (the folder's checkpoint counts them, so a cutover knows whether there are any to
 * report without listing them).
 */
export interface PageTally {
  readonly progress: SliceProgress;
  badItemsOnPage: number;
}

/** Which delta a folder is read through: all of it, or under an age policy its young items only. */
export type Stream = "all" | "young";

/** Where an item's copy goes: the target mailbox, or the target archive under an age policy. */
export interface Destination {
  readonly side: FolderSide;
  readonly folderId: string;
  readonly sessions: ImportSessions;
  readonly inArchive: boolean;
}

/** Where a copy is: enough to delete it through its folder. */
export interface CopyPlace {
  readonly targetItemId: string;
  readonly targetFolderId: string;
  readonly inArchive?: boolean;
}

/** An item of a page that needs an import, and what it replaces. */
export interface ImportWork {
  readonly item: MailboxItem;
  /** The recorded copy to update in place (same folder, new version). */
  readonly previous?: ItemRecord;
  /** A copy elsewhere that this import replaces (the item moved), deleted once it is done. */
  readonly supersedes?: CopyPlace;
  /** The copy's place is decided: the archive (true) or the primary (false). */
  readonly inArchive: boolean;
}

export function versionOf(item: MailboxItem): string {
  return item.changeKey ?? item.lastModifiedDateTime ?? "";
}

/** What identifies an imported copy: the import keeps the item's creation time and size. */
export function fingerprintOf(record: Pick<ItemRecord, "createdDateTime" | "sizeBytes">): string {
  return itemFingerprint(record.createdDateTime, record.sizeBytes);
}

/** The fingerprint of an item as a mailbox lists it. */
export function fingerprintOfItem(item: Pick<MailboxItem, "createdDateTime" | "size">): string {
  return itemFingerprint(item.createdDateTime, item.size);
}

/** Whether the folder is read twice under the age policy (its young stream, then all of it). */
export function underPolicy(request: SliceRequest, folder: FolderCheckpoint): boolean {
  return request.archive !== undefined && folder.archiveFolderId !== undefined;
}

/**
 * Whether a folder's copy is current for this pass. A folder never read is current only while it
 * is listed empty: its finished mark is not saved (see copyFolders), so a stored mark may be from
 * an earlier pass, when it was empty.
 */
export function isCopied(request: SliceRequest, folder: FolderCheckpoint): boolean {
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
export function inPlace(record: ItemRecord, folder: FolderCheckpoint): boolean {
  if (record.sourceFolderId !== undefined && record.sourceFolderId !== folder.sourceFolderId) return false;
  if (record.targetFolderId !== undefined) return record.targetFolderId === expectedFolder(record, folder);
  // Recorded before copies named their folder: in place unless the folder was rebuilt since.
  return folder.relocatedFrom === undefined;
}

/** Where a recorded copy is, when that is known: its own record, or its folder's checkpoint. */
export function placeOf(
  record: ItemRecord,
  folders: ReadonlyMap<string, FolderCheckpoint>,
): CopyPlace | undefined {
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
export async function deleteCopy(request: SliceRequest, place: CopyPlace): Promise<void> {
  const side = place.inArchive ? request.archive?.side : request.target;
  if (!side) return;
  await withTransientRetry(
    () => side.api.deleteItem(side.mailboxId, place.targetFolderId, place.targetItemId, side.governor),
    request.deadline,
    side.governor,
  );
}

/** Reads one delta page of a source folder from `cursor` (its first page when undefined). */
export function readPage(
  request: SliceRequest,
  sourceFolderId: string,
  cursor: string | undefined,
  stream: Stream,
): Promise<ItemDeltaPage> {
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
