import type { Logger } from "../telemetry/logger.js";
import type { MailboxGovernor } from "../graph/governor.js";
import {
  MSG_FOLDER_ROOT,
  WELL_KNOWN_FOLDERS,
  type MailboxFolder,
  type MailboxOperations,
} from "../graph/port.js";
import { ItemRejectedError, PermanentTransferError } from "../graph/errors.js";
import { withTransientRetry } from "../graph/retry.js";
import type { FolderCheckpoint, MailboxKey, TransferStateStore } from "./state/port.js";

/** Numbered names tried for a folder whose name is taken in the target. */
const MAX_NAME_COPIES = 5;

export interface FolderSide {
  readonly api: MailboxOperations;
  readonly mailboxId: string;
  readonly governor: MailboxGovernor;
}

interface PlacedFolder {
  readonly folder: MailboxFolder;
  readonly parentId: string | undefined;
  /** Display names from the top, as the source shows them: `Inbox/Projects`. */
  readonly path: string;
  /**
   * What identifies the place across mailboxes, lower case: Outlook's folders by their English
   * names (`inbox/projects`), since their display names are localised (a German mailbox's Inbox
   * is "Posteingang"), other folders by display name.
   */
  readonly key: string;
  /** An Outlook folder at the top, known by its well-known name. */
  readonly wellKnown: boolean;
}

/** What a pass start did to the folder tree. */
export interface FolderChanges {
  readonly created: number;
  /** Target folders renamed or rebuilt at a new place because the source's were. */
  readonly restructured: number;
  /** Source folders gone since the last pass (their target folders deleted only when mirroring). */
  readonly removed: number;
  /** Items the source folders held when listed; absent when the tree was not read. */
  readonly listedItems?: number;
}

export interface FolderMapping {
  readonly key: MailboxKey;
  readonly state: TransferStateStore;
  readonly logger: Logger;
  /** The account's round; folders last opened for an older one are read again from the source. */
  readonly round: number;
  readonly deadline: number;
  /** Delete target folders whose source folder was deleted. */
  readonly mirrorDeletions: boolean;
  /** Age policy: the target archive gets the same folder paths. */
  readonly archive?: FolderSide;
  /** The checkpoints as the last slice left them, when the caller knows them: not read again. */
  readonly known?: readonly FolderCheckpoint[];
  /**
   * Told, once the source's tree is read and before any target folder is made, which source
   * folders listing items have no checkpoint yet: their first delta page needs no target folder.
   */
  readonly onNewFolders?: (sourceFolderIds: readonly string[]) => void;
}

function depthOf(path: string): number {
  return path.split("/").length;
}

function byDepth<T extends { path: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => depthOf(a.path) - depthOf(b.path));
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** A mailbox's folder listing, with what tells its well-known folders and its top apart. */
interface FolderListing {
  readonly side: FolderSide;
  readonly folders: readonly MailboxFolder[];
  /** Whether the listing carries `wellKnownName` (the documentation's reading of mailboxFolder). */
  readonly namesWellKnown: boolean;
}

async function listing(side: FolderSide, deadline: number): Promise<FolderListing> {
  const folders = await withTransientRetry(
    () => side.api.listFolders(side.mailboxId, side.governor),
    deadline,
    side.governor,
  );
  return { side, folders, namesWellKnown: folders.some((folder) => folder.wellKnownName !== undefined) };
}

/** Well-known names by folder id (top-level folders only). */
type WellKnownNames = ReadonlyMap<string, string>;

/**
 * The mailbox's well-known folders. From the listing when it names them; otherwise each
 * well-known name is read as a folder path (a well-known name stands for the folder's id).
 */
async function wellKnownOf(list: FolderListing, deadline: number): Promise<WellKnownNames> {
  const names = new Map<string, string>();
  if (list.namesWellKnown) {
    for (const folder of list.folders) {
      if (folder.wellKnownName) names.set(folder.id, folder.wellKnownName.toLowerCase());
    }
    return names;
  }
  const { side } = list;
  const found = await withTransientRetry(
    () => side.api.wellKnownFolders(side.mailboxId, Object.keys(WELL_KNOWN_FOLDERS), side.governor),
    deadline,
    side.governor,
  );
  for (const [name, folder] of found) names.set(folder.id, name);
  return names;
}

