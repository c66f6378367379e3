/**
 * The scheduler (a timer, every minute): for each Active wave inside one of its windows, release
 * up to min(window capacity left, in-flight cap − in flight, adaptive rate) Pending accounts,
 * highest priority and oldest first. Each is marked Queued first and sent second, so a crash in
 * between leaves an account the sweeper re-sends, never one that is lost.
 */
import { summarise } from "../activity/port.js";
import type { MoveMessage } from "../bus/messages.js";
import { openWindow, type Wave } from "../domain/index.js";
import { ConcurrencyConflictError } from "../store/errors.js";
import type { Services } from "../runtime/services.js";
import { nextReleaseRate } from "./rate.js";

/** How far back the scheduler looks to judge the health of recent work. */
const HEALTH_WINDOW_MS = 5 * 60_000;
const RELEASE_PARALLELISM = 16;

export interface WaveRelease {
  readonly waveId: string;
  readonly released: number;
  readonly rate: number;
  readonly capacityLeft: number;
  readonly inFlight: number;
  /** Why nothing (more) was released, for operators. */
  readonly note?: string;
}

/** Runs one scheduler pass over every wave. */
export async function runScheduler(services: Services, actor: string): Promise<WaveRelease[]> {
  const now = services.now();
  const out: WaveRelease[] = [];
  for (const wave of await services.store.waves.list()) {
    if (wave.status !== "Active") continue;
    out.push(await releaseWave(services, wave, now, actor));
  }
  return out;
}

async function releaseWave(services: Services, wave: Wave, now: Date, actor: string): Promise<WaveRelease> {
  const window = openWindow(wave, now);
  const counts = await services.store.counters.waveCounts(wave.id);
  const inFlight = counts.byStatus.Queued + counts.byStatus.Syncing + counts.byStatus.Completing;
  if (!window) {
    return { waveId: wave.id, released: 0, rate: 0, capacityLeft: 0, inFlight, note: "no window open" };
  }
  const windowStart = window.start.toISOString();
  const ledger = await services.releases.get(wave.id, windowStart);
  const previousRate =
    ledger?.rate ?? (await services.releases.lastRate(wave.id)) ?? services.pipeline.releaseMin;
  const health = summarise(
    await services.activity.between(now.getTime() - HEALTH_WINDOW_MS, now.getTime() + 1, wave.id),
  );
  const rate = nextReleaseRate(
    previousRate,
    { total: health.requests + health.failed, unhealthy: health.throttled + health.failed },
    {
      min: services.pipeline.releaseMin,
      max: services.pipeline.releaseMax,
      step: services.pipeline.releaseStep,
      unhealthyShare: services.pipeline.unhealthyShare,
    },
  );
  const released = ledger?.released ?? 0;
  const capacityLeft = Math.max(0, window.window.capacity - released);
  const room = Math.max(0, wave.inFlightCap - inFlight);
  const wanted = Math.min(capacityLeft, room, rate);
  const sent = wanted > 0 ? await releasePending(services, wave, wanted, actor) : 0;
  await services.releases.put({
    waveId: wave.id,
    windowStart,
    released: released + sent,
    rate,
    ...(ledger?.etag ? { etag: ledger.etag } : {}),
  });
  const note =
    capacityLeft === 0
      ? "window capacity used"
      : room === 0
        ? "in-flight cap reached"
        : sent < wanted
          ? "no more Pending accounts"
          : undefined;
  services.logger.info("scheduler released accounts", {
    waveId: wave.id,
    released: sent,
    rate,
    capacityLeft,
    inFlight,
    note,
  });
  return { waveId: wave.id, released: sent, rate, capacityLeft, inFlight, ...(note ? { note } : {}) };
}

/** Marks up to `wanted` Pending accounts Queued, then sends their first slice. */
async function releasePending(
  services: Services,
  wave: Wave,
  wanted: number,
  actor: string,
): Promise<number> {
  const accounts = services.store.accounts;
  const messages: MoveMessage[] = [];
  let token: string | undefined;
  while (messages.length < wanted) {
    const page = await accounts.listByStatus(wave.id, "Pending", {
      limit: Math.min(1000, wanted - messages.length),
      ...(token ? { continuationToken: token } : {}),
    });
    for (let start = 0; start < page.items.length; start += RELEASE_PARALLELISM) {
      const batch = page.items.slice(start, start + RELEASE_PARALLELISM);
      const queued = await Promise.all(
        batch.map(async (account) => {
          try {
            return await accounts.transition(account.id, account.etag, "Queued", {
              reason: "released by the scheduler",
              actor,
              at: services.now(),
            });
          } catch (error) {
            // Someone else changed it (an operator, a concurrent release): skip it this time.
            if (error instanceof ConcurrencyConflictError) return undefined;
            throw error;
          }
        }),
      );
      // Sent batch by batch: a failure later in the run leaves few Queued accounts for the sweeper.
      const batchMessages: MoveMessage[] = [];
      for (const account of queued) {
        if (!account) continue;
        batchMessages.push({
          v: 1,
          waveId: wave.id,
          accountId: account.id,
          attempt: account.attempt,
          slice: account.slice + 1,
          pass: "initial",
          round: 0,
        });
      }
      if (batchMessages.length > 0) await services.moves.send(batchMessages);
      messages.push(...batchMessages);
    }
    token = page.continuationToken;
    if (!token || page.items.length === 0) break;
  }
  return messages.length;
}
