/**
 * Copies one mailbox into another in time-boxed slices through the Graph mailbox import/export
 * API: map folders, then per folder page the item delta, export in chunks of at most 20 and
 * import each item. Every imported item is recorded before the next page is taken, so a slice
 * that is cut short, retried or replayed never imports an item twice.
 */
import { asError } from "../errors.js";
import type { Logger } from "../telemetry/logger.js";
import {
  ImportSessionExpiredError,
  ItemRejectedError,
  PermanentTransferError,
  ThrottledError,
  TransientTransferError,
} from "./errors.js";
import { mapFolders, type FolderSide } from "./folders.js";
import type { ExportedItem, ImportedItem, ImportSession, MailboxItem } from "./mailbox-api.js";
import { withTransientRetry } from "./retry.js";
import type { FolderCheckpoint, ItemRecord, MailboxKey, TransferStateStore } from "./state/port.js";

export interface SliceProgress {
  foldersCreated: number;
  itemsCopied: number;
  itemsUpdated: number;
  bytesCopied: number;
  badItems: number;
  largeItems: number;
  removedAtSource: number;
}

export type SliceOutcome =
  | { readonly kind: "done"; readonly progress: SliceProgress }
  | { readonly kind: "more"; readonly progress: SliceProgress }
  | { readonly kind: "throttled"; readonly retryAt: Date; readonly progress: SliceProgress };

export interface SliceRequest {
  readonly source: FolderSide;
  readonly target: FolderSide;
  readonly key: MailboxKey;
  readonly state: TransferStateStore;
  /** Epoch ms after which no new page is started. */
  readonly deadline: number;
  /** Start a new incremental pass over folders whose last pass finished. */
  readonly newPass: boolean;
  /** Items larger than this are skipped and recorded. */
  readonly largeItemBytes: number;
  readonly pageSize?: number;
  readonly logger: Logger;
  /**
   * Called before each page: keeps the caller's claim on the account alive, and throws when the
   * claim was lost, which ends the slice before another worker's copy could overlap it.
   */
  readonly heartbeat?: () => Promise<void>;
}

const EXPORT_CHUNK = 20;
const FOLDER_PARALLELISM = 3;

/** The slice's import session, shared by its folders and renewed once when it expires. */
class ImportSessions {
  private current: Promise<ImportSession> | undefined;

  constructor(private readonly open: () => Promise<ImportSession>) {}

  get(): Promise<ImportSession> {
    this.current ??= this.open();
    return this.current;
  }

  async renew(stale: ImportSession): Promise<ImportSession> {
    const pending = this.get();
    if ((await pending) !== stale) return pending;
    // Only the first caller to see the stale session replaces it; the others share the new one.
    if (this.current === pending) this.current = this.open();
    return this.get();
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
  };
}

function versionOf(item: MailboxItem): string {
  return item.changeKey ?? item.lastModifiedDateTime ?? "";
}

