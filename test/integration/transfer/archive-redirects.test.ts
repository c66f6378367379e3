/**
 * In-place archives through beta (v1.0 serves primary and shared mailboxes only), auto-expanded:
 * a folder's content lives in an auxiliary archive, and the service redirects
 * (concepts/handle-archive-mailbox-redirects.md): folder reads answer 308 with a Location, exports
 * answer ErrorArchiveFolderMovedPermanently with the URL to export from, imports answer
 * `409 {"Message": ...}` naming the mailbox to open a session on. Followed, every item is copied.
 */
import { describe, expect, it } from "vitest";
import { mailboxPair, untilDone, useTransferHarness } from "./harness.js";

describe("auto-expanding archives", () => {
  const harness = useTransferHarness({
    mailboxes: 12,
    itemsPerMailbox: 12,
    seed: 53,
    plantTrouble: true,
    realism: { autoExpandingArchives: true },
  });

  it("follows every redirect and copies the archive whole, through beta only", async () => {
    const { graph } = harness();
    const entry = graph.inventory().find((candidate) => candidate.expectation === "archive");
    if (!entry) throw new Error("the seed planted no archive account");
    const primary = await mailboxPair(harness(), entry);
    const archive = await mailboxPair(harness(), entry, { archive: true });
    graph.resetCalls();
    await untilDone(() => primary.request(Date.now() + 30_000));
    const copied = await untilDone(() => archive.request(Date.now() + 30_000));
    expect(copied.progress.badItems).toBe(0);
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn, { includeArchive: true });
    expect({
      ok: report.ok,
      missing: report.missing,
      extra: report.extra,
      folders: report.folderMismatches,
    }).toEqual({
      ok: true,
      missing: [],
      extra: [],
      folders: [],
    });
    const calls = graph.calls();
    expect(calls.refusedCount).toBe(0);
    expect(calls.described["beta mailbox.exportItems"]).toBeGreaterThan(0);
    // Each kind of redirect was met (and followed: nothing is missing).
    for (const kind of ["redirect 308", "redirect exportItems", "redirect import"]) {
      expect([kind, calls.described[kind] ?? 0]).not.toEqual([kind, 0]);
    }
  });
});
