/**
 * Instances that die mid-wave, with the pipeline's default lease, slice and requeue settings:
 * every account they held is taken up again by its redelivered message or by the scheduler's
 * next run, never left for the lease to lapse or the sweeper's requeue (minutes away), and the
 * migration ends with nothing lost and nothing copied twice. bench/crash-recovery.ts measures the
 * recovery times over more kills.
 */
import { describe, expect, it } from "vitest";
import { runCrashDrill } from "../../local/drill/crash.js";
import { readPipelineSettings } from "../../shared/config/index.js";
import { problems } from "./support.js";

describe("Functions instances that die mid-wave", () => {
  it(
    "lose nothing and copy nothing twice, and recovery waits for no lease and no sweeper",
    { timeout: 420_000 },
    async () => {
      const defaults = readPipelineSettings({});
      const result = await runCrashDrill({
        kills: 3,
        // Latency stretches each copy so that the kills land while items are being copied.
        graph: {
          mailboxes: 6,
          itemsPerMailbox: 80,
          seed: 3,
          latency: { perRequestMs: 25 },
          scaleWindows: 0.01,
        },
        settings: {
          MAILFERRY_GRAPH_WINDOW_SCALE: "0.01",
          // One scheduler run every five seconds instead of every minute keeps the test short.
          MAILFERRY_SCHEDULER_SCHEDULE: "*/5 * * * * *",
        },
        inFlightCap: 3,
        killAfterMs: 1_500,
        // Less than the default lease: an account left for its lease to lapse fails the drill.
        timeoutMs: defaults.leaseMs - 60_000,
      });
      expect(result.kills).toBe(3);
      expect(result.waitsMs.length).toBeGreaterThan(0);
      expect(problems(result.verification)).toEqual([]);
      expect(
        result.verification.verdicts.every((verdict) => verdict.duplicated === 0 && verdict.extra === 0),
      ).toBe(true);
    },
  );
});
