import { describe, expect, it } from "vitest";
import { mailboxWait } from "../../../shared/mover/provisioning.js";

const settings = { mailboxWaitMs: 30 * 60_000, mailboxRecheckMs: 5 * 60_000 };

describe("waiting for a mailbox still being provisioned", () => {
  it("looks again after the recheck interval, remembering when the wait began", () => {
    const now = new Date(Date.UTC(2026, 3, 1, 12, 0, 0));
    const first = mailboxWait(undefined, now, settings);
    expect(first).toEqual({
      kind: "again",
      at: new Date(now.getTime() + settings.mailboxRecheckMs),
      waitingSince: now.getTime() / 1000,
    });
  });

  it("makes the last look on the bound and gives up after it, saying how long it waited", () => {
    const since = Date.UTC(2026, 3, 1, 12, 0, 0) / 1000;
    const late = new Date(since * 1000 + settings.mailboxWaitMs - 60_000);
    expect(mailboxWait(since, late, settings)).toEqual({
      kind: "again",
      at: new Date(since * 1000 + settings.mailboxWaitMs),
      waitingSince: since,
    });
    const over = new Date(since * 1000 + settings.mailboxWaitMs);
    expect(mailboxWait(since, over, settings)).toEqual({ kind: "give up", waitedMinutes: 30 });
  });
});
