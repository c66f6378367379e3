/**
 * A licence just assigned does not mean a mailbox yet: Exchange Online provisions it minutes
 * later, and until then the user's exchange settings are not found. Pre-flight tells that apart
 * from a user with no mailbox at all, so the mover can wait for it (by rescheduling, within a
 * bound) instead of failing the account as MailboxNotFound at once.
 */
import { describe, expect, it } from "vitest";
import { newAccount } from "../../../shared/domain/account.js";
import { preflight } from "../../../shared/mover/preflight.js";
import { MailboxProvisioningError } from "../../../shared/graph/errors.js";
import { useTransferHarness } from "./harness.js";

describe("pre-flight and a mailbox still being provisioned", () => {
  const harness = useTransferHarness({
    mailboxes: 8,
    itemsPerMailbox: 6,
    seed: 61,
    realism: { provisioningDelaySeconds: 3600 },
  });

  it("asks to look again later for a licensed target whose mailbox has not appeared", async () => {
    const { graph, source, target } = harness();
    const slow = graph.inventory().find((entry) => entry.expectation === "slowMailbox");
    if (!slow) throw new Error("the realism switch planted no slow mailbox");
    const account = {
      ...newAccount(
        { waveId: "w", source: { upn: slow.sourceUpn }, target: { upn: slow.targetUpn }, priority: 0 },
        new Date(),
      ),
      etag: "*",
    };
    const error = await preflight(account, {}, source, target).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(MailboxProvisioningError);
    expect((error as MailboxProvisioningError).side).toBe("target");
  });
});