/** The id of the top of the mailbox's folder tree (msgfolderroot). */
async function rootOf(list: FolderListing, deadline: number): Promise<string | undefined> {
  const { side } = list;
  const found = await withTransientRetry(
    () => side.api.wellKnownFolders(side.mailboxId, [MSG_FOLDER_ROOT], side.governor),
    deadline,
    side.governor,
  );
  return found.get(MSG_FOLDER_ROOT)?.id;
}

/** The parent, outside the listing, that a folder's chain of listed parents ends at. */
function topsOf(list: FolderListing): Map<string, string | undefined> {
  const byId = new Map(list.folders.map((folder) => [folder.id, folder]));
  const tops = new Map<string, string | undefined>();
  for (const folder of list.folders) {
    let current = folder;
    for (let depth = 0; depth < 1_000; depth += 1) {
      const parent = current.parentFolderId ? byId.get(current.parentFolderId) : undefined;
      if (!parent) break;
      current = parent;
    }
    tops.set(folder.id, current.parentFolderId ?? undefined);
  }
  return tops;
}

/**
 * The folders of the mailbox's folder tree, parents before children, keyed with `names` (when
 * given) for their well-known folders. A listing includes search folders
 * (api-reference/v1.0/api/mailbox-list-folders.md), which hang outside the tree the user's mail
 * is in: their items live in other folders, and copying them would copy those items twice. So a
 * folder whose chain of parents does not reach the top of the tree (`rootId`) is left out.
 */
function placedFolders(
  list: FolderListing,
  rootId: string | undefined,
  names: WellKnownNames | undefined,
): PlacedFolder[] {
  const byId = new Map(list.folders.map((folder) => [folder.id, folder]));
  const tops = topsOf(list);
  const placed = new Map<string, PlacedFolder>();
  const place = (folder: MailboxFolder): PlacedFolder => {
    const existing = placed.get(folder.id);
    if (existing) return existing;
    const parent = folder.parentFolderId ? byId.get(folder.parentFolderId) : undefined;
    const parentPlaced = parent ? place(parent) : undefined;
    const wellKnownName = parent ? undefined : names?.get(folder.id);
    const english = wellKnownName === undefined ? undefined : WELL_KNOWN_FOLDERS[wellKnownName];
    const segment = (english ?? folder.displayName).toLowerCase();
    const result: PlacedFolder = {
      folder,
      parentId: parent?.id,
      path: parentPlaced ? `${parentPlaced.path}/${folder.displayName}` : folder.displayName,
      key: parentPlaced ? `${parentPlaced.key}/${segment}` : segment,
      wellKnown: english !== undefined,
    };
    placed.set(folder.id, result);
    return result;
  };
  const inTree = list.folders.filter((folder) => rootId === undefined || tops.get(folder.id) === rootId);
  return byDepth(inTree.map(place));
}

/** Reads a side's tree; its top and well-known folders are resolved once, and only when needed. */
class SideTree {
  private root: Promise<string | undefined> | undefined;
  private names: Promise<WellKnownNames> | undefined;

  constructor(
    readonly side: FolderSide,
    private readonly deadline: number,
  ) {}

  /**
   * The tree's folders. `keyed` resolves the well-known folders (for matching another mailbox's
   * tree); `needsKeys` asks, once the folders are known, whether keys are needed after all.
   */
  async read(keyed: boolean | ((placed: readonly PlacedFolder[]) => boolean)): Promise<PlacedFolder[]> {
    const list = await listing(this.side, this.deadline);
    const tops = new Set(topsOf(list).values());
    // One unlisted parent is the top of the tree; more mean folders outside it (search folders).
    let rootId = tops.size === 1 ? [...tops][0] : undefined;
    if (tops.size > 1 && list.namesWellKnown) {
      // Outlook's folders hang under the top: the listing tells which of the parents it is.
      const outlook = list.folders.find(
        (folder) => folder.wellKnownName && WELL_KNOWN_FOLDERS[folder.wellKnownName.toLowerCase()],
      );
      rootId = outlook?.parentFolderId ?? undefined;
    }
    if (tops.size > 1 && rootId === undefined) {
      this.root ??= rootOf(list, this.deadline);
      rootId = await this.root;
    }
    if (list.namesWellKnown) return placedFolders(list, rootId, await wellKnownOf(list, this.deadline));
    if (keyed === false) return placedFolders(list, rootId, undefined);
    if (keyed !== true) {
      const plain = placedFolders(list, rootId, undefined);
      if (!keyed(plain)) return plain;
    }
    this.names ??= wellKnownOf(list, this.deadline);
    return placedFolders(list, rootId, await this.names);
  }
}