/** Runs one slice of a mailbox transfer. */
export async function runTransferSlice(request: SliceRequest): Promise<SliceOutcome> {
  const progress = emptyProgress();
  const { source, target, key, state, logger } = request;
  try {
    const { folders, created } = await mapFolders(
      source,
      target,
      key,
      state,
      logger,
      request.newPass,
      request.deadline,
    );
    progress.foldersCreated += created;
    if (request.newPass) await startPass(folders, key, state);
    const sessions = new ImportSessions(async () => {
      try {
        return await withTransientRetry(
          () => target.api.createImportSession(target.mailboxId, target.governor),
          request.deadline,
          target.governor,
        );
      } catch (error) {
        if (error instanceof ItemRejectedError) {
          throw new PermanentTransferError(
            "ImportRefused",
            `the target refused an import session (${error.code})`,
            error.code,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    });
    const pending = folders.filter((folder) => !folder.passComplete);
    let next = 0;
    let outOfTime = false;
    let failed = false;
    // A few folders at once, so one folder's delta read or export overlaps another's imports.
    const worker = async (): Promise<void> => {
      while (next < pending.length && !failed) {
        let current = pending[next++];
        while (current && !current.passComplete) {
          if (failed) return;
          if (Date.now() >= request.deadline) {
            outOfTime = true;
            return;
          }
          if (current.cursor === undefined && current.sourceItemCount === 0) {
            // Never read and empty when listed: nothing to copy; the next pass reads it in full.
            current = { ...current, passComplete: true };
            await state.saveFolder(key, current);
            continue;
          }
          current = await copyPage(request, current, sessions, progress);
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
    const throttled = errors.find((error): error is ThrottledError => error instanceof ThrottledError);
    if (throttled) throw throttled;
    if (errors.length > 0) throw asError(errors[0]);
    return { kind: outOfTime ? "more" : "done", progress };
  } catch (error) {
    if (error instanceof ThrottledError) {
      return { kind: "throttled", retryAt: error.retryAt, progress };
    }
    throw error;
  }
}

async function startPass(
  folders: FolderCheckpoint[],
  key: MailboxKey,
  state: TransferStateStore,
): Promise<void> {
  for (let index = 0; index < folders.length; index += 1) {
    const folder = folders[index];
    if (folder?.passComplete) {
      const reopened = { ...folder, passComplete: false };
      await state.saveFolder(key, reopened);
      folders[index] = reopened;
    }
  }
}

/** Copies one delta page of a folder and returns the folder's new checkpoint (saved). */
async function copyPage(
  request: SliceRequest,
  folder: FolderCheckpoint,
  sessions: ImportSessions,
  progress: SliceProgress,
): Promise<FolderCheckpoint> {
  const { source, target, key, state } = request;
  await request.heartbeat?.();
  const page = await withTransientRetry(
    () =>
      source.api.itemDelta(
        source.mailboxId,
        folder.sourceFolderId,
        folder.cursor,
        request.pageSize ?? 100,
        source.governor,
      ),
    request.deadline,
    source.governor,
  );
  const known = await state.getItems(
    key,
    page.items.map((item) => item.id),
  );
  if ([...known.values()].some((record) => record.pending)) await reconcile(request, folder, known);
  // Target items already accounted for on this page; a lookup for a lost answer skips them.
  const claimed = new Set(
    [...known.values()].filter((record) => !record.pending).map((record) => record.targetItemId),
  );
  const todo: MailboxItem[] = [];
  for (const item of page.items) {
    const record = known.get(item.id);
    if (record && !record.pending && record.sourceVersion === versionOf(item)) continue;
    if ((item.size ?? 0) > request.largeItemBytes) {
      await state.putBadItem(key, {
        sourceItemId: item.id,
        folderPath: folder.path,
        sizeBytes: item.size ?? 0,
        kind: "large",
        code: "ItemTooLarge",
        at: new Date().toISOString(),
      });
      progress.largeItems += 1;
      continue;
    }
    todo.push(item);
  }
  const chunks: MailboxItem[][] = [];
  for (let start = 0; start < todo.length; start += EXPORT_CHUNK)
    chunks.push(todo.slice(start, start + EXPORT_CHUNK));
  const exportChunk = (chunk: readonly MailboxItem[]): Promise<ExportedItem[]> =>
    withTransientRetry(
      () =>
        source.api.exportItems(
          source.mailboxId,
          chunk.map((item) => item.id),
          source.governor,
        ),
      request.deadline,
      source.governor,
    );
  // The next chunk is exported while this one is imported: the two mailboxes have separate
  // budgets, so the target's imports never wait for the source's export.
  let prefetch: Promise<ExportedItem[]> | undefined = chunks[0] ? exportChunk(chunks[0]) : undefined;
  for (const [index, chunk] of chunks.entries()) {
    if (!prefetch) break;
    // Past the deadline no new chunk starts; the page is left unfinished and replayed next slice
    // (the item map skips what this one copied), so a slice cannot outlive its lease by much.
    if (index > 0 && Date.now() >= request.deadline) {
      prefetch.catch(() => undefined);
      return folder;
    }
    const current = prefetch;
    const following = chunks[index + 1];
    prefetch = following ? exportChunk(following) : undefined;
    // A prefetch abandoned by an error below must not surface as an unhandled rejection.
    prefetch?.catch(() => undefined);
    const exported = await current;
    const byId = new Map(chunk.map((item) => [item.id, item]));
    // Intents first: should this process die between an import and its record, the next
    // attempt finds the copy in the target instead of importing the item a second time.
    const intents: ItemRecord[] = [];
    for (const entry of exported) {
      const item = byId.get(entry.itemId);
      const record = item ? known.get(item.id) : undefined;
      if (!item || entry.error || entry.data === undefined || (record && !record.pending)) continue;
      intents.push({
        sourceItemId: item.id,
        targetItemId: "",
        pending: true,
        sourceVersion: versionOf(item),
        sizeBytes: item.size ?? 0,
        ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
      });
    }
    if (intents.length > 0) await state.putItems(key, intents);
    const results = await Promise.allSettled(
      exported.map(async (entry) => {
        const item = byId.get(entry.itemId);
        if (!item) return;
        if (entry.error || entry.data === undefined) {
          await recordBadItem(request, folder, item, entry.error?.code ?? "ExportFailed", progress);
          return;
        }
        const data = entry.data;
        const found = known.get(item.id);
        const previous = found && !found.pending ? found : undefined;
        const post = (active: ImportSession): Promise<ImportedItem> =>
          target.api.importItem(
            active,
            {
              folderId: folder.targetFolderId,
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
            target.governor,
          );
        const importOnce = (active: ImportSession): Promise<ImportedItem> =>
          withTransientRetry(
            async () => {
              try {
                return await post(active);
              } catch (error) {
                // No answer: the import may have happened. Look before posting it again.
                if (previous || !(error instanceof TransientTransferError) || error.status !== 0) throw error;
                const copy = await findCopy(request, folder, item, claimed);
                if (copy) return copy;
                throw error;
              }
            },
            request.deadline,
            target.governor,
          );
        const session = await sessions.get();
        let imported;
        try {
          imported = await importOnce(session);
        } catch (error) {
          if (!(error instanceof ImportSessionExpiredError)) throw error;
          imported = await importOnce(await sessions.renew(session));
        }
        claimed.add(imported.itemId);
        const record: ItemRecord = {
          sourceItemId: item.id,
          targetItemId: imported.itemId,
          ...(imported.changeKey ? { targetChangeKey: imported.changeKey } : {}),
          sourceVersion: versionOf(item),
          sizeBytes: item.size ?? Math.floor((data.length * 3) / 4),
          ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
        };
        await state.putItem(key, record);
        if (previous) progress.itemsUpdated += 1;
        else progress.itemsCopied += 1;
        progress.bytesCopied += record.sizeBytes;
      }),
    );
    await settle(
      results,
      request,
      folder,
      exported.map((entry) => byId.get(entry.itemId)),
      progress,
    );
  }
  progress.removedAtSource += page.removedIds.length;
  const next: FolderCheckpoint = {
    ...folder,
    ...(page.nextLink ? { cursor: page.nextLink } : page.deltaLink ? { cursor: page.deltaLink } : {}),
    passComplete: page.nextLink === undefined,
  };
  await state.saveFolder(key, next);
  return next;
}

/** What identifies an imported copy: the import keeps the item's creation time and size. */
function fingerprint(createdDateTime: string | undefined, size: number | undefined): string {
  return `${createdDateTime ?? ""}|${size ?? 0}`;
}

/** The target folder's items not already accounted for, by fingerprint. */
async function unclaimedCopies(
  request: SliceRequest,
  folder: FolderCheckpoint,
  claimed: ReadonlySet<string>,
): Promise<Map<string, MailboxItem[]>> {
  const { target } = request;
  const candidates = new Map<string, MailboxItem[]>();
  let cursor: string | undefined;
  do {
    const page = await withTransientRetry(
      () => target.api.itemDelta(target.mailboxId, folder.targetFolderId, cursor, 200, target.governor),
      request.deadline,
      target.governor,
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
 * folder (same fingerprint, not claimed by another item of the page) is recorded as copied; the
 * others are imported as if new. Only pages with pending intents pay for the folder listing.
 */
async function reconcile(
  request: SliceRequest,
  folder: FolderCheckpoint,
  known: Map<string, ItemRecord>,
): Promise<void> {
  const { state, key } = request;
  const claimed = new Set(
    [...known.values()].filter((record) => !record.pending).map((record) => record.targetItemId),
  );
  const candidates = await unclaimedCopies(request, folder, claimed);
  for (const [sourceItemId, record] of known) {
    if (!record.pending) continue;
    const match = candidates.get(fingerprint(record.createdDateTime, record.sizeBytes))?.shift();
    if (!match) continue;
    const settled: ItemRecord = {
      ...record,
      pending: false,
      targetItemId: match.id,
      ...(match.changeKey ? { targetChangeKey: match.changeKey } : {}),
    };
    await state.putItem(key, settled);
    known.set(sourceItemId, settled);
    request.logger.info("found the copy of an item whose import was interrupted", { mailboxKey: key });
  }
}

/** After an import went unanswered: its copy in the target folder, if the import did happen. */
async function findCopy(
  request: SliceRequest,
  folder: FolderCheckpoint,
  item: MailboxItem,
  claimed: ReadonlySet<string>,
): Promise<ImportedItem | undefined> {
  const candidates = await unclaimedCopies(request, folder, claimed);
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
): Promise<void> {
  let throttled: ThrottledError | undefined;
  let fatal: Error | undefined;
  for (const [index, result] of results.entries()) {
    if (result.status === "fulfilled") continue;
    const error: unknown = result.reason;
    if (error instanceof ItemRejectedError) {
      const item = itemsByResult[index];
      if (item) await recordBadItem(request, folder, item, error.code, progress);
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
): Promise<void> {
  await request.state.putBadItem(request.key, {
    sourceItemId: item.id,
    folderPath: folder.path,
    sizeBytes: item.size ?? 0,
    kind: "failed",
    code,
    at: new Date().toISOString(),
  });
  // An intent for an import that was refused must not send later attempts looking for a copy.
  const record = (await request.state.getItems(request.key, [item.id])).get(item.id);
  if (record?.pending) await request.state.deleteItem(request.key, item.id);
  progress.badItems += 1;
}
