import type { Logger } from "../telemetry/logger.js";
import type { MailboxGovernor } from "../graph/governor.js";
import type { MailboxFolder, MailboxOperations } from "./mailbox-api.js";
import { ItemRejectedError, PermanentTransferError } from "./errors.js";

/** Numbered names tried for a folder whose name is taken in the target. */
const MAX_NAME_COPIES = 5;
import { withTransientRetry } from "./retry.js";
import type { FolderCheckpoint, MailboxKey, TransferStateStore } from "./state/port.js";

export interface FolderSide {
  readonly api: MailboxOperations;
  readonly mailboxId: string;
  readonly governor: MailboxGovernor;
}

interface PlacedFolder {
  readonly folder: MailboxFolder;
  readonly parentId: string | undefined;
  readonly path: string;
}

/** What a pass start did to the folder tree. */
export interface FolderChanges {
  readonly created: number;
  /** Target folders renamed or moved because the source's were. */
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
  /** The account's pass; folders last opened for an older one are read again from the source. */
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

/** Lists a mailbox's folders with their paths, parents before children. */
async function placedFolders(side: FolderSide, deadline: number): Promise<PlacedFolder[]> {
  const folders = await withTransientRetry(
    () => side.api.listFolders(side.mailboxId, side.governor),
    deadline,
    side.governor,
  );
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  const placed = new Map<string, PlacedFolder>();
  const place = (folder: MailboxFolder): PlacedFolder => {
    const known = placed.get(folder.id);
    if (known) return known;
    const parent = folder.parentFolderId ? byId.get(folder.parentFolderId) : undefined;
    const parentPlaced = parent ? place(parent) : undefined;
    const result: PlacedFolder = {
      folder,
      parentId: parent?.id,
      path: parentPlaced ? `${parentPlaced.path}/${folder.displayName}` : folder.displayName,
    };
    placed.set(folder.id, result);
    return result;
  };
  return byDepth(folders.map(place));
}

/**
 * Folder paths of a target mailbox, created where missing, parents before children. Existing
 * folders are matched by path (well-known folders such as Inbox exist already), so running it
 * again after a crash never creates a folder twice.
 */
class TargetTree {
  private byPath: Promise<Map<string, string>> | undefined;
  created = 0;

  constructor(
    private readonly side: FolderSide,
    private readonly deadline: number,
  ) {}

  /** The target's folders by lower-case path, listed once however many folders ask at once. */
  paths(): Promise<Map<string, string>> {
    this.byPath ??= placedFolders(this.side, this.deadline).then(
      (placed) => new Map(placed.map((entry) => [entry.path.toLowerCase(), entry.folder.id])),
    );
    return this.byPath;
  }

  /**
   * The folder at `path`, created under `parentId` (undefined: top level) when missing or when
   * the folder there is `taken` by another source folder.
   */
  async ensure(
    path: string,
    parentId: string | undefined,
    type: string | undefined,
    taken: ReadonlySet<string>,
  ): Promise<string> {
    const paths = await this.paths();
    const existing = paths.get(path.toLowerCase());
    if (existing !== undefined && !taken.has(existing)) return existing;
    const folder = await this.create(parentId, nameOf(path), type, taken);
    paths.set(path.toLowerCase(), folder.id);
    this.created += 1;
    return folder.id;
  }

