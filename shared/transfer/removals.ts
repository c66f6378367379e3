/**
 * The end of a pass: what the source reported gone is settled. A removed item whose creation time
 * and size another recorded item shares moved (with default ids a moved item comes back under a
 * new id): its old copy is deleted, whatever the mirroring. One without such a twin was deleted:
 * its copy is deleted when mirroring; otherwise the removal waits one more pass (a move's new
 * place may be read only then) and the copy stays.
 */
import {
  deleteCopy,
  fingerprintOf,
  pastDeadline,
  placeOf,
  type SliceProgress,
  type SliceRequest,
} from "./slice.js";
import type { FolderCheckpoint, PendingRemoval } from "./state/port.js";

/** Removals settled at once; the claim is renewed between chunks. */
const SETTLE_CHUNK = 50;

/** Settles the mailbox's recorded removals; false when the slice ran out of time first. */
export async function settleRemovals(
  request: SliceRequest,
  progress: SliceProgress,
  folders: ReadonlyMap<string, FolderCheckpoint>,
): Promise<boolean> {
  const { state, key } = request;
  const removals = await state.listRemovals(key);
  for (let start = 0; start < removals.length; start += SETTLE_CHUNK) {
    // Out of time: the next slice finds every folder done and goes on settling.
    if (pastDeadline(request)) return false;
    await request.heartbeat?.();
    const chunk = removals.slice(start, start + SETTLE_CHUNK);
    const records = await state.getItems(
      key,
      chunk.map((removal) => removal.sourceItemId),
    );
    const live = chunk.flatMap((removal) => {
      const record = records.get(removal.sourceItemId);
      return record && !record.pending && record.sourceFolderId === removal.sourceFolderId ? [record] : [];
    });
    const twins = live.length === 0 ? [] : await state.findByFingerprint(key, live.map(fingerprintOf));
    const settled: PendingRemoval[] = [];
    await Promise.all(
      chunk.map(async (removal) => {
        const record = records.get(removal.sourceItemId);
        // Gone from the map, still pending, or seen in another folder since (a move, done already).
        if (!record || record.pending || record.sourceFolderId !== removal.sourceFolderId) {
          settled.push(removal);
          return;
        }
        const moved = twins.some(
          (twin) =>
            twin.sourceItemId !== record.sourceItemId &&
            !twin.pending &&
            twin.targetItemId !== record.targetItemId &&
            fingerprintOf(twin) === fingerprintOf(record),
        );
        if (!moved && !request.mirrorDeletions) {
          // A deletion not mirrored: the copy stays. Held one pass in case it was a move after all.
          if ((removal.round ?? 0) < request.round) settled.push(removal);
          return;
        }
        const place = placeOf(record, folders);
        if (place) await deleteCopy(request, place);
        await state.deleteItem(key, record.sourceItemId, fingerprintOf(record));
        if (moved) progress.itemsMoved += 1;
        else progress.deletedInTarget += 1;
        settled.push(removal);
      }),
    );
    await state.deleteRemovals(key, settled);
  }
  return true;
}
