import { describe, expect, it } from "vitest";
import { describeFailures } from "../../../cli/commands/failures.js";
import { failureGroups, hintFor } from "../../../shared/admin/failures.js";
import { HYBRID_FAILURES } from "../../../shared/mover/hybrid/failures.js";
import { FAILURE_HINTS } from "../../../shared/graph/errors.js";
import { upn } from "../../factories/index.js";
import { addWave, failedAccount, memoryPorts } from "../../fixtures/admin/ports.js";

describe("failures an operator can act on", () => {
  it("name each group's example accounts by source and target UPN, its fix and the command that retries it", async () => {
    const ports = memoryPorts();
    await addWave(ports, "w1");
    await failedAccount(ports, 1, "w1", {
      class: "TargetNotLicensed",
      code: "NoLicense",
      message: "no licence",
    });
    await failedAccount(ports, 2, "w1", {
      class: "MailUserNotFound",
      code: "MailUserNotFound",
      message: "Exchange Online has no mail user",
    });
    const report = await failureGroups(ports, { waveId: "w1" });
    const licence = report.groups.find((group) => group.failureClass === "TargetNotLicensed");
    expect(licence?.examples[0]).toMatchObject({
      sourceUpn: upn(1, "source.contoso.com"),
      targetUpn: upn(1, "contoso.onmicrosoft.com"),
    });
    expect(licence?.hint).toMatch(/licence.*--license-sku.*retry/);
    expect(licence?.retryCommand).toBe(`mailferry retry --group ${licence?.id ?? ""} --wave w1`);
    const hybrid = report.groups.find((group) => group.failureClass === "MailUserNotFound");
    expect(hybrid?.hint).toBe(HYBRID_FAILURES.MailUserNotFound);

    const text = describeFailures(report);
    expect(text).toContain(`retry  mailferry retry --group ${licence?.id ?? ""} --wave w1`);
    expect(text).toContain(`${upn(1, "source.contoso.com")} → ${upn(1, "contoso.onmicrosoft.com")}`);
    expect(text).toContain(`fix    ${FAILURE_HINTS.TargetNotLicensed}`);
    expect(text).toContain(`fix    ${HYBRID_FAILURES.MailUserNotFound}`);
  });

  it("has a fix for every failure class either engine raises", () => {
    for (const failureClass of [...Object.keys(FAILURE_HINTS), ...Object.keys(HYBRID_FAILURES)]) {
      expect(hintFor(failureClass), failureClass).toBeTruthy();
    }
    expect(hintFor("SourceMailboxLockedTransientException")).toMatch(/retry resumes/);
  });
});
