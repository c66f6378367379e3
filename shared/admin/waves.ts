/**
 * Operators steering a wave: pause (no more releases; accounts in flight finish), resume, cancel,
 * and complete, which works like Exchange's CompleteAfter: without a time it is "complete now"
 * (the wave's `completeNow`: every synced account is cut over at once, window or not); with a
 * time it is "complete after" (the wave's `completeAfter`: no cutover before it); each replaces the
 * other. Every change is
 * recorded, including refused ones.
 */
import type { Wave, WavePatch, WaveStatus } from "../domain/index.js";
import { isConflict } from "../store/errors.js";
import { recordAction, type Operator } from "./actions/record.js";
import { completeHybridWave } from "./hybrid.js";
import { WaveClosedError } from "./errors.js";
import type { AdminPorts } from "./ports.js";
import type { WaveOperation, WaveOperationBody } from "./requests.js";

const STATUS_FOR: Record<Exclude<WaveOperation, "complete">, WaveStatus> = {
  pause: "Paused",
  resume: "Active",
  cancel: "Cancelled",
};

/** Writes that collide with another writer are tried this often in all before the error is raised. */
const COMPLETE_TRIES = 2;

export interface WaveChange {
  readonly wave: Wave;
  readonly actionId: string;
}

/**
 * What complete writes: `completeAfter` = at when given, else `completeNow` = now. Each clears the
 * other, so the operator's latest word counts ("after Saturday" takes back an earlier "now").
 */
export function completionPatch(at: string | undefined, now: Date): WavePatch {
  return at === undefined
    ? { completeNow: now.toISOString(), completeAfter: null }
    : { completeAfter: new Date(at).toISOString(), completeNow: null };
}

async function completeWave(ports: AdminPorts, waveId: string, at: string | undefined): Promise<Wave> {
  for (let attempt = 1; ; attempt++) {
    const now = ports.now();
    const current = await ports.store.waves.get(waveId);
    if (current.status === "Completed" || current.status === "Cancelled") {
      throw new WaveClosedError(waveId, current.status, "complete");
    }
    try {
      return await ports.store.waves.update(waveId, current.etag, completionPatch(at, now), now);
    } catch (error) {
      // Someone changed the wave between the read and the write: read it again and decide again.
      if (!isConflict(error) || attempt >= COMPLETE_TRIES) throw error;
    }
  }
}

/** Applies a wave operation for an operator; `body.at` only matters to complete. */
export async function changeWave(
  ports: AdminPorts,
  waveId: string,
  operation: WaveOperation,
  body: WaveOperationBody,
  operator: Operator,
): Promise<WaveChange> {
  const { result, actionId } = await recordAction(
    ports,
    operator,
    {
      action: `wave.${operation}`,
      target: `wave ${waveId}`,
      filter: {
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.at !== undefined ? { at: body.at } : {}),
      },
    },
    async (progress) => {
      const wave =
        operation === "complete"
          ? await completeWave(ports, waveId, body.at)
          : await ports.store.waves.updateStatus(waveId, STATUS_FOR[operation], ports.now());
      progress.count = 1;
      // A hybrid wave's moves are completed by Exchange: their CompleteAfter there changes too.
      if (operation === "complete") await completeHybridWave(ports, wave);
      return wave;
    },
    (wave) => ({
      outcome: "completed",
      ...(operation === "complete"
        ? {
            detail:
              body.at === undefined
                ? `complete now from ${wave.completeNow ?? "-"}`
                : `complete after ${wave.completeAfter ?? "-"}`,
          }
        : {}),
    }),
  );
  return { wave: result, actionId };
}
