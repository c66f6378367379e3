/**
 * Items the slice does not copy: those over the size limit, skipped before export, and those the
 * source or the target refused, recorded as bad. Each is recorded with the slice's time and
 * counted in the page's tally.
 */
import { asError } from "../errors.js";
import { ItemRejectedError, ThrottledError } from "../graph/errors.js";
import type { ItemDetails, MailboxItem } from "../graph/port.js";
import { fingerprintOf, type PageTally, type SliceRequest } from "./slice.js";
import type { FolderCheckpoint } from "./state/port.js";

/** Records an item over the wave's size limit as skipped; false when it is within the limit. */
export async function skipIfLarge(
  request: SliceRequest,
  folder: FolderCheckpoint,
  item: MailboxItem,
  tally: PageTally,
): Promise<boolean> {
  if ((item.size ?? 0) <= request.largeItemBytes) return false;
  await request.state.putBadItem(request.key, {
    sourceItemId: item.id,
    folderPath: folder.path,
    sizeBytes: item.size ?? 0,
    kind: "large",
    code: "ItemTooLarge",
    at: request.now().toISOString(),
    ...(await badItemDetails(request, folder, item)),
  });
  tally.progress.largeItemsSkipped += 1;
  tally.badItemsOnPage += 1;
  return true;
}

/** Records an item the source would not export or the target would not import. */
export async function recordBadItem(
  request: SliceRequest,
  folder: FolderCheckpoint,
  item: MailboxItem,
  code: string,
  tally: PageTally,
): Promise<void> {
  await request.state.putBadItem(request.key, {
    sourceItemId: item.id,
    folderPath: folder.path,
    sizeBytes: item.size ?? 0,
    kind: "failed",
    code,
    at: request.now().toISOString(),
    ...(await badItemDetails(request, folder, item)),
  });
  // An intent for an import that was refused must not send a later slice looking for a copy. A
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
  tally.progress.badItems += 1;
  tally.badItemsOnPage += 1;
}

/** Item-level rejections become bad items; throttling and other failures end the slice. */
export async function settleImports(
  request: SliceRequest,
  folder: FolderCheckpoint,
  results: readonly PromiseSettledResult<void>[],
  itemsByResult: readonly (MailboxItem | undefined)[],
  tally: PageTally,
): Promise<void> {
  let throttled: ThrottledError | undefined;
  let fatal: Error | undefined;
  for (const [index, result] of results.entries()) {
    if (result.status === "fulfilled") continue;
    const error: unknown = result.reason;
    if (error instanceof ItemRejectedError) {
      const item = itemsByResult[index];
      if (item) await recordBadItem(request, folder, item, error.code, tally);
    } else if (error instanceof ThrottledError) {
      if (!throttled || error.retryAt > throttled.retryAt) throttled = error;
    } else {
      fatal ??= asError(error);
    }
  }
  if (throttled) throw throttled;
  if (fatal) throw fatal;
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