/**
 * Folder places of a target mailbox, created where missing, parents before children. Existing
 * folders are matched by key (well-known folders such as Inbox exist already, under a localised
 * name), so running it again after a crash never creates a folder twice.
 */
class TargetTree {
  private byKey: Promise<Map<string, string>> | undefined;
  private readonly tree: SideTree;
  created = 0;

  constructor(
    private readonly side: FolderSide,
    private readonly deadline: number,
  ) {
    this.tree = new SideTree(side, deadline);
  }

  /** The target's folders by key, listed once however many folders ask at once. */
  keys(): Promise<Map<string, string>> {
    // Outlook's own folder wins a key that a folder made under its English name shares (an
    // "Inbox" someone made beside a German Posteingang).
    this.byKey ??= this.tree.read(true).then((placed) => {
      const byKey = new Map<string, string>();
      for (const entry of [...placed].sort((a, b) => Number(a.wellKnown) - Number(b.wellKnown))) {
        byKey.set(entry.key, entry.folder.id);
      }
      return byKey;
    });
    return this.byKey;
  }

  /** Forgets a deleted folder and its subtree, so a folder made at its place is not matched to it. */
  async forget(folderId: string): Promise<void> {
    const keys = await this.keys();
    const at = [...keys.entries()].find(([, id]) => id === folderId)?.[0];
    if (at === undefined) return;
    for (const key of [...keys.keys()]) if (key === at || key.startsWith(`${at}/`)) keys.delete(key);
  }

  /**
   * The folder at `placed`'s key, created under `parentId` (undefined: top level) when missing or
   * when the folder there is `taken` by another source folder.
   */
  async ensure(
    placed: PlacedFolder,
    parentId: string | undefined,
    taken: ReadonlySet<string>,
  ): Promise<string> {
    const keys = await this.keys();
    const existing = keys.get(placed.key);
    if (existing !== undefined && !taken.has(existing)) return existing;
    const folder = await this.create(parentId, placed.folder.displayName, placed.folder.type, taken);
    keys.set(placed.key, folder.id);
    this.created += 1;
    return folder.id;
  }

  /**
   * Creates a folder. A refusal is looked into: a folder of that name under that parent that no
   * other source folder owns is this one (created by a request whose answer was lost); one that
   * another folder owns (it has not moved away yet, or the target refused to rename it) means the
   * copy gets a numbered name, rather than the account failing on every delivery.
   */
  private async create(
    parentId: string | undefined,
    name: string,
    type: string | undefined,
    taken: ReadonlySet<string>,
  ): Promise<MailboxFolder> {
    for (let copy = 1; ; copy += 1) {
      const candidate = copy === 1 ? name : `${name} (${copy})`;
      try {
        return await withTransientRetry(
          () =>
            this.side.api.createFolder(this.side.mailboxId, parentId, candidate, type, this.side.governor),
          this.deadline,
          this.side.governor,
        );
      } catch (error) {
        if (!(error instanceof ItemRejectedError)) throw error;
        const there = (await this.tree.read(false)).find(
          (placed) =>
            placed.parentId === parentId &&
            placed.folder.displayName.toLowerCase() === candidate.toLowerCase(),
        );
        if (there && !taken.has(there.folder.id)) return there.folder;
        if (copy >= MAX_NAME_COPIES) {
          throw new PermanentTransferError(
            "FolderRefused",
            `the target refused to create a folder (${error.code})`,
            error.code,
            { cause: error },
          );
        }
      }
    }
  }
}

/** Deletes a target folder (and what it holds); one already gone is fine. */
async function deleteTargetFolder(side: FolderSide, folderId: string, deadline: number): Promise<void> {
  await withTransientRetry(
    () => side.api.deleteFolder(side.mailboxId, folderId, side.governor),
    deadline,
    side.governor,
  );
}

/**
 * The folders of this pass, checkpointed. Mid-pass the checkpoints are the plan. When a pass
 * starts (or nothing is checkpointed yet) the source tree is read again and the target follows
 * it: new folders are created, renamed ones are renamed, moved ones are rebuilt at their new place
 * (there is no move action on mailboxFolder), and deleted ones are dropped (and deleted in the
 * target when mirroring). Every folder is then opened for the pass.
 */
