import { describe, expect, it } from "vitest";
import {
  applyWavePatch,
  applyWaveStatus,
  defineWave,
  IllegalTransitionError,
  WAVE_STATUSES,
  WAVE_TRANSITIONS,
} from "../../../shared/domain/index.js";
import { ValidationError } from "../../../shared/errors.js";
import { at, T0 } from "../../factories/index.js";

describe("defineWave", () => {
  it("fills in the README defaults", () => {
    const wave = defineWave({ id: "Evening-1", timeZone: "Europe/London" }, T0);
    expect(wave).toMatchObject({
      id: "evening-1",
      status: "Scheduled",
      inFlightCap: 2000,
      badItemLimit: 10,
      largeItemLimitBytes: 150 * 1024 * 1024,
      createdAt: T0.toISOString(),
    });
    expect(wave.windows.map((window) => window.capacity)).toEqual([22_000, 83_000]);
    expect(wave.completeAfter).toBeUndefined();
  });

  it.each([
    [{ timeZone: "Mars/Olympus" }, /timeZone/],
    [{ timeZone: "UTC", inFlightCap: 0 }, /inFlightCap/],
    [{ timeZone: "UTC", badItemLimit: -1 }, /badItemLimit/],
    [{ timeZone: "UTC", completeAfter: "tomorrow" }, /completeAfter/],
    [{ timeZone: "UTC", windows: [] }, /at least one window/],
    [
      { timeZone: "UTC", windows: [{ days: ["Mon"], start: "25:00", end: "07:00", capacity: 1 }] },
      /windows\[0\]\.start/,
    ],
    [
      { timeZone: "UTC", windows: [{ days: ["Mon", "Mon"], start: "19:00", end: "07:00", capacity: 1 }] },
      /twice/,
    ],
    [
      { timeZone: "UTC", windows: [{ days: ["Mon"], start: "19:00", end: "07:00", capacity: 0 }] },
      /capacity/,
    ],
    [
      {
        timeZone: "UTC",
        windows: [
          { days: ["Mon"], start: "19:00", end: "07:00", capacity: 1 },
          { days: ["Tue"], start: "06:00", end: "08:00", capacity: 1 },
        ],
      },
      /overlaps/,
    ],
  ])("rejects %j", (settings, message) => {
    expect(() => defineWave({ id: "w1", ...settings } as Parameters<typeof defineWave>[0], T0)).toThrow(
      ValidationError,
    );
    expect(() => defineWave({ id: "w1", ...settings } as Parameters<typeof defineWave>[0], T0)).toThrow(
      message,
    );
  });

  it("stores completeAfter in UTC", () => {
    const wave = defineWave({ id: "w1", timeZone: "UTC", completeAfter: "2025-03-01T19:00:00+01:00" }, T0);
    expect(wave.completeAfter).toBe("2025-03-01T18:00:00.000Z");
  });
});

describe("wave status", () => {
  const wave = defineWave({ id: "w1", timeZone: "UTC" }, T0);

  it("has a row for every status", () => {
    expect(Object.keys(WAVE_TRANSITIONS).sort()).toEqual([...WAVE_STATUSES].sort());
  });

  it("pauses, resumes and cancels; final statuses stay final", () => {
    const active = applyWaveStatus(wave, "Active", at(1));
    const paused = applyWaveStatus(active, "Paused", at(2));
    expect(applyWaveStatus(paused, "Active", at(3)).status).toBe("Active");
    const cancelled = applyWaveStatus(paused, "Cancelled", at(4));
    expect(() => applyWaveStatus(cancelled, "Active", at(5))).toThrow(IllegalTransitionError);
    expect(() => applyWaveStatus(paused, "Paused", at(5))).toThrow(/already Paused/);
  });

  it("re-validates patched settings and keeps status and creation time", () => {
    const active = applyWaveStatus(wave, "Active", at(1));
    const patched = applyWavePatch(active, { inFlightCap: 10 }, at(2));
    expect(patched).toMatchObject({
      inFlightCap: 10,
      status: "Active",
      createdAt: T0.toISOString(),
      updatedAt: at(2).toISOString(),
    });
    expect(() => applyWavePatch(active, { timeZone: "Nowhere/Else" }, at(2))).toThrow(ValidationError);
  });
});
