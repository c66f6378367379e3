/**
 * A slice may start from folder checkpoints a mover remembers (see FolderMemory). When another
 * worker ran a slice since and died before recording it, those checkpoints lag what is stored;
 * starting from them must lose nothing and copy nothing twice.
 */
import { describe, expect, it } from "vitest";
import { runTransferSlice, type SliceRequest } from "../../../shared/transfer/engine.js";
import type { FolderCheckpoint } from "../../../shared/transfer/state/port.js";
import { mailboxPair, useTransferHarness } from "./harness.js";

async function untilDone(request: () => SliceRequest): Promise<void> {
  let outcome = await runTransferSlice(request());
  while (outcome.kind !== "done") outcome = await runTransferSlice(request());
}

describe("slices starting from lagging folder checkpoints", () => {
  const harness = useTransferHarness({ mailboxes: 2, itemsPerMailbox: 12, seed: 31 });

  it("copy every item once, within a pass and across a pass another worker began", async () => {
    const { graph } = harness();
    const [entry] = graph.inventory();
    if (!entry) throw new Error("no account");
    const pair = await mailboxPair(harness(), entry);
    const slice = (round: number, deadline: number, knownFolders?: readonly FolderCheckpoint[]) =>
      pair.request(deadline, { round, ...(knownFolders ? { knownFolders } : {}) });

    // This worker maps the folders and runs out of time; it remembers what it left.
    const first = await runTransferSlice(slice(0, Date.now()));
    expect(first.kind).toBe("more");
    const remembered = first.folders;
    if (!remembered) throw new Error("a slice that mapped the folders tells what it left");
    // Another worker copies the whole mailbox, then dies before recording its slice.
    await untilDone(() => slice(0, Date.now() + 30_000));
    // This worker goes on from what it remembers: every page is read again, nothing copied twice.
    const resumed = await runTransferSlice(slice(0, Date.now() + 30_000, remembered));
    expect(resumed.kind).toBe("done");
    expect(resumed.progress.items).toBe(0);
    let report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ ok: report.ok, missing: report.missing, duplicated: report.duplicated }).toEqual({
      ok: true,
      missing: [],
      duplicated: [],
    });

    // The next pass: another worker maps a new folder and copies part of it, then dies.
    const beforePass = resumed.folders;
    if (!beforePass) throw new Error("the finished slice tells what it left");
    graph.mutate.addFolder(entry.sourceUpn, "", "Rota");
    for (let n = 0; n < 5; n += 1) graph.mutate.addItem(entry.sourceUpn, "Rota", { subject: `shift ${n}` });
    await runTransferSlice(slice(1, Date.now() + 30_000));
    // This worker starts the pass from its older memory: it maps the tree again and finds the
    // folder the other one made instead of making a second one.
    await untilDone(() => slice(1, Date.now() + 30_000, beforePass));
    report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({
      ok: report.ok,
      missing: report.missing,
      duplicated: report.duplicated,
      folders: report.folderMismatches,
    }).toEqual({ ok: true, missing: [], duplicated: [], folders: [] });
  });

  it("read a folder that was never read once it lists items, whatever finished mark it carries", async () => {
    const { graph } = harness();
    const entry = graph.inventory()[1];
    if (!entry) throw new Error("no second account");
    const pair = await mailboxPair(harness(), entry);
    const slice = (round: number) => pair.request(Date.now() + 30_000, { round });
    graph.mutate.addFolder(entry.sourceUpn, "", "Rota");
    await untilDone(() => slice(0));
    await untilDone(() => slice(1));
    // Mail arrives in the folder no pass has read yet; its stored checkpoint is marked finished
    // (as a mapping that started from a remembered checkpoint saves it) on an older round.
    for (let n = 0; n < 3; n += 1) graph.mutate.addItem(entry.sourceUpn, "Rota", { subject: `shift ${n}` });
    const key = entry.sourceUpn;
    const rota = (await pair.state.loadFolders(key)).find((folder) => folder.path === "Rota");
    if (!rota) throw new Error("the folder has a checkpoint");
    expect(rota.cursor).toBeUndefined();
    await pair.state.saveFolder(key, { ...rota, passComplete: true, sourceItemCount: 3, round: 0 });
    // Every folder that was read is on round 1: the slice does not map again, yet reads the folder.
    await untilDone(() => slice(1));
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ ok: report.ok, missing: report.missing, duplicated: report.duplicated }).toEqual({
      ok: true,
      missing: [],
      duplicated: [],
    });
  });
});
