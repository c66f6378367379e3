import { describe, expect, it } from "vitest";
import { failureGroupId, failureGroups, reasonPattern } from "../../../shared/admin/failures.js";
import { retryFailed } from "../../../shared/admin/retry.js";
import { addWave, failedAccount, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";

const operator = { actor: "ops@contoso.com", via: "http" } as const;
const noLicence = {
  class: "TargetNotLicensed",
  code: "NoLicense",
  message: "the target user has no licence",
};
const badItems = (n: number) => ({
  class: "BadItemLimitExceeded",
  code: "BadItemLimitExceeded",
  message: `${n} items could not be copied`,
});

async function scene(): Promise<MemoryPorts> {
  const ports = memoryPorts();
  await addWave(ports, "w1");
  await addWave(ports, "w2");
  await failedAccount(ports, 1, "w1", noLicence);
  await failedAccount(ports, 2, "w1", badItems(3));
  await failedAccount(ports, 3, "w2", badItems(12));
  await failedAccount(ports, 4, "w2", noLicence);
  await failedAccount(ports, 5, "w2", noLicence);
  return ports;
}

describe("failure groups", () => {
  it("group by class and reason, figures ignored, largest first, with examples and waves", async () => {
    const ports = await scene();
    const report = await failureGroups(ports, { examples: 2 });
    expect(report.total).toBe(5);
    expect(report.groups.map((g) => [g.failureClass, g.reason, g.count, g.waves])).toEqual([
      ["TargetNotLicensed", "the target user has no licence", 3, ["w1", "w2"]],
      ["BadItemLimitExceeded", "# items could not be copied", 2, ["w1", "w2"]],
    ]);
    expect(report.groups[0]?.examples).toHaveLength(2);
    expect(report.groups[1]?.id).toBe(failureGroupId("BadItemLimitExceeded", "7 items could not be copied"));
    expect(reasonPattern("1,024 items in 3.5 s")).toBe("# items in # s");
  });

  it("say what to do about each class mailferry raises, and nothing about one it does not know", async () => {
    const ports = await scene();
    await failedAccount(ports, 6, "w1", {
      class: "TargetMailboxFull",
      code: "ErrorQuotaExceeded",
      message: "importing an item failed: the mailbox is over its quota (ErrorQuotaExceeded)",
    });
    await failedAccount(ports, 7, "w1", { class: "SomethingElse", code: "X", message: "odd" });
    const report = await failureGroups(ports);
    const hints = new Map(report.groups.map((group) => [group.failureClass, group.hint]));
    expect(hints.get("TargetMailboxFull")).toMatch(/quota/);
    expect(hints.get("TargetNotLicensed")).toMatch(/licence/);
    expect(hints.get("SomethingElse")).toBeUndefined();
  });

  it("narrow to one wave", async () => {
    const ports = await scene();
    const report = await failureGroups(ports, { waveId: "w1" });
    expect(report.total).toBe(2);
  });
});

describe("retry of failed accounts", () => {
  it("lists who would be retried in a dry run and changes nothing", async () => {
    const ports = await scene();
    const result = await retryFailed(ports, { failureClass: "TargetNotLicensed", dryRun: true }, operator);
    expect(result.dryRun).toBe(true);
    expect(result.retried.map((r) => [r.accountId, r.nextAttempt])).toEqual([
      ["user1@source.contoso.com", 2],
      ["user4@source.contoso.com", 2],
      ["user5@source.contoso.com", 2],
    ]);
    expect(ports.moves.sent).toEqual([]);
    expect(await ports.operatorActions.list(10)).toEqual([]);
    expect((await ports.store.counters.waveCounts("w2")).byStatus.Failed).toBe(3);
  });

  it("queues a group as a new attempt, then sends each first slice, and records the action", async () => {
    const ports = await scene();
    const group = failureGroupId("BadItemLimitExceeded", "1 items could not be copied");
    const result = await retryFailed(ports, { group }, operator);
    expect(result.retried.map((r) => r.accountId).sort()).toEqual([
      "user2@source.contoso.com",
      "user3@source.contoso.com",
    ]);
    const account = await ports.store.accounts.get("user3@source.contoso.com");
    expect([account.status, account.attempt, account.slice]).toEqual(["Queued", 2, 0]);
    expect(ports.moves.sent).toContainEqual({
      v: 1,
      waveId: "w2",
      accountId: "user3@source.contoso.com",
      attempt: 2,
      slice: 1,
      pass: "initial",
      round: 0,
    });
    const history = await ports.store.accounts.history(account.id);
    expect(history.at(-1)).toMatchObject({ from: "Failed", to: "Queued", actor: "ops@contoso.com" });
    const [action] = await ports.operatorActions.list(10);
    expect(action).toMatchObject({
      action: "retry",
      actor: "ops@contoso.com",
      count: 2,
      outcome: "completed",
      filter: { group },
    });
    expect(result.actionId).toBe(action?.id);
  });

  it("says why named accounts were not retried instead of passing silently", async () => {
    const ports = await scene();
    const result = await retryFailed(
      ports,
      {
        accountIds: ["user1@source.contoso.com", "user9@source.contoso.com", "user4@source.contoso.com"],
        waveId: "w1",
      },
      operator,
    );
    expect(result.retried.map((r) => r.accountId)).toEqual(["user1@source.contoso.com"]);
    expect(result.skipped).toEqual([
      { accountId: "user9@source.contoso.com", why: "does not exist" },
      { accountId: "user4@source.contoso.com", why: "is in wave w2, outside the selection" },
    ]);
    const again = await retryFailed(ports, { accountIds: ["user1@source.contoso.com"] }, operator);
    expect(again.retried).toEqual([]);
    expect(again.skipped).toEqual([{ accountId: "user1@source.contoso.com", why: "is Queued, not Failed" }]);
    expect(again.note).toBe("none of the named accounts can be retried");
  });

  it("reports an empty selection and honours the limit", async () => {
    const ports = await scene();
    const none = await retryFailed(ports, { failureClass: "SourceUserNotFound" }, operator);
    expect(none).toMatchObject({ matched: 0, retried: [], note: "no Failed account matches the selection" });
    const limited = await retryFailed(ports, { all: true, limit: 2 }, operator);
    expect(limited.retried).toHaveLength(2);
    expect(ports.moves.sent).toHaveLength(2);
  });
});
