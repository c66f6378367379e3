import { describe, expect, it } from "vitest";
import { applyWavePatch, defineWave } from "../../../shared/domain/index.js";
import { ValidationError } from "../../../shared/errors.js";
import { T0 } from "../../factories/index.js";

const HYBRID = { endpoint: "OnPremEndpoint", targetDeliveryDomain: "contoso.mail.onmicrosoft.com" };

describe("hybrid waves", () => {
  it("are copy waves unless they say otherwise, and fill in the hybrid defaults", () => {
    expect(defineWave({ id: "w1", timeZone: "UTC" }, T0).engine).toBe("graph");
    const wave = defineWave({ id: "w2", timeZone: "UTC", engine: "hybrid", hybrid: HYBRID }, T0);
    expect(wave.hybrid).toEqual({
      ...HYBRID,
      mailboxes: "PrimaryAndArchive",
      autoApprove: "Good",
      retentionDays: 7,
      requireLicence: false,
      maxConcurrentMigrations: 100,
    });
  });

  it.each([
    [{ engine: "hybrid" as const }, /hybrid a hybrid wave needs an endpoint/],
    [{ engine: "hybrid" as const, hybrid: { endpoint: "e" } }, /hybrid\.targetDeliveryDomain/],
    [
      { engine: "hybrid" as const, hybrid: { ...HYBRID, targetDeliveryDomain: "not a domain" } },
      /targetDeliveryDomain must be a domain/,
    ],
    [
      { engine: "hybrid" as const, hybrid: { ...HYBRID, mailboxes: "ArchiveOnly" as const } },
      /archive-only moves need archiveDomain/,
    ],
    [
      { engine: "hybrid" as const, hybrid: HYBRID, archiveAgeMonths: 12 },
      /archiveAgeMonths applies to copy waves only/,
    ],
    [
      { engine: "hybrid" as const, hybrid: { ...HYBRID, retentionDays: -1 } },
      /retentionDays must be at least 0/,
    ],
    [{ hybrid: HYBRID }, /only a hybrid wave/],
  ])("refuses %j naming what is wrong", (settings, message) => {
    const define = (): unknown => defineWave({ id: "w3", timeZone: "UTC", ...settings }, T0);
    expect(define).toThrow(ValidationError);
    expect(define).toThrow(message);
  });

  it("keeps the engine through a patch and merges hybrid changes", () => {
    const wave = defineWave({ id: "w4", timeZone: "UTC", engine: "hybrid", hybrid: HYBRID }, T0);
    const patched = applyWavePatch(wave, { hybrid: { autoApprove: "Investigate" }, inFlightCap: 50 }, T0);
    expect(patched.engine).toBe("hybrid");
    expect(patched.hybrid).toMatchObject({ ...HYBRID, autoApprove: "Investigate" });
  });
});
