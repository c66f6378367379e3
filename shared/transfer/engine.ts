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
} from "./errors.js";
import { mapFolders, type FolderSide } from "./folders.js";
import type { ImportSession, MailboxItem } from "./mailbox-api.js";
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
}

const EXPORT_CHUNK = 20;

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
    const { folders, created } = await withTransientRetry(
      () => mapFolders(source, target, key, state, logger),
      request.deadline,
    );
    progress.foldersCreated += created;
    if (request.newPass) await startPass(folders, key, state);
    let session: ImportSession | undefined;
    const openSession = async (): Promise<ImportSession> => {
      try {
        session = await withTransientRetry(
          () => target.api.createImportSession(target.mailboxId, target.governor),
          request.deadline,
        );
        return session;
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
    };
    for (const folder of folders) {
      let current = folder;
      while (!current.passComplete) {
        if (Date.now() >= request.deadline) return { kind: "more", progress };
        const activeSession = session ?? (await openSession());
        current = await copyPage(request, current, activeSession, openSession, progress);
      }
    }
    return { kind: "done", progress };
  } catch (error) {
    if (error instanceof ThrottledError) {
      target.governor.pauseUntil(error.retryAt.getTime());
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
  session: ImportSession,
  renewSession: () => Promise<ImportSession>,
  progress: SliceProgress,
): Promise<FolderCheckpoint> {
  const { source, target, key, state } = request;
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
  );
  const known = await state.getItems(
    key,
    page.items.map((item) => item.id),
  );
  const todo: MailboxItem[] = [];
  for (const item of page.items) {
    const record = known.get(item.id);
    if (record && record.sourceVersion === versionOf(item)) continue;
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
  let currentSession = session;
  for (let start = 0; start < todo.length; start += EXPORT_CHUNK) {
    const chunk = todo.slice(start, start + EXPORT_CHUNK);
    const exported = await withTransientRetry(
      () =>
        source.api.exportItems(
          source.mailboxId,
          chunk.map((item) => item.id),
          source.governor,
        ),
      request.deadline,
    );
    const byId = new Map(chunk.map((item) => [item.id, item]));
    const results = await Promise.allSettled(
      exported.map(async (entry) => {
        const item = byId.get(entry.itemId);
        if (!item) return;
        if (entry.error || entry.data === undefined) {
          await recordBadItem(request, folder, item, entry.error?.code ?? "ExportFailed", progress);
          return;
        }
        const data = entry.data;
        const previous = known.get(item.id);
        const importOnce = (active: ImportSession): Promise<{ itemId: string; changeKey?: string }> =>
          withTransientRetry(
            () =>
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
              ),
            request.deadline,
          );
        let imported;
        try {
          imported = await importOnce(currentSession);
        } catch (error) {
          if (!(error instanceof ImportSessionExpiredError)) throw error;
          currentSession = await renewSession();
          imported = await importOnce(currentSession);
        }
        const record: ItemRecord = {
          sourceItemId: item.id,
          targetItemId: imported.itemId,
          ...(imported.changeKey ? { targetChangeKey: imported.changeKey } : {}),
          sourceVersion: versionOf(item),
          sizeBytes: item.size ?? Math.floor((data.length * 3) / 4),
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
  progress.badItems += 1;
}
