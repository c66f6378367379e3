/**
 * Incremental passes keep a pre-staged account current while it waits for its window: after the
 * source changes, the next scheduled pass brings the change over, and the account rests Synced
 * again, never cut over.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrestagingWave, importInventory, prestagedCount, waitForWave } from "../../local/demo/wave.js";
import type { EmbeddedStack } from "../../local/stack.js";
import { accountIdFromUpn } from "../../shared/domain/index.js";
import { services } from "../../functions/services.js";
import { startSmallStack } from "./support.js";

const WAVE = "kept-current";

describe("incremental passes before the window", () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startSmallStack({ mailboxes: 3, itemsPerMailbox: 10, seed: 5, plantTrouble: false });
  }, 60_000);

  afterAll(async () => {
    await stack.close();
  });

  it("copies what changed at the source on the wave's interval, and cuts nothing over", async () => {
    const graph = stack.graph;
    if (!graph) throw new Error("the stack has no Graph simulator");
    const { store } = await services();
    const inventory = graph.inventory();
    const [entry] = inventory;
    if (!entry) throw new Error("empty inventory");
    // A pass every three seconds, so the test sees a few.
    await createPrestagingWave(
      store,
      { waveId: WAVE, capacity: inventory.length, settings: { incrementalHours: 3 / 3600 } },
      new Date(),
    );
    await importInventory(store, WAVE, inventory, new Date());
    await waitForWave(store, WAVE, inventory.length, { timeoutMs: 60_000, reached: prestagedCount });
    expect(graph.inspect(entry.sourceUpn, entry.targetUpn).ok).toBe(true);

    const changedAt = Date.now();
    graph.mutate.addItem(entry.sourceUpn, "Inbox", { subject: "arrived after pre-staging" });
    expect(graph.inspect(entry.sourceUpn, entry.targetUpn).missing).toHaveLength(1);

    const id = accountIdFromUpn(entry.sourceUpn);
    const deadline = Date.now() + 60_000;
    let caughtUp = false;
    while (!caughtUp && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const history = await store.accounts.history(id);
      // A pass that started after the change and has finished.
      const started = history.findIndex(
        (record) => record.to === "Syncing" && record.from === "Synced" && Date.parse(record.at) > changedAt,
      );
      caughtUp = started >= 0 && history.slice(started).some((record) => record.to === "Synced");
    }
    expect(caughtUp).toBe(true);
    expect(graph.inspect(entry.sourceUpn, entry.targetUpn)).toMatchObject({
      ok: true,
      missing: [],
      duplicated: [],
    });
    const account = await store.accounts.get(id);
    expect(account.round).toBeGreaterThanOrEqual(1);
    const counts = await store.counters.waveCounts(WAVE);
    expect(counts.byStatus.Completing + counts.byStatus.Completed).toBe(0);
  }, 180_000);
});
