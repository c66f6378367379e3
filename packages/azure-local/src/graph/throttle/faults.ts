/**
 * Fault injection by rate and added latency. Each request draws once from a seeded generator, so a
 * run with the same seed and the same number of requests sees the same number of each fault.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { MEGABYTE, type FaultOptions, type LatencyOptions } from "../options.js";
import { Random } from "../random.js";

export type Fault = "status500" | "status503" | "status504" | "reset" | "lostResponse" | "slow";

export class FaultInjector {
  private readonly rng: Random;

  constructor(
    seed: number,
    public options: FaultOptions,
  ) {
    this.rng = new Random(seed).fork("faults");
  }

  /** The fault this request suffers, if any. */
  draw(): Fault | undefined {
    const { status500Rate, status503Rate, status504Rate, resetRate, slowRate } = this.options;
    const lostResponseRate = this.options.lostResponseRate ?? 0;
    if (status500Rate + status503Rate + status504Rate + resetRate + lostResponseRate + slowRate === 0)
      return undefined;
    let roll = this.rng.next();
    const table: readonly (readonly [Fault, number])[] = [
      ["status500", status500Rate],
      ["status503", status503Rate],
      ["status504", status504Rate],
      ["reset", resetRate],
      ["lostResponse", lostResponseRate],
      ["slow", slowRate],
    ];
    for (const [fault, rate] of table) {
      if (roll < rate) return fault;
      roll -= rate;
    }
    return undefined;
  }
}

/** Waits the latency for moving `bytes` (0 bytes: the fixed per-request part only when asked). */
export async function waitLatency(
  latency: LatencyOptions,
  bytes: number,
  includeFixed: boolean,
): Promise<void> {
  const ms = (includeFixed ? latency.perRequestMs : 0) + (latency.perMegabyteMs * bytes) / MEGABYTE;
  if (ms >= 1) await sleep(Math.round(ms));
}
