/**
 * Imports whose outcome is not known: an intent recorded before an import that never got its
 * record (the process died in between), or an import whose answer was lost. Either way the copy
 * is looked for in the target folder, by the fingerprint an import keeps (creation time and
 * size), among the folder's items no other record accounts for.
 */
import type { FolderSide } from "./folders.js";
import type { ImportedItem, MailboxItem } from "../graph/port.js";
import { withTransientRetry } from "../graph/retry.js";
import {
  deleteCopy,
  fingerprintOf,
  fingerprintOfItem,
  type Destination,
  type SliceRequest,
} from "./slice.js";
import type { FolderCheckpoint, ItemRecord } from "./state/port.js";

/** Target item ids that recorded copies (not intents) account for. */
export function accountedCopies(records: Iterable<ItemRecord>): Set<string> {
  return new Set([...records].filter((record) => !record.pending).map((record) => record.targetItemId));
}

/** The target folder's items not already accounted for, by fingerprint. */
export async function unaccountedCopies(
  request: Pick<SliceRequest, "deadline">,
  where: { readonly side: FolderSide; readonly folderId: string },
  accountedFor: ReadonlySet<string>,
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
      if (accountedFor.has(item.id)) continue;
      const key = fingerprintOfItem(item);
      candidates.set(key, [...(candidates.get(key) ?? []), item]);
    }
    cursor = page.nextLink;
  } while (cursor);
  return candidates;
}

/**
 * Settles intents left by a slice that died mid-import: an item whose copy is in the target
 * folder (same fingerprint, not accounted for by another item of the page) is recorded as copied,
 * and the old copy it replaces (a moved item) deleted; the others are imported as if new. Only
 * pages with pending intents pay for the folder listing.
 */
export async function settleIntents(
  request: SliceRequest,
  folder: FolderCheckpoint,
  known: Map<string, ItemRecord>,
  folders: ReadonlyMap<string, FolderCheckpoint>,
): Promise<void> {
  const { state, key } = request;
  const accountedFor = accountedCopies(known.values());
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
      copies = await unaccountedCopies(request, { side, folderId }, accountedFor);
      copiesIn.set(cacheKey, copies);
    }
    return copies;
  };
  for (const [sourceItemId, record] of known) {
    if (!record.pending) continue;
    const match = (await candidatesFor(record))?.get(fingerprintOf(record))?.shift();
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
export async function findCopy(
  request: SliceRequest,
  destination: Destination,
  item: MailboxItem,
  accountedFor: ReadonlySet<string>,
): Promise<ImportedItem | undefined> {
  const candidates = await unaccountedCopies(request, destination, accountedFor);
  const match = candidates.get(fingerprintOfItem(item))?.[0];
  if (!match) return undefined;
  request.logger.info("an unanswered import had happened; recorded its copy", { mailboxKey: request.key });
  return { itemId: match.id, ...(match.changeKey ? { changeKey: match.changeKey } : {}) };
}