  /**
   * Creates a folder. A refusal is looked into: a folder of that name under that parent that no
   * other source folder owns is this one (created by an attempt whose answer was lost); one that
   * another folder owns (it has not moved away yet, or the target refused to move it) means the
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
        const there = (await placedFolders(this.side, this.deadline)).find(
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

/**
 * The folders of this pass, checkpointed. Mid-pass the checkpoints are the plan. When a pass
 * starts (or nothing is checkpointed yet) the source tree is read again and the target follows
 * it: new folders are created, renamed and moved ones are renamed and moved, and deleted ones are
 * dropped (and deleted in the target when mirroring). Every folder is then opened for the pass.
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
  if (known.size === 0) targetTree.paths().catch(() => undefined);
  const sourceFolders = await placedFolders(source, deadline);
  mapping.onNewFolders?.(
    sourceFolders
      .filter((placed) => !known.has(placed.folder.id) && (placed.folder.totalItemCount ?? 1) > 0)
      .map((placed) => placed.folder.id),
  );
  const archiveTree = mapping.archive ? new TargetTree(mapping.archive, deadline) : undefined;
  // Saved together when the mapping ends (one transaction per mailbox): should it not get
  // there, a target folder created without its checkpoint is found by name next time.
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
    const ensure = async (
      tree: TargetTree,
      placed: PlacedFolder,
      parentId: string | undefined,
    ): Promise<string> => {
      const id = await tree.ensure(placed.path, parentId, placed.folder.type, taken);
      taken.add(id);
      adopted.add(id);
      return id;
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
      } else {
        let followed = true;
        if (before.path !== placed.path) {
          followed = await followRestructure(
            target,
            before,
            placed,
            parent?.targetFolderId,
            deadline,
            mapping.logger,
          );
          restructured += 1;
        }
        // A refused rename or move keeps the old path and parent: that is where the copy is (a
        // deleted parent's copy is then kept for it), and the next pass tries again.
        const where = followed
          ? { path: placed.path, parentId: placed.parentId }
          : { path: before.path, parentId: before.sourceParentId };
        const { sourceParentId: _previous, ...rest } = before;
        next = {
          ...rest,
          path: where.path,
          ...(count === undefined ? {} : { sourceItemCount: count }),
          ...(where.parentId === undefined ? {} : { sourceParentId: where.parentId }),
        };
      }
      if (mapping.archive && archiveTree) {
        if (next.archiveFolderId === undefined) {
          next = { ...next, archiveFolderId: await ensure(archiveTree, placed, parent?.archiveFolderId) };
        } else if (before !== undefined && before.path !== placed.path) {
          await followRestructure(
            mapping.archive,
            { ...before, targetFolderId: next.archiveFolderId },
            placed,
            parent?.archiveFolderId,
            deadline,
            mapping.logger,
          );
        }
      }
      if (before === undefined || !sameCheckpoint(before, next)) save(next);
      // Open it for this pass: the item delta continues from the last pass's deltaLink. Kept in
      // memory only: the folder's first page saves it, and a slice that ends before reaching the
      // folder leaves it on the old round, so the next slice opens it again.
      if (before !== undefined && (before.round ?? 0) < round) {
        known.set(next.sourceFolderId, { ...next, round, passComplete: false });
      }
    };
    // Known folders under known parents move first, so a new folder never lands on a path an old
    // one is leaving; then new folders and folders moved under them, parents before children.
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
      // A folder still copied into a folder under this one (its move was refused) keeps it alive.
      const holdsLive = livePaths.some((path) => path.startsWith(`${gone.path.toLowerCase()}/`));
      if (mapping.mirrorDeletions && !holdsLive) {
        for (const [side, folderId] of [
          [target, gone.targetFolderId],
          [mapping.archive, gone.archiveFolderId],
        ] as const) {
          // A new source folder took this target folder over: it stays.
          if (side === undefined || folderId === undefined || adopted.has(folderId)) continue;
          await withTransientRetry(
            () => side.api.deleteFolder(side.mailboxId, folderId, side.governor),
            deadline,
            side.governor,
          );
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
    const pathCount = new Map<string, number>();
    for (const entry of level) {
      const path = entry.path.toLowerCase();
      pathCount.set(path, (pathCount.get(path) ?? 0) + 1);
    }
    const alone = (entry: PlacedFolder): boolean => {
      const path = entry.path.toLowerCase();
      return mustWait(entry) || (pathCount.get(path) ?? 0) > 1;
    };
    const results = await Promise.allSettled(level.filter((entry) => !alone(entry)).map(follow));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) throw failed.reason;
    for (const entry of level.filter(alone)) await follow(entry);
  }
}

function sameCheckpoint(a: FolderCheckpoint, b: FolderCheckpoint): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof FolderCheckpoint>;
  return [...keys].every((field) => a[field] === b[field]);
}

/** Renames and/or moves a target folder so its path matches the source folder's new path. */
async function followRestructure(
  side: FolderSide,
  before: FolderCheckpoint,
  placed: PlacedFolder,
  newParentTargetId: string | undefined,
  deadline: number,
  logger: Logger,
): Promise<boolean> {
  let followed = true;
  const attempt = async (what: string, call: () => Promise<void>): Promise<void> => {
    try {
      await withTransientRetry(call, deadline, side.governor);
    } catch (error) {
      // Refused (a folder of that name is already there, say): the copy keeps its old place and
      // its items keep flowing into it, rather than the whole account failing over one folder.
      if (!(error instanceof ItemRejectedError)) throw error;
      logger.warn(`the target refused to ${what} a folder; it stays where it was`, { code: error.code });
      followed = false;
    }
  };
  if (before.sourceParentId !== placed.parentId) {
    await attempt("move", () =>
      side.api.moveFolder(side.mailboxId, before.targetFolderId, newParentTargetId, side.governor),
    );
  }
  if (nameOf(before.path) !== placed.folder.displayName) {
    await attempt("rename", () =>
      side.api.renameFolder(side.mailboxId, before.targetFolderId, placed.folder.displayName, side.governor),
    );
  }
  return followed;
}
