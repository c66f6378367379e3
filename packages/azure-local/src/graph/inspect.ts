/**
 * Compares a source mailbox with its migrated copy: the folder tree by display-name path, and every
 * source item present in the expected target mailbox and folder exactly once, as a copy of its
 * current version, with nothing else in the target. Planted items that cannot be moved are listed
 * apart. With an archive age policy, old source primary items are expected in the target archive.
 */
import { type ArchivePolicy, resolveArchivePolicy } from "./archivePolicy.js";
import { SimulatorInputError } from "./errors.js";
import { type FolderMismatch, compareFolders, pathsOf } from "./inspectFolders.js";
import { folderKey, folderPath } from "./model/mailbox.js";
import type { Item, ItemOrigin, Mailbox, MailboxKind } from "./model/types.js";
import { type SimulatorState, findUserAnywhere } from "./state.js";

export type { FolderMismatch } from "./inspectFolders.js";

export interface InspectionEntry {
  /** Folder path of the item in the source (or in the target for extra items). */
  readonly folderPath: string;
  readonly sourceItemId?: string;
  readonly targetItemIds?: readonly string[];
  /** Where the copy belongs in the target, when not at `folderPath` (the age policy archives it). */
  readonly expectedIn?: string;
  readonly reason?: string;
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

/** What to compare, and the archive age policy to expect. */
export interface InspectOptions {
  /** Compare the in-place archives as well as the primary mailboxes. */
  includeArchive?: boolean;
  /**
   * With `includeArchive`: source primary items received more than this many calendar months
   * before `now` are expected in the target archive (same folder path) instead of the primary.
   */
  archiveAgeMonths?: number;
  /** The time the age policy counts back from (epoch ms or a Date; default Date.now()). */
  now?: number | Date;
}

const ARCHIVE_PREFIX = "archive:";

/** An item with its (main) mailbox, folder path and folder place (see folderKey). */
interface Located {
  readonly item: Item;
  readonly mailbox: Mailbox;
  readonly path: string;
  readonly key: string;
}

/** A path as reported: archive paths carry the `archive:` prefix. */
function label(kind: MailboxKind, path: string): string {
  return kind === "archive" ? `${ARCHIVE_PREFIX}${path}` : path;
}

function isUnmovable(item: Item, maxItemBytes: number): boolean {
  return item.trouble === "exportFails" || item.trouble === "importFails" || item.size > maxItemBytes;
}

function originKey(origin: Pick<ItemOrigin, "tenantId" | "mailboxId" | "itemId">): string {
  return `${origin.tenantId}|${origin.mailboxId}|${origin.itemId}`;
}

/** The origin key a copy of this source item carries. */
function sourceKey({ mailbox, item }: Located): string {
  return originKey({ tenantId: mailbox.tenantId, mailboxId: mailbox.id, itemId: item.id });
}

/**
 * Every item of these mailboxes, an auto-expanded archive's auxiliary archives included: their
 * items are placed in the main archive's tree, where their folders are.
 */
function locate(mailboxes: readonly (Mailbox | undefined)[], all: ReadonlyMap<string, Mailbox>): Located[] {
  const out: Located[] = [];
  for (const mailbox of mailboxes) {
    if (!mailbox) continue;
    const holders = [mailbox, ...(mailbox.auxiliaries ?? []).flatMap((id) => all.get(id) ?? [])];
    for (const holder of holders) {
      for (const item of holder.items.values()) {
        out.push({
          item,
          mailbox,
          path: folderPath(mailbox, item.folderId),
          key: folderKey(mailbox, item.folderId),
        });
      }
    }
  }
  return out;
}

/** Where a source item's copy belongs: its own kind of mailbox, unless the policy archives it. */
function expectedKind(source: Located, policy: ArchivePolicy | undefined): MailboxKind {
  const aged = policy !== undefined && source.item.receivedMs < policy.cutoffMs;
  return source.mailbox.kind === "primary" && aged ? "archive" : source.mailbox.kind;
}

/** Why a copy is in the wrong mailbox, in words a failing test can show. */
function wrongMailboxReason(source: Located, copy: Located, policy: ArchivePolicy | undefined): string {
  const expected = expectedKind(source, policy);
  const where = copy.mailbox.kind === "archive" ? "the target archive" : "the target primary mailbox";
  const head = `copy is in ${where} at ${label(copy.mailbox.kind, copy.path)} but belongs in ${label(expected, source.path)}`;
  if (source.mailbox.kind === "archive") return `${head}: the item is in the source archive`;
  if (!policy) return `${head}: the item is in the source primary mailbox`;
  const received = new Date(source.item.receivedMs).toISOString();
  const cutoff = new Date(policy.cutoffMs).toISOString();
  const relation = expected === "archive" ? "before" : "not before";
  return `${head}: received ${received}, ${relation} the ${policy.months}-month archive cutoff ${cutoff}`;
}

function emptyReport(sourceUpn: string, targetUpn: string): InspectionReport {
  return {
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
}

/** Files every source item, and every target item that copies none of them, into the report. */
function compareItems(
  sources: readonly Located[],
  targets: readonly Located[],
  policy: ArchivePolicy | undefined,
  maxItemBytes: number,
  report: InspectionReport,
): void {
  const wanted = new Set(sources.map(sourceKey));
  const copiesBySource = new Map<string, Located[]>();
  for (const copy of targets) {
    const key = copy.item.origin ? originKey(copy.item.origin) : undefined;
    if (key === undefined || !wanted.has(key)) {
      report.extra.push({
        folderPath: label(copy.mailbox.kind, copy.path),
        targetItemIds: [copy.item.id],
        reason: copy.item.origin
          ? "not a copy of a current item of the source mailbox"
          : "not imported from any source",
      });
      continue;
    }
    copiesBySource.set(key, [...(copiesBySource.get(key) ?? []), copy]);
  }

  for (const source of sources) {
    const { item, path } = source;
    const expected = expectedKind(source, policy);
    const entry: InspectionEntry = {
      folderPath: label(source.mailbox.kind, path),
      sourceItemId: item.id,
      ...(expected !== source.mailbox.kind ? { expectedIn: label(expected, path) } : {}),
    };
    const copies = copiesBySource.get(sourceKey(source)) ?? [];
    if (copies.length === 0) {
      (isUnmovable(item, maxItemBytes) ? report.unmovable : report.missing).push(entry);
      continue;
    }
    const targetItemIds = copies.map((copy) => copy.item.id);
    if (copies.length > 1) report.duplicated.push({ ...entry, targetItemIds });
    const wrongMailbox = copies.find((copy) => copy.mailbox.kind !== expected);
    const wrongFolder = copies.find((copy) => copy.key !== source.key);
    const stale = copies.find((copy) => copy.item.origin?.version !== item.version);
    let reason: string | undefined;
    if (wrongMailbox) reason = wrongMailboxReason(source, wrongMailbox, policy);
    else if (wrongFolder) reason = `copy is in ${label(wrongFolder.mailbox.kind, wrongFolder.path)}`;
    else if (stale) {
      reason = `copy is of version ${stale.item.origin?.version ?? "?"}, the source is at version ${item.version}`;
    }
    if (reason !== undefined) report.altered.push({ ...entry, targetItemIds, reason });
  }
}

/** Compares `sourceUpn`'s mailbox (and archive, if asked) with `targetUpn`'s. */
export function inspectMigration(
  state: SimulatorState,
  sourceUpn: string,
  targetUpn: string,
  options: InspectOptions = {},
): InspectionReport {
  const policy = resolveArchivePolicy(options);
  const source = findUserAnywhere(state, sourceUpn);
  const target = findUserAnywhere(state, targetUpn);
  if (!source) throw new SimulatorInputError(`no user ${sourceUpn} in either tenant`);
  if (!target) throw new SimulatorInputError(`no user ${targetUpn} in either tenant`);
  const sourcePrimary = source.tenant.mailboxes.get(source.user.primaryMailboxId ?? "");
  const targetPrimary = target.tenant.mailboxes.get(target.user.primaryMailboxId ?? "");
  if (!sourcePrimary) throw new SimulatorInputError(`${sourceUpn} has no mailbox`);
  if (!targetPrimary) throw new SimulatorInputError(`${targetUpn} has no mailbox`);
  const withArchive = options.includeArchive === true;
  const sourceArchive = withArchive
    ? source.tenant.mailboxes.get(source.user.archiveMailboxId ?? "")
    : undefined;
  const targetArchive = withArchive
    ? target.tenant.mailboxes.get(target.user.archiveMailboxId ?? "")
    : undefined;
  const { maxItemBytes } = state.limits;
  const report = emptyReport(sourceUpn, targetUpn);
  const sources = locate([sourcePrimary, sourceArchive], source.tenant.mailboxes);
  // The target archive is compared when something belongs there: the source archive or the policy.
  const archiveCompared = sourceArchive !== undefined || policy !== undefined;

  // The primary tree must equal the source's. The archive tree must hold the source archive's
  // paths, and may hold source primary paths when the policy archives items from them.
  const primaryPaths = pathsOf(sourcePrimary);
  report.folderMismatches.push(...compareFolders(primaryPaths, primaryPaths, pathsOf(targetPrimary), ""));
  let folders = primaryPaths.size;
  if (archiveCompared && targetArchive) {
    const required = pathsOf(sourceArchive);
    const allowed = policy ? new Map([...primaryPaths, ...required]) : required;
    report.folderMismatches.push(
      ...compareFolders(required, allowed, pathsOf(targetArchive), ARCHIVE_PREFIX),
    );
    folders += required.size;
  } else if (
    archiveCompared &&
    sources.some((s) => expectedKind(s, policy) === "archive" && !isUnmovable(s.item, maxItemBytes))
  ) {
    report.folderMismatches.push({ path: ARCHIVE_PREFIX, problem: "missingInTarget" });
  }

  const targets = locate(
    [targetPrimary, archiveCompared ? targetArchive : undefined],
    target.tenant.mailboxes,
  );
  compareItems(sources, targets, policy, maxItemBytes, report);
  const ok =
    report.missing.length === 0 &&
    report.duplicated.length === 0 &&
    report.extra.length === 0 &&
    report.altered.length === 0 &&
    report.folderMismatches.length === 0;
  return { ...report, ok, compared: { folders, items: sources.length } };
}
