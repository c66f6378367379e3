/**
 * The archive age policy on the date it names: receivedDateTime is no property of mailboxItem
 * (its properties are categories, changeKey, createdDateTime, id, lastModifiedDateTime, size and
 * type); the item delta can only filter on it (api-reference/v1.0/api/mailboxitem-delta.md). Mail
 * restored from a PST years after it arrived has a recent creation time and an old received
 * time, and the policy must follow the received time.
 */
import { describe, expect, it } from "vitest";
import { monthsBefore } from "../../../shared/domain/index.js";
import { MailboxGovernor, PUBLISHED_LIMITS } from "../../../shared/graph/governor.js";
import { mailboxPair, untilDone, useTransferHarness } from "./harness.js";

const NOW = Date.UTC(2026, 0, 1);
const MONTHS = 24;
const CUTOFF = new Date(monthsBefore(NOW, MONTHS)).toISOString();

describe("the archive age policy", () => {
  const harness = useTransferHarness({
    mailboxes: 3,
    itemsPerMailbox: 20,
    seed: 41,
    archiveAllTargets: true,
  });

  it("sends mail received before the cutoff to the archive, whenever it was created", async () => {
    const { graph, target } = harness();
    const entry = graph.inventory().find((candidate) => candidate.expectation === "ok");
    if (!entry) throw new Error("no healthy account");
    const upn = entry.sourceUpn;
    const restored = graph.mutate.addItem(upn, "Inbox", {
      receivedDateTime: "2018-05-06T07:08:09Z",
      createdDateTime: "2025-11-30T10:00:00Z",
      subject: "restored from a PST",
    });
    const recent = graph.mutate.addItem(upn, "Inbox", {
      receivedDateTime: "2025-10-01T00:00:00Z",
      subject: "this autumn",
    });
    const pair = await mailboxPair(harness(), entry);
    const targetUser = await target.findUser(entry.targetUpn);
    const ids = targetUser && (await target.mailboxIds(targetUser.id, true));
    const archiveId = ids?.inPlaceArchiveMailboxId;
    if (!archiveId) throw new Error("the target has no archive");
    const archive = {
      side: {
        api: target.forArchives(),
        mailboxId: archiveId,
        governor: new MailboxGovernor(PUBLISHED_LIMITS),
      },
      cutoff: CUTOFF,
    };
    await untilDone(() => pair.request(Date.now() + 30_000, { archive }));
    const report = graph.inspect(upn, entry.targetUpn, {
      includeArchive: true,
      archiveAgeMonths: MONTHS,
      now: NOW,
    });
    expect({ ok: report.ok, missing: report.missing, altered: report.altered }).toEqual({
      ok: true,
      missing: [],
      altered: [],
    });
    // Without the policy the archived copies are missing from the primary: the restored mail is one.
    const plain = graph.inspect(upn, entry.targetUpn, { includeArchive: true });
    const archived = plain.missing.map((item) => item.sourceItemId);
    expect(archived).toContain(restored);
    expect(archived).not.toContain(recent);
    expect(graph.calls().refusedCount).toBe(0);
  });
});
