/**
 * Following moves and deletions as Microsoft documents the mailbox API: there is no move action
 * on mailboxItem or mailboxFolder, and an item is deleted only through its folder
 * (api-reference/v1.0/api/mailboxfolder-delete-items.md). With Exchange's default ids a moved
 * item comes back under a new id. In every case the target ends with one copy of each item, in
 * the folder the source has it in, and the simulator saw no call outside the description.
 */
import { describe, expect, it } from "vitest";
import type { SliceRequest } from "../../../shared/transfer/engine.js";
import { mailboxPair, untilDone, useTransferHarness, type TransferHarness } from "./harness.js";

/** An account of the suite's tenant and a pass runner over its item map. */
async function account(harness: TransferHarness, index: number) {
  const entry = harness.graph.inventory()[index];
  if (!entry) throw new Error(`no account ${index}`);
  const pair = await mailboxPair(harness, entry);
  const pass = (round: number, extra: Partial<SliceRequest> = {}) =>
    untilDone(() => pair.request(Date.now() + 30_000, { round, ...extra }));
  return { ...entry, upn: entry.sourceUpn, pass };
}

describe.each([
  ["ids that change on move (Exchange's default ids)", true],
  ["ids that stay on move", false],
])("following the source with %s", (_name, idsChangeOnMove) => {
  const harness = useTransferHarness({
    mailboxes: 4,
    itemsPerMailbox: 6,
    seed: 17,
    realism: { idsChangeOnMove },
  });

  it("imports a moved item at its new place and deletes its old copy, even without mirroring deletions", async () => {
    const { graph } = harness();
    const { upn, targetUpn, pass } = await account(harness(), 0);
    graph.mutate.addFolder(upn, "", "Filed");
    const item = graph.mutate.addItem(upn, "Inbox", { subject: "to be filed" });
    await pass(0);
    graph.resetCalls();
    const after = graph.mutate.moveItem(upn, item, "Filed");
    expect(after !== item).toBe(idsChangeOnMove);
    const outcome = await pass(1);
    expect(outcome.progress.itemsMoved).toBe(1);
    const report = graph.inspect(upn, targetUpn);
    expect({
      missing: report.missing,
      duplicated: report.duplicated,
      extra: report.extra,
      altered: report.altered,
    }).toEqual({
      missing: [],
      duplicated: [],
      extra: [],
      altered: [],
    });
    const calls = graph.calls();
    expect(calls.refusedCount).toBe(0);
    expect(calls.described["v1.0 mailboxItem.delete"]).toBe(1);
  });

  it("rebuilds a moved folder's copy at its new place, with every item once", async () => {
    const { graph } = harness();
    const { upn, targetUpn, pass } = await account(harness(), 1);
    graph.mutate.addFolder(upn, "", "Projects");
    graph.mutate.addFolder(upn, "Projects", "Alpha");
    graph.mutate.addItem(upn, "Projects", { subject: "plan" });
    graph.mutate.addItem(upn, "Projects/Alpha", { subject: "alpha" });
    await pass(0);
    graph.resetCalls();
    graph.mutate.moveFolder(upn, "Projects", "Inbox");
    await pass(1);
    const report = graph.inspect(upn, targetUpn);
    expect({
      ok: report.ok,
      folders: report.folderMismatches,
      missing: report.missing,
      extra: report.extra,
    }).toEqual({
      ok: true,
      folders: [],
      missing: [],
      extra: [],
    });
    const calls = graph.calls();
    expect(calls.refusedCount).toBe(0);
    expect(calls.described["v1.0 mailboxFolder.delete"]).toBe(1);
  });
});

describe("following deletions at the source", () => {
  const harness = useTransferHarness({ mailboxes: 3, itemsPerMailbox: 6, seed: 19 });

  it("deletes the copy through its folder when mirroring, and keeps it otherwise", async () => {
    const { graph } = harness();
    const mirrored = await account(harness(), 0);
    const kept = await account(harness(), 1);
    const doomed = [mirrored, kept].map((entry) =>
      graph.mutate.addItem(entry.upn, "Inbox", { subject: "doomed" }),
    );
    await Promise.all([mirrored.pass(0), kept.pass(0)]);
    graph.resetCalls();
    graph.mutate.deleteItem(mirrored.upn, doomed[0] ?? "");
    graph.mutate.deleteItem(kept.upn, doomed[1] ?? "");
    // A deletion is told from a move only when the next pass finds no new place for the item.
    for (const round of [1, 2]) {
      await mirrored.pass(round, { mirrorDeletions: true });
      await kept.pass(round);
    }
    expect(graph.inspect(mirrored.upn, mirrored.targetUpn).ok).toBe(true);
    const notMirrored = graph.inspect(kept.upn, kept.targetUpn);
    expect(notMirrored.extra.map((entry) => entry.folderPath)).toEqual(["Inbox"]);
    const calls = graph.calls();
    expect(calls.refusedCount).toBe(0);
    expect(calls.described["v1.0 mailboxItem.delete"]).toBe(1);
  });
});