export async function mapFolders(
  source: FolderSide,
  target: FolderSide,
  mapping: FolderMapping,
): Promise<{ folders: FolderCheckpoint[]; changes: FolderChanges }> {
  const { key, state, round, deadline } = mapping;
  const saved = mapping.known ?? (await state.loadFolders(key));
  const known = new Map(saved.map((folder) => [folder.sourceFolderId, folder]));
  // Folders never read are not saved when a pass finishes them (there is nothing to read), so
  // their round says nothing; the folders that were read tell whether this pass has begun.
  const read = [...known.values()].filter((folder) => folder.cursor !== undefined);
  const stale = (read.length > 0 ? read : [...known.values()]).some((folder) => (folder.round ?? 0) < round);
  if (known.size > 0 && !stale) {
    return { folders: [...known.values()], changes: { created: 0, restructured: 0, removed: 0 } };
  }
  const targetTree = new TargetTree(target, deadline);
  // A mailbox seen for the first time needs the target's tree for every folder: list both at once.
  if (known.size === 0) targetTree.keys().catch(() => undefined);
  // Keyed by well-known names only when some folder is new or moved: matching the target needs them.
  const sourceFolders = await new SideTree(source, deadline).read((placed) =>
    placed.some(
      (entry) => known.get(entry.folder.id)?.sourceParentId !== entry.parentId || !known.has(entry.folder.id),
    ),
  );
  mapping.onNewFolders?.(
    sourceFolders
      .filter((placed) => !known.has(placed.folder.id) && (placed.folder.totalItemCount ?? 1) > 0)
      .map((placed) => placed.folder.id),
  );
  const archiveTree = mapping.archive ? new TargetTree(mapping.archive, deadline) : undefined;
  // Saved together when the mapping ends (one transaction per mailbox): should it not get
  // there, a target folder created without its checkpoint is found by key next time.
  const unsaved = new Map<string, FolderCheckpoint>();
  const save = (folder: FolderCheckpoint): void => {
    unsaved.set(folder.sourceFolderId, folder);
    known.set(folder.sourceFolderId, folder);
  };
  const flush = async (): Promise<void> => {
    if (unsaved.size > 0) await state.saveFolders(key, [...unsaved.values()]);
  };
  let mapped: { folders: FolderCheckpoint[]; changes: FolderChanges };
  try {
    mapped = await followTree();
  } catch (error) {
    // What was created before the failure is worth keeping; the failure is what to report.
    await flush().catch(() => undefined);
    throw error;
  }
  await flush();
  return mapped;

  async function followTree(): Promise<{ folders: FolderCheckpoint[]; changes: FolderChanges }> {
    let restructured = 0;
    const seen = new Set(sourceFolders.map((placed) => placed.folder.id));
    // Target folders that source folders still in the tree own: a new folder never takes one over,
    // even at the path it had (a folder deleted to Deleted Items and created again by its name).
    const taken = new Set<string>();
    for (const folder of known.values()) {
      if (!seen.has(folder.sourceFolderId)) continue;
      taken.add(folder.targetFolderId);
      if (folder.archiveFolderId !== undefined) taken.add(folder.archiveFolderId);
    }
    // Target folders given to a source folder in this pass; a deleted folder's target folder that a
    // new folder at the same path took over is among them and is not deleted.
    const adopted = new Set<string>();
    // Source folders whose copy was rebuilt at a new place in this mapping (their children follow).
    const rebuilt = new Set<string>();
    const ensure = async (
      tree: TargetTree,
      placed: PlacedFolder,
      parentId: string | undefined,
    ): Promise<string> => {
      const id = await tree.ensure(placed, parentId, taken);
      taken.add(id);
      adopted.add(id);
      return id;
    };
    /**
     * A folder that moved at the source: its old copy is deleted and a new one made at the new
     * place, which the folder's full re-read fills (the item map knows each old copy's folder, so
     * the items are imported again, not skipped). Deleting first keeps the old copy's name from
     * standing in the way of a new folder made where it was.
     */
    const rebuild = async (
      before: FolderCheckpoint,
      placed: PlacedFolder,
      parent: FolderCheckpoint | undefined,
    ): Promise<FolderCheckpoint> => {
      // A folder whose parent's copy was rebuilt went with the parent's old copy.
      const goneWithParent = placed.parentId !== undefined && rebuilt.has(placed.parentId);
      if (!goneWithParent) await deleteTargetFolder(target, before.targetFolderId, deadline);
      await targetTree.forget(before.targetFolderId);
      taken.delete(before.targetFolderId);
      let archiveFolderId = before.archiveFolderId;
      if (mapping.archive && archiveTree && before.archiveFolderId !== undefined) {
        if (!goneWithParent) await deleteTargetFolder(mapping.archive, before.archiveFolderId, deadline);
        await archiveTree.forget(before.archiveFolderId);
        taken.delete(before.archiveFolderId);
        archiveFolderId = await ensure(archiveTree, placed, parent?.archiveFolderId);
      }
      const targetFolderId = await ensure(targetTree, placed, parent?.targetFolderId);
      const {
        cursor: _cursor,
        youngCursor: _young,
        sourceParentId: _parent,
        resyncMark: _mark,
        archiveFolderId: _archive,
        ...rest
      } = before;
      rebuilt.add(before.sourceFolderId);
      mapping.logger.info("a source folder moved; its copy is rebuilt at the new place", { mailboxKey: key });
      return {
        ...rest,
        targetFolderId,
        ...(archiveFolderId === undefined ? {} : { archiveFolderId }),
        path: placed.path,
        passComplete: false,
        youngComplete: false,
        relocatedFrom: {
          target: before.targetFolderId,
          ...(before.archiveFolderId === undefined ? {} : { archive: before.archiveFolderId }),
        },
        ...(placed.parentId === undefined ? {} : { sourceParentId: placed.parentId }),
      };
    };
    const follow = async (placed: PlacedFolder): Promise<void> => {
      const before = known.get(placed.folder.id);
      const parent = placed.parentId === undefined ? undefined : known.get(placed.parentId);
      const count = placed.folder.totalItemCount;
      let next: FolderCheckpoint;
      if (before === undefined) {
        next = {
          sourceFolderId: placed.folder.id,
          targetFolderId: await ensure(targetTree, placed, parent?.targetFolderId),
          path: placed.path,
          passComplete: false,
          round,
          ...(placed.parentId === undefined ? {} : { sourceParentId: placed.parentId }),
          ...(count === undefined ? {} : { sourceItemCount: count }),
        };
      } else if (
        before.sourceParentId !== placed.parentId ||
        (placed.parentId !== undefined && rebuilt.has(placed.parentId))
      ) {
        next = {
          ...(await rebuild(before, placed, parent)),
          ...(count === undefined ? {} : { sourceItemCount: count }),
        };
        restructured += 1;
      } else {
        let where = { path: placed.path, parentId: placed.parentId };
        if (nameOf(before.path) !== placed.folder.displayName) {
          restructured += 1;
          // A refused rename keeps the old path: that is where the copy is, and the next pass tries again.
          if (!(await renameCopies(before, placed)))
            where = { path: before.path, parentId: before.sourceParentId };
        }
        const { sourceParentId: _previous, ...rest } = before;
        next = {
          ...rest,
          path: where.path,
          ...(count === undefined ? {} : { sourceItemCount: count }),
          ...(where.parentId === undefined ? {} : { sourceParentId: where.parentId }),
        };
      }
      if (mapping.archive && archiveTree && next.archiveFolderId === undefined) {
        next = { ...next, archiveFolderId: await ensure(archiveTree, placed, parent?.archiveFolderId) };
      }
      if (before === undefined || !sameCheckpoint(before, next)) save(next);
      // Open it for this pass: the item delta continues from the last pass's deltaLink. Kept in
      // memory only: the folder's first page saves it, and a slice that ends before reaching the
      // folder leaves it on the old round, so the next slice opens it again.
      if (before !== undefined && (before.round ?? 0) < round) {
        known.set(next.sourceFolderId, { ...next, round, passComplete: false, youngComplete: false });
      }
    };
    /** Renames the target's copies (and the archive's) of a renamed source folder. */
    const renameCopies = async (before: FolderCheckpoint, placed: PlacedFolder): Promise<boolean> => {
      let renamed = await renameFolder(
        target,
        before.targetFolderId,
        placed.folder.displayName,
        deadline,
        mapping.logger,
      );
      if (mapping.archive && before.archiveFolderId !== undefined) {
        renamed =
          (await renameFolder(
            mapping.archive,
            before.archiveFolderId,
            placed.folder.displayName,
            deadline,
            mapping.logger,
          )) && renamed;
      }
      return renamed;
    };
    // Known folders under known parents first, so a new folder never lands on a place an old one
    // is leaving; then new folders and folders moved under them, parents before children.
    const settledFirst = sourceFolders.filter(
      (placed) =>
        known.has(placed.folder.id) && (placed.parentId === undefined || known.has(placed.parentId)),
    );
    const firstIds = new Set(settledFirst.map((placed) => placed.folder.id));
    for (const placed of settledFirst) await follow(placed);
    const knownPaths = new Set([...known.values()].map((folder) => folder.path.toLowerCase()));
    await followNew(
      sourceFolders.filter((placed) => !firstIds.has(placed.folder.id)),
      (placed) => known.has(placed.folder.id) || knownPaths.has(placed.path.toLowerCase()),
      follow,
    );
    let removed = 0;
    // Deepest first, so a parent's deletion never precedes its child's.
    const livePaths = [...known.values()]
      .filter((folder) => seen.has(folder.sourceFolderId))
      .map((folder) => folder.path.toLowerCase());
    for (const gone of byDepth(
      [...known.values()].filter((folder) => !seen.has(folder.sourceFolderId)),
    ).reverse()) {
      // A folder still copied into a folder under this one (its rename was refused) keeps it alive.
      const holdsLive = livePaths.some((path) => path.startsWith(`${gone.path.toLowerCase()}/`));
      if (mapping.mirrorDeletions && !holdsLive) {
        for (const [side, folderId] of [
          [target, gone.targetFolderId],
          [mapping.archive, gone.archiveFolderId],
        ] as const) {
          // A new source folder took this target folder over: it stays.
          if (side === undefined || folderId === undefined || adopted.has(folderId)) continue;
          await deleteTargetFolder(side, folderId, deadline);
        }
      }
      await state.deleteFolder(key, gone.sourceFolderId);
      known.delete(gone.sourceFolderId);
      removed += 1;
    }
    const changes = {
      created: targetTree.created + (archiveTree?.created ?? 0),
      restructured,
      removed,
      listedItems: sourceFolders.reduce((sum, placed) => sum + (placed.folder.totalItemCount ?? 0), 0),
    };
    if (changes.created + restructured + removed > 0) {
      mapping.logger.info("folder tree followed the source", {
        mailboxKey: key,
        folders: known.size,
        ...changes,
      });
    }
    return { folders: [...known.values()], changes };
  }
}

