/**
 * Refusals that are permanent for a mailbox end the account with a failure class of their own,
 * instead of being retried until the message is dead-lettered: a full target mailbox
 * (403 ErrorQuotaExceeded), a target mailbox outside the target app's RBAC for Applications
 * scope (403 ErrorAccessDenied), and copies the target keeps under a hold when mirroring deletions
 * (403 on the delete, api-reference/v1.0/api/mailboxfolder-delete-items.md).
 */
import { describe, expect, it } from "vitest";
import { PermanentTransferError, FAILURE_HINTS } from "../../../shared/graph/errors.js";
import type { SliceRequest } from "../../../shared/transfer/engine.js";
import { mailboxPair, untilDone, useTransferHarness } from "./harness.js";

async function failureOf(pass: () => Promise<unknown>): Promise<PermanentTransferError> {
  const error = await pass().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof PermanentTransferError)) {
    throw new Error(`expected a permanent failure, got ${String(error)}`, { cause: error });
  }
  return error;
}

describe("permanent refusals by the target", () => {
  const harness = useTransferHarness({ mailboxes: 4, itemsPerMailbox: 12, seed: 47 });
  const account = async (index: number) => {
    const entry = harness().graph.inventory()[index];
    if (!entry) throw new Error(`no account ${index}`);
    const pair = await mailboxPair(harness(), entry);
    return {
      ...entry,
      pass: (round: number, extra: Partial<SliceRequest> = {}) =>
        untilDone(() => pair.request(Date.now() + 30_000, { round, ...extra })),
    };
  };

  it("fails a full target mailbox as TargetMailboxFull, with a hint", async () => {
    const entry = await account(0);
    harness().graph.mutate.setQuota(entry.targetUpn, 40_000);
    const failure = await failureOf(() => entry.pass(0));
    expect(failure.failureClass).toBe("TargetMailboxFull");
    expect(failure.code).toBe("ErrorQuotaExceeded");
    expect(FAILURE_HINTS[failure.failureClass]).toMatch(/quota/);
  });

  it("fails a target mailbox outside the app's management scope as OutsideApplicationScope", async () => {
    const entry = await account(1);
    harness().graph.mutate.setOutsideScope(entry.targetUpn, true);
    const failure = await failureOf(() => entry.pass(0));
    expect(failure.failureClass).toBe("OutsideApplicationScope");
    expect(FAILURE_HINTS[failure.failureClass]).toMatch(/management scope/i);
  });

  it("fails mirrored deletions of copies under a hold as ItemOnHold", async () => {
    const { graph } = harness();
    const entry = await account(2);
    const doomed = graph.mutate.addItem(entry.sourceUpn, "Inbox", { subject: "deleted later" });
    await entry.pass(0, { mirrorDeletions: true });
    graph.mutate.setHold(entry.targetUpn, "primary", true);
    graph.mutate.deleteItem(entry.sourceUpn, doomed);
    const failure = await failureOf(() => entry.pass(1, { mirrorDeletions: true }));
    expect(failure.failureClass).toBe("ItemOnHold");
    expect(FAILURE_HINTS[failure.failureClass]).toMatch(/hold/);
  });
});
