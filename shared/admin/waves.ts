/**
 * Operators steering a wave: pause (no more releases; accounts in flight finish), resume, cancel,
 * and complete: allow the final cutover now or from a given time (the wave's `completeAfter`).
 * Every change is recorded, including refused ones.
 */
import type { Wave, WaveStatus } from "../domain/index.js";
import { recordAction, type Operator } from "./actions/record.js";
import { WaveClosedError } from "./errors.js";
import type { AdminPorts } from "./ports.js";
import type { WaveOperation, WaveOperationBody } from "./requests.js";

const STATUS_FOR: Record<Exclude<WaveOperation, "complete">, WaveStatus> = {
  pause: "Paused",
  resume: "Active",
  cancel: "Cancelled",
};

export interface WaveChange {
  readonly wave: Wave;
  readonly actionId: string;
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
      const now = ports.now();
      let wave: Wave;
      if (operation === "complete") {
        const current = await ports.store.waves.get(waveId);
        if (current.status === "Completed" || current.status === "Cancelled") {
          throw new WaveClosedError(waveId, current.status, "complete");
        }
        const completeAfter = body.at === undefined ? now.toISOString() : new Date(body.at).toISOString();
        wave = await ports.store.waves.update(waveId, current.etag, { completeAfter }, now);
      } else {
        wave = await ports.store.waves.updateStatus(waveId, STATUS_FOR[operation], now);
      }
      progress.count = 1;
      return wave;
    },
    () => ({ outcome: "completed" }),
  );
  return { wave: result, actionId };
}
