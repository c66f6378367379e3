/**
 * The engine following the source's folder tree between passes, against the Graph simulator: a
 * folder deleted to Deleted Items and created again under its old name, then Deleted Items
 * emptied. Each copy must stay with its own source folder, and nothing may be lost.
 */
import { describe, expect, it } from "vitest";
import { runTransferSlice } from "../../../shared/transfer/engine.js";
import { mailboxPair, useTransferHarness } from "./harness.js";

describe("following the source's folder tree", () => {
  const harness = useTransferHarness({ mailboxes: 2, itemsPerMailbox: 8, seed: 13 });

  it("keeps a re-created folder apart from the deleted one, and loses nothing when that is emptied", async () => {
    const { graph } = harness();
    const [entry] = graph.inventory();
    if (!entry) throw new Error("no account");
    const upn = entry.sourceUpn;
    const pair = await mailboxPair(harness(), entry);
    const pass = async (round: number): Promise<void> => {
      const slice = () =>
        runTransferSlice(pair.request(Date.now() + 30_000, { round, mirrorDeletions: true }));
      let outcome = await slice();
      while (outcome.kind !== "done") outcome = await slice();
    };
    graph.mutate.addFolder(upn, "", "Receipts");
    graph.mutate.addItem(upn, "Receipts", { subject: "old receipt" });
    await pass(0);
    expect(graph.inspect(upn, entry.targetUpn).ok).toBe(true);

    graph.mutate.moveFolder(upn, "Receipts", "Deleted Items");
    graph.mutate.addFolder(upn, "", "Receipts");
    graph.mutate.addItem(upn, "Receipts", { subject: "new receipt" });
    await pass(1);
    const moved = graph.inspect(upn, entry.targetUpn);
    expect({ ok: moved.ok, folders: moved.folderMismatches, altered: moved.altered }).toEqual({
      ok: true,
      folders: [],
      altered: [],
    });

    graph.mutate.deleteFolder(upn, "Deleted Items/Receipts");
    await pass(2);
    const emptied = graph.inspect(upn, entry.targetUpn);
    expect({ ok: emptied.ok, missing: emptied.missing, extra: emptied.extra }).toEqual({
      ok: true,
      missing: [],
      extra: [],
    });
  });
});
