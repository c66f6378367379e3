/**
 * Folders are matched by what they are, not by what they are called: Outlook's folders by their
 * well-known names (a German target's Inbox is "Posteingang"), whether a listing carries
 * `wellKnownName` (the documentation's reading of mailboxFolder) or not (the metadata's, where
 * well-known names are read as folder paths). Search folders, which listings include, are not
 * copied: their items live in other folders.
 */
import { describe, expect, it } from "vitest";
import { mailboxPair, untilDone, useTransferHarness } from "./harness.js";

describe.each([
  ["the metadata's reading (no wellKnownName)", false],
  ["the documentation's reading (wellKnownName)", true],
])("a German target tenant and source search folders, %s", (_name, docsReadings) => {
  const harness = useTransferHarness({
    mailboxes: 3,
    itemsPerMailbox: 15,
    seed: 59,
    realism: { localisedTarget: true, searchFolders: true, docsReadings },
  });

  it("copies Inbox into Posteingang and no search folder, every item once", async () => {
    const { graph } = harness();
    const entry = graph.inventory()[0];
    if (!entry) throw new Error("no account");
    graph.mutate.addFolder(entry.sourceUpn, "Inbox", "Projects");
    graph.mutate.addItem(entry.sourceUpn, "Inbox/Projects", { subject: "nested under Inbox" });
    const pair = await mailboxPair(harness(), entry);
    graph.resetCalls();
    await untilDone(() => pair.request(Date.now() + 30_000));
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({
      ok: report.ok,
      folders: report.folderMismatches,
      duplicated: report.duplicated,
      extra: report.extra,
    }).toEqual({ ok: true, folders: [], duplicated: [], extra: [] });
    const calls = graph.calls();
    expect(calls.refusedCount).toBe(0);
    // Without wellKnownName each well-known name is read as a folder path, once per side.
    expect((calls.described["v1.0 mailboxFolder.get"] ?? 0) > 0).toBe(!docsReadings);
  });
});