/**
 * Follows new folders and folders moved under them, one depth at a time so parents come first.
 * Within a depth, new folders at paths nothing else claims are created together (the governor
 * bounds how many requests that makes at once): a mailbox's first pass then waits for a round
 * trip per level of its tree, not per folder. Anything that could meet another folder at its
 * path (a moved folder, a path taken twice, or one `mustWait` names) follows alone, in order.
 */
async function followNew(
  placed: readonly PlacedFolder[],
  mustWait: (placed: PlacedFolder) => boolean,
  follow: (placed: PlacedFolder) => Promise<void>,
): Promise<void> {
  const levels = new Map<number, PlacedFolder[]>();
  for (const entry of placed) {
    const depth = depthOf(entry.path);
    levels.set(depth, [...(levels.get(depth) ?? []), entry]);
  }
  for (const depth of [...levels.keys()].sort((a, b) => a - b)) {
    const level = levels.get(depth) ?? [];
    const keyCount = new Map<string, number>();
    for (const entry of level) keyCount.set(entry.key, (keyCount.get(entry.key) ?? 0) + 1);
    const alone = (entry: PlacedFolder): boolean => mustWait(entry) || (keyCount.get(entry.key) ?? 0) > 1;
    const results = await Promise.allSettled(level.filter((entry) => !alone(entry)).map(follow));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw failed.reason;
    for (const entry of level.filter(alone)) await follow(entry);
  }
}

function sameCheckpoint(a: FolderCheckpoint, b: FolderCheckpoint): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof FolderCheckpoint>;
  return [...keys].every((field) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
}

/**
 * Renames a target folder (api-reference/v1.0/api/mailboxfolder-update.md); false when the
 * target refuses (a folder of that name is there already, say): the copy keeps its old name and
 * its items keep flowing into it, rather than the whole account failing over one folder.
 */
async function renameFolder(
  side: FolderSide,
  folderId: string,
  displayName: string,
  deadline: number,
  logger: Logger,
): Promise<boolean> {
  try {
    await withTransientRetry(
      () => side.api.renameFolder(side.mailboxId, folderId, displayName, side.governor),
      deadline,
      side.governor,
    );
    return true;
  } catch (error) {
    if (!(error instanceof ItemRejectedError)) throw error;
    logger.warn("the target refused to rename a folder; it keeps its name", { code: error.code });
    return false;
  }
}
