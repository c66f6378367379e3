/** Hybrid moves that have been stalled in Exchange for a while, for the stalled-wave alert. */
import type { MigrationStore } from "../../store/port.js";
import { readHybridCheckpoint } from "./checkpoint.js";

export interface StalledMoves {
  readonly count: number;
  /** The most frequent StatusDetail among them, e.g. StalledDueToTarget_MdbAvailability. */
  readonly detail: string;
}

/** Syncing accounts of a wave whose move has been stalled for at least `forMs` at `now`. */
export async function stalledMoves(
  store: Pick<MigrationStore, "accounts">,
  waveId: string,
  now: Date,
  forMs: number,
): Promise<StalledMoves> {
  const details = new Map<string, number>();
  let count = 0;
  let token: string | undefined;
  do {
    const page = await store.accounts.scanByStatus(waveId, "Syncing", {
      limit: 1000,
      ...(token !== undefined ? { continuationToken: token } : {}),
    });
    for (const account of page.items) {
      const checkpoint = readHybridCheckpoint(account.checkpoint);
      if (checkpoint?.stalledSince === undefined) continue;
      if (now.getTime() - Date.parse(checkpoint.stalledSince) < forMs) continue;
      count += 1;
      const detail = checkpoint.statusDetail ?? "stalled";
      details.set(detail, (details.get(detail) ?? 0) + 1);
    }
    token = page.continuationToken;
  } while (token !== undefined);
  const [detail] = [...details.entries()].sort((a, b) => b[1] - a[1])[0] ?? ["stalled"];
  return { count, detail };
}
