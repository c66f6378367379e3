/**
 * The engine following the source's folder tree between passes, against the Graph simulator: a
 * folder deleted to Deleted Items and created again under its old name, then Deleted Items
 * emptied. Each copy must stay with its own source folder, and nothing may be lost.
 */
import { describe, expect, it } from "vitest";
import { runTransferSlice } from "../../../shared/transfer/engine.js";
import { mailboxPair, useTransferHarness } from "./harness.js";

describe("following the source's folder tree", () => {
  const harness = useTransferHarness({ mailboxes: 3, itemsPerMailbox: 8, seed: 13 });

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

  it("keeps copying into a folder the target refuses to rename, instead of failing the account", async () => {
    const { graph } = harness();
    const entry = graph.inventory()[1];
    if (!entry) throw new Error("no second account");
    const pair = await mailboxPair(harness(), entry);
    const pass = async (round: number) => {
      const slice = () => runTransferSlice(pair.request(Date.now() + 30_000, { round }));
      let outcome = await slice();
      while (outcome.kind !== "done") outcome = await slice();
      return outcome;
    };
    graph.mutate.addFolder(entry.sourceUpn, "", "Projects");
    await pass(0);
    // Someone made a "Plans" folder in the target; the source then renames "Projects" to it.
    graph.mutate.addFolder(entry.targetUpn, "", "Plans");
    graph.mutate.renameFolder(entry.sourceUpn, "Projects", "Plans");
    graph.mutate.addItem(entry.sourceUpn, "Plans", { subject: "after the rename" });
    const outcome = await pass(1);
    expect(outcome.kind).toBe("done");
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect(report.missing).toEqual([]);
    expect(report.duplicated).toEqual([]);
    // The new item went into the old "Projects" copy, which the target would not rename.
    expect(report.altered.map((entry) => entry.reason)).toEqual(["copy is in Projects"]);
  });

  it("copies into a numbered folder when the name is still taken, and keeps a refused move's copies alive", async () => {
    const { graph } = harness();
    const entry = graph.inventory()[2];
    if (!entry) throw new Error("no third account");
    const upn = entry.sourceUpn;
    const pair = await mailboxPair(harness(), entry);
    const pass = async (round: number) => {
      const slice = () =>
        runTransferSlice(pair.request(Date.now() + 30_000, { round, mirrorDeletions: true }));
      let outcome = await slice();
      while (outcome.kind !== "done") outcome = await slice();
      return outcome;
    };
    graph.mutate.addFolder(upn, "", "Kunden");
    graph.mutate.addItem(upn, "Kunden", { subject: "customer" });
    graph.mutate.addFolder(upn, "", "Parent");
    graph.mutate.addFolder(upn, "Parent", "Child");
    graph.mutate.addItem(upn, "Parent/Child", { subject: "child" });
    await pass(0);
    // "Kunden" moves under a folder that is new itself, and a new "Kunden" takes its place: the
    // new one is created while the old one still holds the name.
    graph.mutate.addFolder(upn, "", "Zarch");
    graph.mutate.addFolder(upn, "Zarch", "2024");
    graph.mutate.moveFolder(upn, "Kunden", "Zarch/2024");
    graph.mutate.addFolder(upn, "", "Kunden");
    graph.mutate.addItem(upn, "Kunden", { subject: "new customer" });
    // "Child" moves to the top level, where the target already has a "Child"; then "Parent" goes.
    graph.mutate.addFolder(entry.targetUpn, "", "Child");
    graph.mutate.moveFolder(upn, "Parent/Child", "");
    graph.mutate.deleteFolder(upn, "Parent");
    expect((await pass(1)).kind).toBe("done");
    const report = graph.inspect(upn, entry.targetUpn);
    expect({ missing: report.missing, duplicated: report.duplicated }).toEqual({
      missing: [],
      duplicated: [],
    });
  });
});
