import { describe, expect, it } from "vitest";
import type { ActivityRecord } from "../../../shared/activity/port.js";
import { waveStatus, type WaveStatusReport } from "../../../shared/admin/status.js";
import { COPIED_IN_WINDOW, WEEKDAYS, accountIdFromUpn } from "../../../shared/domain/index.js";
import { describeWaveStatus } from "../../../cli/commands/status.js";
import { failedAccount, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";
import { importedAccount, T0, waveRecord } from "../../factories/index.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Imports the n-th test user and takes it to Synced at `at`. */
async function syncedAccount(ports: MemoryPorts, n: number, waveId: string, at: Date): Promise<void> {
  const row = importedAccount(n, { waveId });
  await ports.store.accounts.upsertImported([row], at);
  let account = await ports.store.accounts.get(accountIdFromUpn(row.source.upn));
  for (const to of ["Queued", "Syncing", "Synced"] as const) {
    account = await ports.store.accounts.transition(account.id, account.etag, to, {
      reason: `to ${to} for the test`,
      actor: "test",
      at,
    });
  }
}

function record(
  id: string,
  waveId: string,
  kind: ActivityRecord["kind"],
  at: number,
  detail?: string,
): ActivityRecord {
  return {
    id,
    waveId,
    accountId: id,
    kind,
    at,
    requests: 0,
    throttled: 0,
    items: kind === "slice" ? 10 : 0,
    bytes: kind === "slice" ? 10_000 : 0,
    durationMs: 0,
    ...(detail !== undefined ? { detail } : {}),
  };
}

async function onlyWave(ports: MemoryPorts): Promise<WaveStatusReport> {
  const [report] = (await waveStatus(ports)).waves;
  if (report === undefined) throw new Error("no wave reported");
  return report;
}

async function fail(ports: MemoryPorts, n: number, waveId: string): Promise<void> {
  await failedAccount(ports, n, waveId, {
    class: "TargetNotLicensed",
    code: "NoLicense",
    message: "no licence",
  });
  await ports.activity.record(record(`failed-${n}`, waveId, "failed", T0.getTime() - 5 * MINUTE));
}

describe("wave status", () => {
  it("counts failures against the accounts that finished a step, not only the settled ones", async () => {
    const ports = memoryPorts(T0);
    await ports.store.waves.create(waveRecord({ id: "w1", timeZone: "UTC" }));
    for (const n of [1, 2, 3]) await fail(ports, n, "w1");
    for (let n = 10; n < 67; n++) await syncedAccount(ports, n, "w1", T0);
    const [report] = (await waveStatus(ports, "w1")).waves;
    expect(report?.finishedStep).toBe(60);
    expect(report?.failureRate).toBeCloseTo(3 / 60);
  });

  it("projects the ETA from the windows, their capacity and the copy pace, not from failures settling", async () => {
    const ports = memoryPorts(T0);
    await ports.store.waves.create(
      waveRecord({
        id: "w1",
        timeZone: "UTC",
        windows: [{ days: [...WEEKDAYS], start: "19:00", end: "07:00", capacity: 10 }],
      }),
    );
    // Three failures settle first; they say nothing of how long the copies take.
    for (const n of [1, 2, 3]) await fail(ports, n, "w1");
    await ports.store.accounts.upsertImported(
      [20, 21, 22, 23, 24, 25, 26].map((n) => importedAccount(n, { waveId: "w1" })),
      T0,
    );
    for (let n = 30; n < 40; n++) await syncedAccount(ports, n, "w1", new Date(T0.getTime() - 2 * HOUR));
    // Seven accounts finished a copy pass in the last hour (one of them twice), one before it.
    for (let n = 0; n < 7; n++) {
      await ports.activity.record(
        record(`copy-${n}`, "w1", "slice", T0.getTime() - (n + 1) * 5 * MINUTE, "done"),
      );
    }
    await ports.activity.record({
      ...record("copy-0", "w1", "slice", T0.getTime() - 50 * MINUTE, "done"),
      id: "again",
    });
    await ports.activity.record(record("copy-old", "w1", "slice", T0.getTime() - 2 * HOUR, "done"));
    await ports.activity.record(record("more", "w1", "slice", T0.getTime() - MINUTE, "more"));

    const [report] = (await waveStatus(ports, "w1")).waves;
    expect(report?.copyPace.accountsPerHour).toBe(7);
    // 7 to copy at 7 an hour: copied by 13:00. Tonight's window cuts 10 over, tomorrow's the other 7.
    expect(report?.eta).toMatchObject({
      copiesDone: "2025-03-03T13:00:00.000Z",
      wave: "2025-03-04T19:00:00.000Z",
      lastWindow: { start: "2025-03-04T19:00:00.000Z", end: "2025-03-05T07:00:00.000Z" },
    });
  });

  it("says when synced accounts waiting for a later window are cut over, in the wave's zone, and how sooner", async () => {
    // Saturday 06:00 in Berlin: the weeknight window that opened Friday 19:00 is open until 07:00,
    // but the accounts synced overnight wait for the next one, Monday 19:00.
    const saturday = new Date("2025-03-08T05:00:00.000Z");
    const ports = memoryPorts(saturday);
    await ports.store.waves.create(
      waveRecord({
        id: "w1",
        timeZone: "Europe/Berlin",
        windows: [{ days: ["Mon", "Tue", "Wed", "Thu", "Fri"], start: "19:00", end: "07:00", capacity: 500 }],
      }),
    );
    for (let n = 1; n <= 4; n++) await syncedAccount(ports, n, "w1", new Date("2025-03-07T23:00:00.000Z"));

    const [report] = (await waveStatus(ports, "w1")).waves;
    expect(report?.waiting).toEqual({ [COPIED_IN_WINDOW]: 4 });
    expect(report?.cutoverWait).toMatchObject({
      accounts: 4,
      opens: "2025-03-10T18:00:00.000Z",
      sooner: [
        { command: "mailferry wave complete w1" },
        { command: "mailferry wave create … --cutover-unsynced" },
      ],
    });
    expect(report?.eta.lastWindow?.start).toBe("2025-03-10T18:00:00.000Z");
    const text = describeWaveStatus(await onlyWave(ports));
    expect(text).toContain(
      "open until Sat 2025-03-08 07:00 +01:00, but none of the 4 synced accounts may be cut over in it",
    );
    expect(text).toContain("4 synced accounts wait until Mon 2025-03-10 19:00 +01:00");
    expect(text).toContain("mailferry wave complete w1");
    expect(text).not.toMatch(/\d\dZ/);
  });

  it("never says a window is open when none is, and names the next one", async () => {
    const sunday = new Date("2025-03-09T12:00:00.000Z");
    const ports = memoryPorts(sunday);
    await ports.store.waves.create(
      waveRecord({
        id: "w1",
        timeZone: "Europe/Berlin",
        windows: [{ days: ["Mon"], start: "19:00", end: "Tue 07:00", capacity: 50 }],
      }),
    );
    await syncedAccount(ports, 1, "w1", T0);
    const [report] = (await waveStatus(ports, "w1")).waves;
    expect(report?.window).toMatchObject({
      open: false,
      next: { start: "2025-03-10T18:00:00.000Z", capacity: 50 },
    });
    const text = describeWaveStatus(await onlyWave(ports));
    expect(text).not.toContain("open until");
    expect(text).toContain("next window  opens Mon 2025-03-10 19:00 +01:00");
    // The next window takes the synced account as it opens, Monday 19:00 in Berlin.
    expect(report?.eta.wave).toBe("2025-03-10T18:00:00.000Z");
    expect(text).toContain("last cutovers start Mon 2025-03-10 19:00 +01:00");
  });

  it("has no ETA without copy pace, and says why", async () => {
    const ports = memoryPorts(T0);
    await ports.store.waves.create(waveRecord({ id: "w2", timeZone: "UTC" }));
    await ports.store.accounts.upsertImported([importedAccount(1, { waveId: "w2" })], T0);
    const [report] = (await waveStatus(ports)).waves;
    expect(report).toMatchObject({
      failureRate: null,
      eta: { wave: null, why: "no account finished copying in the last hour", copiesDone: null },
    });
  });
});
