import { describe, expect, it } from "vitest";
import { waveStatus } from "../../../shared/admin/status.js";
import { WEEKDAYS } from "../../../shared/domain/index.js";
import { accountAlong, failedAccount, memoryPorts } from "../../fixtures/admin/ports.js";
import { importedAccount, T0, waveRecord } from "../../factories/index.js";

const MINUTE = 60_000;

describe("wave status", () => {
  it("counts, pace, failure rate and ETAs of the wave and of its open window", async () => {
    const ports = memoryPorts(T0);
    await ports.store.waves.create(
      waveRecord({
        id: "w1",
        timeZone: "UTC",
        windows: [{ days: [...WEEKDAYS], start: "00:00", end: "24:00", capacity: 10 }],
      }),
    );
    await failedAccount(ports, 0, "w1", {
      class: "TargetNotLicensed",
      code: "NoLicense",
      message: "no licence",
    });
    await ports.store.accounts.upsertImported(
      [1, 2, 3].map((n) => importedAccount(n, { waveId: "w1" })),
      T0,
    );
    for (const n of [4, 5]) await accountAlong(ports, n, "w1", ["Queued", "Syncing", "Synced"]);
    await ports.releases.put({
      waveId: "w1",
      windowStart: "2025-03-03T00:00:00.000Z",
      released: 8,
      rate: 50,
    });
    const outcome = (id: string, kind: "completed" | "failed", minutesAgo: number, items = 0) =>
      ports.activity.record({
        id,
        waveId: "w1",
        accountId: id,
        kind,
        at: T0.getTime() - minutesAgo * MINUTE,
        requests: 0,
        throttled: 0,
        items,
        bytes: items * 1000,
        durationMs: 0,
      });
    await outcome("a", "completed", 10, 40);
    await outcome("b", "completed", 20, 60);
    await outcome("c", "completed", 50);
    await outcome("d", "failed", 30);
    // Older than an hour: not part of the pace.
    await outcome("e", "completed", 90);

    const { waves } = await waveStatus(ports, "w1");
    const [report] = waves;
    expect(report).toMatchObject({
      waveId: "w1",
      inFlight: 0,
      settled: 1,
      remaining: 5,
      accountsPerHour: 4,
      failureRate: 0.25,
      lastHour: { completed: 3, failed: 1, items: 100, bytes: 100_000 },
      window: { open: true, capacity: 10, released: 8, capacityLeft: 2, end: "2025-03-04T00:00:00.000Z" },
      eta: {
        wave: new Date(T0.getTime() + 75 * MINUTE).toISOString(),
        window: new Date(T0.getTime() + 30 * MINUTE).toISOString(),
        windowWorkFits: true,
      },
    });
    expect(report?.counts.byStatus).toMatchObject({ Pending: 3, Synced: 2, Failed: 1 });
    // Synced at noon, after today's window opened at midnight: the wave keeps them for tomorrow.
    expect(report?.waiting).toEqual({
      "initial copy finished after this window opened; the wave cuts it over in the next window": 2,
    });
  });

  it("has no ETA without pace, and names the next window when none is open", async () => {
    const ports = memoryPorts(T0);
    await ports.store.waves.create(waveRecord({ id: "w2", timeZone: "UTC" }));
    await ports.store.accounts.upsertImported([importedAccount(1, { waveId: "w2" })], T0);
    await accountAlong(ports, 2, "w2", ["Queued", "Syncing", "Synced"]);
    const { waves } = await waveStatus(ports);
    expect(waves[0]).toMatchObject({
      failureRate: null,
      eta: { wave: null, window: null, windowWorkFits: null },
      window: { open: false, start: "2025-03-03T19:00:00.000Z" },
      waiting: { "no cutover window is open": 1 },
    });
  });
});
