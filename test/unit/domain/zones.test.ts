/** Windows time-zone ids are accepted wherever IANA ones are, and kept as their IANA id. */
import { describe, expect, it } from "vitest";
import { readScheduleSettings } from "../../../shared/config/schedules.js";
import { applyWavePatch, defineWave, ianaTimeZone } from "../../../shared/domain/index.js";
import { T0 } from "../../factories/index.js";

const SCHEDULES = {
  MAILFERRY_SCHEDULER_SCHEDULE: "0 * * * * *",
  MAILFERRY_SWEEPER_SCHEDULE: "0 * * * * *",
  MAILFERRY_ALERTS_SCHEDULE: "0 * * * * *",
  MAILFERRY_WATCH_SCHEDULE: "0 * * * * *",
};

describe("time zones", () => {
  it("maps Windows ids to CLDR's IANA id for them, in any case, and leaves IANA ids alone", () => {
    expect(ianaTimeZone("GMT Standard Time")).toBe("Europe/London");
    expect(ianaTimeZone("w. europe standard time")).toBe("Europe/Berlin");
    expect(ianaTimeZone("Pacific Standard Time")).toBe("America/Los_Angeles");
    expect(ianaTimeZone("Europe/Paris")).toBe("Europe/Paris");
    expect(ianaTimeZone("Mars Standard Time")).toBe("Mars Standard Time");
  });

  it("define and change a wave with a Windows id, stored as the IANA id", () => {
    const wave = defineWave({ id: "w1", timeZone: "W. Europe Standard Time" }, T0);
    expect(wave.timeZone).toBe("Europe/Berlin");
    expect(applyWavePatch(wave, { timeZone: "GMT Standard Time" }, T0).timeZone).toBe("Europe/London");
  });

  it("refuse a zone that is neither, saying that both kinds are accepted", () => {
    expect(() => defineWave({ id: "w1", timeZone: "Mars Standard Time" }, T0)).toThrow(
      /timeZone is not an IANA time zone such as Europe\/London or a Windows one such as GMT Standard Time/,
    );
  });

  it("take a Windows id in MAILFERRY_TIME_ZONE", () => {
    expect(
      readScheduleSettings({ ...SCHEDULES, MAILFERRY_TIME_ZONE: "GMT Standard Time" }).defaultTimeZone,
    ).toBe("Europe/London");
    expect(() => readScheduleSettings({ ...SCHEDULES, MAILFERRY_TIME_ZONE: "Mars Standard Time" })).toThrow(
      /MAILFERRY_TIME_ZONE.*Windows one/,
    );
  });
});
