/**
 * Finds copies the item map has forgotten before they are imported a second time.
 *
 * The item map can fall behind the target. A store that loses its latest acknowledged writes
 * (Azurite persisting to disk saves only every few seconds) forgets the rows of items whose copies
 * are in the target, and the folder checkpoint rolled back with them lists those items again as
 * new. No row was written for them, not even an intent, so the engine's look-up after an
 * interrupted import cannot help.
 *
 * The signal, taken once per target folder and slice, before the slice imports a new item into it:
 * the folder's `totalItemCount` (mailboxFolder, read with the folder delta the mapping uses) against
 * the map's rows whose copy is in that folder. More copies than rows means copies the map does not
 * know of: the map is behind, or someone else put items there (new mail after a cutover). Only
 * then is the folder listed (its item delta, as after an unanswered import) and every item the map
 * has no row for is first looked for among the unclaimed copies, by creation time and size, which
 * an import keeps. A copy found is recorded; its version is unknown, so it is recorded without one
 * and the engine updates it in place from the source: never a second copy.
 *
 * Cost when nothing was lost: one listing of the target's folders per slice that lists new items,
 * and one read of the map's rows for each of those folders that holds items.
 */
import type { Logger } from "../telemetry/logger.js";
import type { FolderSide } from "./folders.js";
import type { MailboxFolder, MailboxItem } from "../graph/port.js";
import { withTransientRetry } from "../graph/retry.js";
import { unaccountedCopies } from "./interrupted-imports.js";
import { fingerprintOfItem } from "./slice.js";
import {
  type FolderCheckpoint,
  type ItemRecord,
  type MailboxKey,
  type TransferStateStore,
} from "./state/port.js";

/** What the catch-up needs of a slice. */
export interface CatchUpSlice {
  readonly key: MailboxKey;
  readonly state: TransferStateStore;
  readonly target: FolderSide;
  /** Under an age policy, the target archive: its folders are checked too. */
  readonly archive?: { readonly side: FolderSide };
  readonly deadline: number;
  readonly logger: Logger;
}

/** A target folder copies go to. */
interface Place {
  readonly side: FolderSide;
  readonly folderId: string;
  readonly inArchive: boolean;
}

/** A target folder's copies the map has no row for, by fingerprint; undefined when it has none. */
type Unclaimed = Map<string, MailboxItem[]> | undefined;

/** One slice's catch-up: each target folder is checked at most once. */
export class ItemMapCatchUp {
  private readonly checked = new Map<string, Promise<Unclaimed>>();
  private readonly rows = new Map<string, Promise<readonly ItemRecord[]>>();
  private readonly listings = new Map<"primary" | "archive", Promise<readonly MailboxFolder[]>>();

  constructor(private readonly slice: CatchUpSlice) {}

  /**
   * Records, for the page's items the map has no row for, the copies already in the target, and
   * adds them to `known` so the page imports them no more.
   */
  async recover(
    folder: FolderCheckpoint,
    items: readonly MailboxItem[],
    known: Map<string, ItemRecord>,
  ): Promise<void> {
    const unknown = items.filter((item) => !known.has(item.id));
    if (unknown.length === 0) return;
    const places: Place[] = [{ side: this.slice.target, folderId: folder.targetFolderId, inArchive: false }];
    const archive = this.slice.archive;
    if (archive && folder.archiveFolderId !== undefined) {
      places.push({ side: archive.side, folderId: folder.archiveFolderId, inArchive: true });
    }
    const found: ItemRecord[] = [];
    for (const place of places) {
      const copies = await this.unclaimedIn(place, folder);
      if (!copies) continue;
      for (const item of unknown) {
        if (known.has(item.id)) continue;
        const match = copies.get(fingerprintOfItem(item))?.shift();
        if (!match) continue;
        const record: ItemRecord = {
          sourceItemId: item.id,
          targetItemId: match.id,
          ...(match.changeKey ? { targetChangeKey: match.changeKey } : {}),
          // Which version the copy holds is not known: the engine brings it up to date in place.
          sourceVersion: "",
          sizeBytes: item.size ?? 0,
          sourceFolderId: folder.sourceFolderId,
          targetFolderId: place.folderId,
          ...(place.inArchive ? { inArchive: true } : {}),
          ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
        };
        found.push(record);
        known.set(item.id, record);
      }
    }
    if (found.length === 0) return;
    await this.slice.state.putItems(this.slice.key, found);
    this.slice.logger.warn("the item map was behind the target; recorded copies found there", {
      mailboxKey: this.slice.key,
      recovered: found.length,
    });
  }

  private unclaimedIn(place: Place, folder: FolderCheckpoint): Promise<Unclaimed> {
    const id = `${place.inArchive ? "archive" : "primary"}|${place.folderId}`;
    let pending = this.checked.get(id);
    if (!pending) {
      pending = this.check(place, folder);
      this.checked.set(id, pending);
    }
    return pending;
  }

  /** The folder's unclaimed copies when it holds more than the map knows of; else undefined. */
  private async check(place: Place, folder: FolderCheckpoint): Promise<Unclaimed> {
    const { side, folderId } = place;
    const listed = await this.foldersOf(place);
    const copies = listed.find((entry) => entry.id === folderId)?.totalItemCount;
    if (copies === 0) return undefined;
    const rows = (await this.rowsOf(folder.sourceFolderId)).filter(
      (record) =>
        (record.inArchive === true) === place.inArchive &&
        (record.targetFolderId === undefined || record.targetFolderId === folderId),
    );
    // A count the listing does not give is no proof that nothing is missing: the folder is listed.
    if (copies !== undefined && copies <= rows.length) return undefined;
    const claimed = new Set(rows.map((record) => record.targetItemId));
    const unclaimed = await unaccountedCopies(this.slice, { side, folderId }, claimed);
    return unclaimed.size > 0 ? unclaimed : undefined;
  }

  /** The map's rows of a source folder, read once per slice for the primary and the archive alike. */
  private rowsOf(sourceFolderId: string): Promise<readonly ItemRecord[]> {
    let pending = this.rows.get(sourceFolderId);
    if (!pending) {
      pending = this.slice.state.listItemsInFolder(this.slice.key, sourceFolderId);
      this.rows.set(sourceFolderId, pending);
    }
    return pending;
  }

  /** The side's folders with their item counts, listed once per slice whatever folder asks. */
  private foldersOf(place: Place): Promise<readonly MailboxFolder[]> {
    const key = place.inArchive ? "archive" : "primary";
    let pending = this.listings.get(key);
    if (!pending) {
      const { side } = place;
      pending = withTransientRetry(
        () => side.api.listFolders(side.mailboxId, side.governor),
        this.slice.deadline,
        side.governor,
      );
      this.listings.set(key, pending);
    }
    return pending;
  }
}
