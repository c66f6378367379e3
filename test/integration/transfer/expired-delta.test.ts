/**
 * Outlook delta tokens expire (concepts/delta-query-overview.md: "Token duration" and
 * "Synchronization reset"): the service answers 410 Gone (syncStateNotFound) and the client must
 * read the folder again in full. The resync reuses the item map: nothing is imported twice, and
 * what was deleted or moved while the token was stale is still followed.
 */
import { describe, expect, it } from "vitest";
import { mailboxPair, untilDone, useTransferHarness } from "./harness.js";

describe("an expired delta link", () => {
  const harness = useTransferHarness({
    mailboxes: 3,
    itemsPerMailbox: 12,
    seed: 43,
    realism: { idsChangeOnMove: true },
  });

  it("resyncs the folder in full, importing only what is new and following deletions and moves", async () => {
    const { graph } = harness();
    const entry = graph.inventory()[0];
    if (!entry) throw new Error("no account");
    const upn = entry.sourceUpn;
    graph.mutate.addFolder(upn, "", "Kept");
    const doomed = graph.mutate.addItem(upn, "Inbox", { subject: "deleted while the token was stale" });
    const wanderer = graph.mutate.addItem(upn, "Inbox", { subject: "moved while the token was stale" });
    const changed = graph.mutate.addItem(upn, "Inbox", { subject: "changed while the token was stale" });
    const pair = await mailboxPair(harness(), entry);
    const pass = (round: number) =>
      untilDone(() => pair.request(Date.now() + 30_000, { round, mirrorDeletions: true }));
    const first = await pass(0);
    expect(first.progress.items).toBeGreaterThan(4);

    graph.mutate.deleteItem(upn, doomed);
    graph.mutate.moveItem(upn, wanderer, "Kept");
    graph.mutate.updateItem(upn, changed);
    graph.mutate.addItem(upn, "Inbox", { subject: "new while the token was stale" });
    graph.mutate.expireDeltaTokens();
    const second = await pass(1);

    // The new item and the moved one (a new id) are imported; the changed one is updated in place.
    expect(second.progress.items).toBe(2);
    expect(second.progress.itemsUpdated).toBe(1);
    const report = graph.inspect(upn, entry.targetUpn);
    expect({
      ok: report.ok,
      duplicated: report.duplicated,
      extra: report.extra,
      missing: report.missing,
    }).toEqual({
      ok: true,
      duplicated: [],
      extra: [],
      missing: [],
    });
    expect(graph.calls().refusedCount).toBe(0);
  });
});
