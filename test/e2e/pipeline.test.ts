import { describe, expect, it } from "vitest";
import { startSmallStack, migrateAll, problems } from "./support.js";
import { services } from "../../functions/services.js";
import type { Services } from "../../shared/runtime/services.js";
import { verifyMigration } from "../../local/demo/verify.js";
import type { MoveMessage } from "../../shared/bus/messages.js";
import { MOVES_QUEUE } from "../../shared/bus/topology.js";

describe("pipeline end to end", () => {
  it("migrates a small tenant: healthy accounts complete, planted trouble ends as the seed says", async () => {
    const stack = await startSmallStack({ mailboxes: 10, itemsPerMailbox: 20, seed: 7 });
    try {
      const verification = await migrateAll(stack);
      expect(problems(verification)).toEqual([]);
      const expectations = new Set(verification.verdicts.map((verdict) => verdict.expectation));
      // The seed planted failures and bad items as well as healthy accounts.
      expect(expectations.has("ok")).toBe(true);
      expect(verification.verdicts.some((verdict) => verdict.status === "Failed")).toBe(true);
      expect(verification.verdicts.some((verdict) => verdict.status === "CompletedWithWarnings")).toBe(true);
      expect(
        verification.verdicts.filter((verdict) => verdict.status === "Completed").every((v) => v.items > 0),
      ).toBe(true);
      expect(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter).toBe(0);
    } finally {
      await stack.close();
    }
  });

  it(
    "still verifies every account under a 10 % Graph fault rate and heavy throttling",
    { timeout: 240_000 },
    async () => {
      const stack = await startSmallStack(
        {
          mailboxes: 6,
          itemsPerMailbox: 30,
          seed: 11,
          // lostResponse: the import happens but its answer never arrives.
          faults: {
            status500Rate: 0.04,
            status503Rate: 0.03,
            status504Rate: 0.02,
            resetRate: 0.005,
            lostResponseRate: 0.005,
          },
          // A tenth of the published request budget: the simulator answers 429 often.
          limits: { requestsPerWindow: 1_000, concurrentRequests: 2 },
        },
        // A lease barely longer than a slice: the mover must renew it as pages go by.
        { settings: { MAILFERRY_SLICE_SECONDS: "3", MAILFERRY_LEASE_SECONDS: "4" } },
      );
      try {
        const verification = await migrateAll(stack, "faulty", 180_000);
        expect(problems(verification)).toEqual([]);
        const counters = stack.graph?.counters();
        expect(counters?.totals.throttled ?? 0).toBeGreaterThan(0);
        expect(verification.verdicts.every((verdict) => verdict.duplicated === 0)).toBe(true);
      } finally {
        await stack.close();
      }
    },
  );

  it("imports nothing twice when answers to imports that did happen are lost", async () => {
    const stack = await startSmallStack({
      mailboxes: 6,
      itemsPerMailbox: 30,
      seed: 11,
      faults: { lostResponseRate: 0.05 },
    });
    try {
      const verification = await migrateAll(stack, "lost");
      expect(problems(verification)).toEqual([]);
      // The fault did strike: some requests were carried out and their answers dropped.
      const faults = stack.graph?.counters().totals.faults ?? 0;
      expect(faults).toBeGreaterThan(0);
    } finally {
      await stack.close();
    }
  });

  it("absorbs every message delivered twice, during the run and again after it", async () => {
    const duplicate = (built: Services): Services => ({
      ...built,
      moves: {
        send: async (messages: readonly MoveMessage[]) => {
          await built.moves.send(messages);
          // The same slices again under other MessageIds (a re-send number), so the broker cannot
          // drop them and the mover sees the very same slice twice.
          await built.moves.send(
            messages.map((message) => ({ ...message, resend: (message.resend ?? 0) + 1000 })),
          );
        },
        schedule: (message, at) => built.moves.schedule(message, at),
        close: () => built.moves.close(),
      },
    });
    const stack = await startSmallStack(
      { mailboxes: 6, itemsPerMailbox: 20, seed: 5 },
      { decorateServices: duplicate },
    );
    try {
      const verification = await migrateAll(stack, "twice");
      expect(problems(verification)).toEqual([]);
      expect(verification.verdicts.every((verdict) => verdict.duplicated === 0 && verdict.extra === 0)).toBe(
        true,
      );
      // Late copies of every slice each account ran, long after it finished: the initial copy's
      // (round 0) and the cutover's (the account's last round); a finished pass's slice is the one
      // after the last recorded.
      const { store, moves } = await services();
      const late: MoveMessage[] = [];
      for (const verdict of verification.verdicts) {
        const account = await store.accounts.get(verdict.accountId);
        for (let slice = 1; slice <= account.slice + 1; slice += 1) {
          for (const [pass, round] of [
            ["initial", 0],
            ["cutover", account.round],
          ] as const) {
            late.push({
              v: 1,
              waveId: "twice",
              accountId: account.id,
              attempt: account.attempt,
              slice,
              pass,
              round,
              resend: 7,
            });
          }
        }
      }
      expect(late.length).toBeGreaterThan(0);
      await moves.send(late);
      const started = Date.now();
      const pending = (): number => {
        const stats = stack.serviceBus.queueStats(MOVES_QUEUE.name);
        return stats.active + stats.locked;
      };
      while (pending() > 0) {
        if (Date.now() - started > 30_000) throw new Error("late duplicates were not consumed");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const graph = stack.graph;
      if (!graph) throw new Error("no simulator");
      const again = await verifyMigration(store, graph, graph.inventory());
      expect(problems(again)).toEqual([]);
      expect(again.verdicts.map((verdict) => [verdict.status, verdict.items])).toEqual(
        verification.verdicts.map((verdict) => [verdict.status, verdict.items]),
      );
    } finally {
      await stack.close();
    }
  });
});
