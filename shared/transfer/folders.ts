import type { Logger } from "../telemetry/logger.js";
import type { MailboxGovernor } from "../graph/governor.js";
import type { MailboxFolder, MailboxOperations } from "./mailbox-api.js";
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
  return folders.map(place);
}

/**
 * Makes sure every source folder has its counterpart in the target and is checkpointed (when a
 * pass starts, or when nothing is checkpointed yet).
 * Existing target folders are matched by parent and name (well-known folders such as Inbox
 * already exist), so re-running after a crash never creates a folder twice.
 */
export async function mapFolders(
  source: FolderSide,
  target: FolderSide,
  key: MailboxKey,
  state: TransferStateStore,
  logger: Logger,
  refresh: boolean,
  deadline: number,
): Promise<{ folders: FolderCheckpoint[]; created: number }> {
  const known = new Map((await state.loadFolders(key)).map((folder) => [folder.sourceFolderId, folder]));
  // Mid-pass the checkpointed folders are the plan; the tree is read again when a pass starts.
  if (!refresh && known.size > 0) return { folders: [...known.values()], created: 0 };
  const sourceFolders = await placedFolders(source, deadline);
  // Refresh what each known folder holds now, so a pass can skip the empty ones.
  for (const placed of sourceFolders) {
    const folder = known.get(placed.folder.id);
    const count = placed.folder.totalItemCount;
    if (folder && count !== undefined && folder.sourceItemCount !== count) {
      const updated = { ...folder, sourceItemCount: count };
      await state.saveFolder(key, updated);
      known.set(updated.sourceFolderId, updated);
    }
  }
  const missing = sourceFolders.filter((placed) => !known.has(placed.folder.id));
  let created = 0;
  if (missing.length > 0) {
    const targetFolders = await placedFolders(target, deadline);
    const targetByPath = new Map(
      targetFolders.map((placed) => [placed.path.toLowerCase(), placed.folder.id]),
    );
    const sourceToTarget = new Map<string, string>();
    for (const folder of known.values()) sourceToTarget.set(folder.sourceFolderId, folder.targetFolderId);
    // Parents before children: one depth at a time, the folders of a depth in parallel.
    const byDepth = new Map<number, PlacedFolder[]>();
    for (const placed of missing) {
      const depth = placed.path.split("/").length;
      byDepth.set(depth, [...(byDepth.get(depth) ?? []), placed]);
    }
    for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
      const made = await Promise.all(
        (byDepth.get(depth) ?? []).map(async (placed) => {
          let targetId = targetByPath.get(placed.path.toLowerCase());
          if (targetId === undefined) {
            const parentTarget =
              placed.parentId === undefined ? undefined : sourceToTarget.get(placed.parentId);
            const folder = await withTransientRetry(
              () =>
                target.api.createFolder(
                  target.mailboxId,
                  parentTarget,
                  placed.folder.displayName,
                  placed.folder.type,
                  target.governor,
                ),
              deadline,
              target.governor,
            );
            targetId = folder.id;
            created += 1;
          }
          const checkpoint: FolderCheckpoint = {
            sourceFolderId: placed.folder.id,
            targetFolderId: targetId,
            path: placed.path,
            passComplete: false,
            ...(placed.folder.totalItemCount !== undefined
              ? { sourceItemCount: placed.folder.totalItemCount }
              : {}),
          };
          await state.saveFolder(key, checkpoint);
          return checkpoint;
        }),
      );
      for (const checkpoint of made) {
        sourceToTarget.set(checkpoint.sourceFolderId, checkpoint.targetFolderId);
        targetByPath.set(checkpoint.path.toLowerCase(), checkpoint.targetFolderId);
        known.set(checkpoint.sourceFolderId, checkpoint);
      }
    }
    logger.debug("folders mapped", { mailboxKey: key, folders: known.size, created });
  }
  return { folders: [...known.values()], created };
}
