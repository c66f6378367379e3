/**
 * A crash of the host mid-wave loses nothing and duplicates nothing: no user ever gets a second
 * move request. Once the host process is killed while moves are being submitted, and once the host
 * "dies" right after Exchange took a user but before mailferry recorded it (the redelivered message
 * finds the user in its batch and records it, instead of submitting it again).
 */
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { dailyWindow } from "../../local/demo/hybrid.js";
import { startHostProcess as startHost } from "../../local/drill/crash.js";
import type { HybridExchange } from "../../shared/exchange/port.js";
import type { Services } from "../../shared/runtime/services.js";
import { type HybridStack, startHybridStack, startHybridWave, waitForSettled } from "./hybrid-support.js";

async function expectEachMovedOnce(hybrid: HybridStack, waveId: string, total: number): Promise<void> {
  const { store, exchange } = hybrid;
  await waitForSettled(store, waveId, total, 150_000);
  const counts = await store.counters.waveCounts(waveId);
  expect(counts.byStatus.Completed + counts.byStatus.CompletedWithWarnings).toBe(total);
  const creations = exchange.counters().moveCreations;
  for (const account of exchange.inventory()) {
    expect(creations[account.upn], account.upn).toBe(1);
    expect(exchange.inspect(account.upn, "PrimaryAndArchive").problems, account.upn).toEqual([]);
    const history = await store.accounts.history(account.upn);
    // One audited step per status: nothing recorded twice.
    expect(new Set(history.map((record) => record.to)).size).toBe(history.length);
  }
}

describe("a host that crashes mid-wave", () => {
  it(
    "killed while submitting: a new host finishes the wave, each user moved once",
    { timeout: 240_000 },
    async () => {
      // The emulators run here; the functions in a child process that is killed.
      const hybrid = await startHybridStack(
        { organisation: { mailboxes: 12, seed: 13, archiveRate: 0.3 }, faults: { latencyMs: 120 } },
        { host: false },
      );
      let host: ChildProcess | undefined;
      try {
        const total = await startHybridWave(
          hybrid,
          {
            waveId: "killed",
            windows: [dailyWindow("00:00", "24:00", 100)],
            settings: { cutoverUnsynced: true },
          },
          new Date(),
        );
        host = await startHost(hybrid.stack.settings);
        // Kill it once Exchange has some of the users, while others are being submitted.
        const started = Date.now();
        while (hybrid.exchange.moves().length === 0 && Date.now() - started < 60_000)
          await new Promise((resolve) => setTimeout(resolve, 10));
        host.kill("SIGKILL");
        await new Promise((resolve) => host?.once("exit", resolve));
        expect(hybrid.exchange.moves().length).toBeLessThan(total);
        host = await startHost(hybrid.stack.settings);
        await expectEachMovedOnce(hybrid, "killed", total);
      } finally {
        host?.kill("SIGTERM");
        await hybrid.stack.close();
      }
    },
  );

  it(
    "dead right after Exchange took a user: the redelivery records it and submits nothing again",
    { timeout: 180_000 },
    async () => {
      let lost = 0;
      const decorate = (services: Services): Services => {
        const exchange = services.exchange;
        if (exchange === undefined) return services;
        const crashing: HybridExchange = Object.create(exchange) as HybridExchange;
        crashing.addToBatch = async (request) => {
          const outcome = await exchange.addToBatch(request);
          // The first users: the process "dies" after Exchange answered, before anything is recorded.
          if (lost < 6) {
            lost += 1;
            throw new Error("crashed after Exchange took the user");
          }
          return outcome;
        };
        return { ...services, exchange: crashing };
      };
      const hybrid = await startHybridStack(
        { organisation: { mailboxes: 10, seed: 14, archiveRate: 0.3 } },
        { decorateServices: decorate },
      );
      try {
        const total = await startHybridWave(
          hybrid,
          {
            waveId: "lost",
            windows: [dailyWindow("00:00", "24:00", 100)],
            settings: { cutoverUnsynced: true },
          },
          new Date(),
        );
        await expectEachMovedOnce(hybrid, "lost", total);
        expect(lost).toBe(6);
      } finally {
        await hybrid.stack.close();
      }
    },
  );
});
