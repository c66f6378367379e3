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
    expect(first.progress.largeItemsSkipped).toBe(1);
    expect(first.badItemsSeen).toBe(true);
    expect(await large.state.listBadItems(withLarge.sourceUpn)).toHaveLength(1);
    // The next pass meets no new bad item, yet the folder's checkpoint still tells of the old one.
    const second = await pass(request(large, 1));
    expect(second.progress.largeItemsSkipped).toBe(0);
    expect(second.badItemsSeen).toBe(true);

    expect((await pass(request(plain, 0))).badItemsSeen).toBe(false);
    expect((await pass(request(plain, 1))).badItemsSeen).toBe(false);
  });

  it("name the folder, subject, sender, received date and size, and leave the subject out when told", async () => {
    const { graph } = harness();
    const [withLarge, other] = graph.inventory();
    if (!withLarge || !other) throw new Error("two accounts expected");
    const received = "2024-05-06T07:08:09.000Z";
    for (const entry of [withLarge, other])
      graph.mutate.addItem(entry.sourceUpn, "Inbox", {
        size: LARGE_ITEM_BYTES + 2_000,
        subject: "Quarterly figures",
        receivedDateTime: received,
      });
    const named = await mailboxPair(harness(), withLarge);
    await pass(() =>
      named.request(Date.now() + 30_000, {
        largeItemBytes: LARGE_ITEM_BYTES,
        badItemDetails: { subject: true },
      }),
    );
    const record = (await named.state.listBadItems(withLarge.sourceUpn)).find(
      (item) => item.sizeBytes === LARGE_ITEM_BYTES + 2_000,
    );
    expect(record).toMatchObject({
      folderPath: "Inbox",
      sizeBytes: LARGE_ITEM_BYTES + 2_000,
      kind: "large",
      subject: "Quarterly figures",
      receivedDateTime: received,
    });
    expect(record?.sender).toMatch(/^[^@\s]+@[^@\s]+$/);

    const unnamed = await mailboxPair(harness(), other);
    await pass(() =>
      unnamed.request(Date.now() + 30_000, {
        largeItemBytes: LARGE_ITEM_BYTES,
        badItemDetails: { subject: false },
      }),
    );
    const kept = (await unnamed.state.listBadItems(other.sourceUpn)).find(
      (item) => item.sizeBytes === LARGE_ITEM_BYTES + 2_000,
    );
    expect(kept).toMatchObject({ folderPath: "Inbox", receivedDateTime: received });
    expect(kept?.sender).toBeDefined();
    expect(kept).not.toHaveProperty("subject");
  });
});
