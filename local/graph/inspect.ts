/**
 * Compares a source mailbox with its migrated copy: the folder tree by display-name path, and every
 * source item present in the same folder exactly once, as a copy of its current version, with
 * nothing else in the target. Planted items that cannot be moved are listed apart.
 */
import { SimulatorInputError } from "./errors.js";
import { folderPath, listFolders } from "./model/mailbox.js";
import type { Item, Mailbox } from "./model/types.js";
import { type SimulatorState, findUserAnywhere } from "./state.js";

export interface InspectionEntry {
  /** Folder path of the item in the source (or in the target for extra items). */
  readonly folderPath: string;
  readonly sourceItemId?: string;
  readonly targetItemIds?: readonly string[];
  readonly reason?: string;
}

export interface FolderMismatch {
  readonly path: string;
  readonly problem: "missingInTarget" | "extraInTarget" | "typeDiffers";
  readonly sourceType?: string;
  readonly targetType?: string;
}

export interface InspectionReport {
  /** True when nothing is missing, duplicated, extra or altered and the folder trees agree. */
  readonly ok: boolean;
  readonly sourceUpn: string;
  readonly targetUpn: string;
  readonly compared: { readonly folders: number; readonly items: number };
  readonly missing: InspectionEntry[];
  readonly duplicated: InspectionEntry[];
  readonly extra: InspectionEntry[];
  readonly altered: InspectionEntry[];
  readonly folderMismatches: FolderMismatch[];
  /** Planted bad or too-large items absent from the target, as expected. */
  readonly unmovable: InspectionEntry[];
}

const ARCHIVE_PREFIX = "archive:";

function isUnmovable(item: Item, maxItemBytes: number): boolean {
  return item.trouble === "exportFails" || item.trouble === "importFails" || item.size > maxItemBytes;
}

function comparePair(
  source: Mailbox,
  target: Mailbox,
  prefix: string,
  maxItemBytes: number,
  report: InspectionReport,
): { folders: number; items: number } {
  const label = (path: string): string => `${prefix}${path}`;
  const sourcePaths = new Map<string, { path: string; type: string }>();
  for (const folder of listFolders(source)) {
    const path = folderPath(source, folder.id);
    sourcePaths.set(path.toLowerCase(), { path, type: folder.folderClass });
  }
  const targetPaths = new Map<string, { path: string; type: string }>();
  for (const folder of listFolders(target)) {
    const path = folderPath(target, folder.id);
    targetPaths.set(path.toLowerCase(), { path, type: folder.folderClass });
  }
  for (const [key, folder] of sourcePaths) {
    const copy = targetPaths.get(key);
    if (!copy) report.folderMismatches.push({ path: label(folder.path), problem: "missingInTarget" });
    else if (copy.type !== folder.type) {
      report.folderMismatches.push({
        path: label(folder.path),
        problem: "typeDiffers",
        sourceType: folder.type,
        targetType: copy.type,
      });
    }
  }
  for (const [key, folder] of targetPaths) {
    if (!sourcePaths.has(key))
      report.folderMismatches.push({ path: label(folder.path), problem: "extraInTarget" });
  }

  const copiesBySource = new Map<string, { item: Item; path: string }[]>();
  for (const item of target.items.values()) {
    const path = folderPath(target, item.folderId);
    const origin = item.origin;
    if (
      !origin ||
      origin.mailboxId !== source.id ||
      origin.tenantId !== source.tenantId ||
      !source.items.has(origin.itemId)
    ) {
      report.extra.push({
        folderPath: label(path),
        targetItemIds: [item.id],
        reason: origin
          ? "not a copy of a current item of the source mailbox"
          : "not imported from any source",
      });
      continue;
    }
    const list = copiesBySource.get(origin.itemId) ?? [];
    list.push({ item, path });
    copiesBySource.set(origin.itemId, list);
  }

  for (const item of source.items.values()) {
    const path = folderPath(source, item.folderId);
    const copies = copiesBySource.get(item.id) ?? [];
    const entry = { folderPath: label(path), sourceItemId: item.id };
    if (copies.length === 0) {
      (isUnmovable(item, maxItemBytes) ? report.unmovable : report.missing).push(entry);
      continue;
    }
    const targetItemIds = copies.map((copy) => copy.item.id);
    if (copies.length > 1) report.duplicated.push({ ...entry, targetItemIds });
    const misplaced = copies.find((copy) => copy.path.toLowerCase() !== path.toLowerCase());
    const stale = copies.find((copy) => copy.item.origin?.version !== item.version);
    if (misplaced) {
      report.altered.push({ ...entry, targetItemIds, reason: `copy is in ${label(misplaced.path)}` });
    } else if (stale) {
      report.altered.push({
        ...entry,
        targetItemIds,
        reason: `copy is of version ${stale.item.origin?.version ?? "?"}, the source is at version ${item.version}`,
      });
    }
  }
  return { folders: sourcePaths.size, items: source.items.size };
}

/** Compares `sourceUpn`'s mailbox (and archive, if asked) with `targetUpn`'s. */
export function inspectMigration(
  state: SimulatorState,
  sourceUpn: string,
  targetUpn: string,
  options: { includeArchive?: boolean } = {},
): InspectionReport {
  const source = findUserAnywhere(state, sourceUpn);
  const target = findUserAnywhere(state, targetUpn);
  if (!source) throw new SimulatorInputError(`no user ${sourceUpn} in either tenant`);
  if (!target) throw new SimulatorInputError(`no user ${targetUpn} in either tenant`);
  const sourcePrimary = source.tenant.mailboxes.get(source.user.primaryMailboxId ?? "");
  const targetPrimary = target.tenant.mailboxes.get(target.user.primaryMailboxId ?? "");
  if (!sourcePrimary) throw new SimulatorInputError(`${sourceUpn} has no mailbox`);
  if (!targetPrimary) throw new SimulatorInputError(`${targetUpn} has no mailbox`);
  const report: InspectionReport = {
    ok: false,
    sourceUpn,
    targetUpn,
    compared: { folders: 0, items: 0 },
    missing: [],
    duplicated: [],
    extra: [],
    altered: [],
    folderMismatches: [],
    unmovable: [],
  };
  const { maxItemBytes } = state.limits;
  const totals = comparePair(sourcePrimary, targetPrimary, "", maxItemBytes, report);
  if (options.includeArchive) {
    const sourceArchive = source.tenant.mailboxes.get(source.user.archiveMailboxId ?? "");
    const targetArchive = target.tenant.mailboxes.get(target.user.archiveMailboxId ?? "");
    if (sourceArchive && !targetArchive) {
      report.folderMismatches.push({ path: ARCHIVE_PREFIX, problem: "missingInTarget" });
    } else if (sourceArchive && targetArchive) {
      const archived = comparePair(sourceArchive, targetArchive, ARCHIVE_PREFIX, maxItemBytes, report);
      totals.folders += archived.folders;
      totals.items += archived.items;
    }
  }
  const ok =
    report.missing.length === 0 &&
    report.duplicated.length === 0 &&
    report.extra.length === 0 &&
    report.altered.length === 0 &&
    report.folderMismatches.length === 0;
  return { ...report, ok, compared: totals };
}
