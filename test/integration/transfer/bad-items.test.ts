/**
 * Whether a mailbox ever recorded a bad or too-large item, as the cutover learns it from the
 * folder checkpoints instead of listing the bad-item records of every mailbox.
 */
import { describe, expect, it } from "vitest";
import { runTransferSlice, type SliceOutcome } from "../../../shared/transfer/engine.js";
import type { SliceRequest } from "../../../shared/transfer/engine.js";
import { mailboxPair, useTransferHarness } from "./harness.js";

// Above every seeded item, so only the planted one is too large.
const LARGE_ITEM_BYTES = 30 * 1024 * 1024;

async function pass(request: () => SliceRequest): Promise<SliceOutcome & { kind: "done" }> {
  let outcome = await runTransferSlice(request());
  while (outcome.kind !== "done") outcome = await runTransferSlice(request());
  return outcome;
}

describe("bad items seen by a mailbox's folders", () => {
  const harness = useTransferHarness({ mailboxes: 2, itemsPerMailbox: 6, seed: 21 });

  it("are reported by every later pass once a folder recorded one, and never for a clean mailbox", async () => {
    const { graph } = harness();
    const [withLarge, clean] = graph.inventory();
    if (!withLarge || !clean) throw new Error("two accounts expected");
    graph.mutate.addItem(withLarge.sourceUpn, "Inbox", { size: LARGE_ITEM_BYTES + 1_000 });
    const large = await mailboxPair(harness(), withLarge);
    const plain = await mailboxPair(harness(), clean);
    const request = (pair: typeof large, round: number) => () =>
      pair.request(Date.now() + 30_000, { round, largeItemBytes: LARGE_ITEM_BYTES });

    const first = await pass(request(large, 0));
    expect(first.progress.largeItems).toBe(1);
    expect(first.badItemsSeen).toBe(true);
    expect(await large.state.listBadItems(withLarge.sourceUpn)).toHaveLength(1);
    // The next pass meets no new bad item, yet the folder's checkpoint still tells of the old one.
    const second = await pass(request(large, 1));
    expect(second.progress.largeItems).toBe(0);
    expect(second.badItemsSeen).toBe(true);

    expect((await pass(request(plain, 0))).badItemsSeen).toBe(false);
    expect((await pass(request(plain, 1))).badItemsSeen).toBe(false);
  });
});
