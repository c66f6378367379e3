import { describe, expect, it } from "vitest";
import { InMemoryActivityLog } from "../../../shared/activity/memory.js";
import { InMemoryMoveQueue } from "../../../shared/bus/memory.js";
import { readPipelineSettings } from "../../../shared/config/pipeline.js";
import {
  accountIdFromUpn,
  type AccountStatus,
  type WaveSettings,
  WEEKDAYS,
} from "../../../shared/domain/index.js";
import { InMemoryReleaseLedger } from "../../../shared/releases/ledger.js";
import { runScheduler, type SchedulerPorts } from "../../../shared/scheduler/scheduler.js";
import { NO_ROOM } from "../../../shared/scheduler/synced.js";
import { createMemoryStore } from "../../../shared/store/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { importedAccount, waveRecord } from "../../factories/index.js";

// Every evening 19:00–07:00 UTC; the clock of each test is set explicitly.
const EVENING_WINDOW = { days: [...WEEKDAYS], start: "19:00", end: "07:00" };
const DAY_BEFORE = new Date("2030-03-04T12:00:00Z");
const AFTERNOON = new Date("2030-03-05T15:00:00Z");
const EVENING = new Date("2030-03-05T20:00:00Z");

interface Harness {
  readonly ports: SchedulerPorts & { moves: InMemoryMoveQueue };
  setNow(now: Date): void;
  /** Imports `count` accounts and walks them to `path`'s last status at `at`. */
  accounts(
    first: number,
    count: number,
    path: readonly AccountStatus[],
    at: Date,
    overrides?: Parameters<typeof importedAccount>[1],
  ): Promise<string[]>;
  statusOf(id: string): Promise<AccountStatus>;
}

async function harness(wave: Partial<WaveSettings>, capacity = 100): Promise<Harness> {
  let now = DAY_BEFORE;
  const store = createMemoryStore();
  const ports = {
    store,
    moves: new InMemoryMoveQueue(),
    releases: new InMemoryReleaseLedger(),
    activity: new InMemoryActivityLog(),
    pipeline: { ...readPipelineSettings({}), releaseMin: 50, releaseMax: 50 },
    logger: silentLogger,
    now: () => now,
  };
  await store.waves.create(
    waveRecord(
      { timeZone: "UTC", windows: [{ ...EVENING_WINDOW, capacity }], inFlightCap: 1000, ...wave },
      DAY_BEFORE,
    ),
  );
  await store.waves.updateStatus("w1", "Active", DAY_BEFORE);
  return {
    ports,
    setNow(next) {
      now = next;
    },
    async accounts(first, count, path, at, overrides = {}) {
      const rows = Array.from({ length: count }, (_, index) => importedAccount(first + index, overrides));
      await store.accounts.upsertImported(rows, at);
      const ids = rows.map((row) => accountIdFromUpn(row.source.upn));
      for (const id of ids) {
        for (const to of path) {
          const current = await store.accounts.get(id);
          await store.accounts.transition(id, current.etag, to, { reason: "setup", actor: "test", at });
        }
      }
      return ids;
    },
    async statusOf(id) {
      return (await store.accounts.get(id)).status;
    },
  };
}

describe("scheduler", () => {
  it("pre-stages outside windows but cuts nothing over there", async () => {
    const h = await harness({});
    const pending = await h.accounts(1, 3, [], DAY_BEFORE);
    const synced = await h.accounts(10, 2, ["Queued", "Syncing", "Synced"], DAY_BEFORE);
    h.setNow(new Date(DAY_BEFORE.getTime() + 60_000));
    const [run] = await runScheduler(h.ports, "test");
    expect(run).toMatchObject({ released: 3, cutovers: 0, waiting: { "no cutover window is open": 2 } });
    for (const id of pending) expect(await h.statusOf(id)).toBe("Queued");
    for (const id of synced) expect(await h.statusOf(id)).toBe("Synced");
    expect(h.ports.moves.sent.map((message) => message.pass)).toEqual(["initial", "initial", "initial"]);
  });

  it("starts no copy outside windows when the wave does not pre-stage", async () => {
    const h = await harness({ prestage: false });
    const [id] = await h.accounts(1, 1, [], DAY_BEFORE);
    h.setNow(AFTERNOON);
    const [run] = await runScheduler(h.ports, "test");
    expect(run).toMatchObject({
      released: 0,
      note: "no window open; this wave copies only inside its windows",
    });
    expect(await h.statusOf(id ?? "")).toBe("Pending");
  });

  it("cuts synced accounts over first, within the window's capacity across runs", async () => {
    const h = await harness({ incrementalHours: 0 }, 3);
    const synced = await h.accounts(1, 5, ["Queued", "Syncing", "Synced"], DAY_BEFORE);
    await h.accounts(20, 2, [], DAY_BEFORE);
    h.setNow(EVENING);
    const [first] = await runScheduler(h.ports, "test");
    expect(first).toMatchObject({ cutovers: 3, released: 2, capacityLeft: 0 });
    h.setNow(new Date(EVENING.getTime() + 60_000));
    const [second] = await runScheduler(h.ports, "test");
    expect(second).toMatchObject({ cutovers: 0, waiting: { "window capacity used": 2 } });
    const statuses = await Promise.all(synced.map((id) => h.statusOf(id)));
    expect(statuses.filter((status) => status === "Completing")).toHaveLength(3);
    const cutoverMessages = h.ports.moves.sent.filter((message) => message.pass === "cutover");
    expect(cutoverMessages).toHaveLength(3);
    // The cutover is a new pass: its messages carry the next round, so old slices are stale.
    expect(cutoverMessages.every((message) => message.round === 1)).toBe(true);
  });

  it("leaves an account synced after the window opened for the next window, or cuts it over when allowed", async () => {
    for (const [cutoverUnsynced, expected] of [
      [false, "Synced"],
      [true, "Completing"],
    ] as const) {
      const h = await harness({ cutoverUnsynced });
      const [id] = await h.accounts(1, 1, ["Queued", "Syncing", "Synced"], new Date("2030-03-05T19:30:00Z"));
      h.setNow(EVENING);
      await runScheduler(h.ports, "test");
      expect(await h.statusOf(id ?? "")).toBe(expected);
    }
  });

  it("cuts over at once what an operator asked to complete now, and holds what must complete later", async () => {
    const h = await harness({ completeAfter: "2030-03-05T22:00:00Z", incrementalHours: 0 });
    const [now, later] = await h.accounts(1, 2, ["Queued", "Syncing", "Synced"], DAY_BEFORE);
    const current = await h.ports.store.accounts.get(now ?? "");
    await h.ports.store.accounts.updateProgress(current.id, current.etag, {
      completeNow: AFTERNOON.toISOString(),
      at: AFTERNOON,
    });
    h.setNow(EVENING);
    const [run] = await runScheduler(h.ports, "test");
    expect(await h.statusOf(now ?? "")).toBe("Completing");
    expect(await h.statusOf(later ?? "")).toBe("Synced");
    expect(run?.waiting).toEqual({ "waits until 2030-03-05T22:00:00.000Z (complete after)": 1 });
  });

  it("outside windows scans the synced accounts instead of listing them, forcing cutovers in listing order", async () => {
    const h = await harness({ incrementalHours: 24 });
    const synced = ["Queued", "Syncing", "Synced"] as const;
    const oldest = await h.accounts(1, 47, synced, DAY_BEFORE);
    const urgent = await h.accounts(100, 3, synced, AFTERNOON, { priority: 7 });
    const newest = await h.accounts(200, 3, synced, AFTERNOON);
    for (const id of [...oldest, ...urgent, ...newest]) {
      const current = await h.ports.store.accounts.get(id);
      await h.ports.store.accounts.updateProgress(id, current.etag, {
        completeNow: AFTERNOON.toISOString(),
        at: AFTERNOON,
      });
    }
    const listed: AccountStatus[] = [];
    const accounts = h.ports.store.accounts;
    const listByStatus = accounts.listByStatus.bind(accounts);
    accounts.listByStatus = (waveId, status, page) => {
      listed.push(status);
      return listByStatus(waveId, status, page);
    };
    h.setNow(new Date(AFTERNOON.getTime() + 60_000));
    const [run] = await runScheduler(h.ports, "test");
    // The budget is 50: the 3 of higher priority, then the 47 longest synced.
    expect(run).toMatchObject({ cutovers: 50, waiting: { [NO_ROOM]: 3 } });
    for (const id of [...oldest, ...urgent]) expect(await h.statusOf(id)).toBe("Completing");
    for (const id of newest) expect(await h.statusOf(id)).toBe("Synced");
    expect(listed).not.toContain("Synced");
  });

  it("starts an incremental pass for synced accounts whose last pass is older than the interval", async () => {
    const h = await harness({ incrementalHours: 24 });
    const [stale] = await h.accounts(1, 1, ["Queued", "Syncing", "Synced"], new Date("2030-03-04T14:00:00Z"));
    const [fresh] = await h.accounts(2, 1, ["Queued", "Syncing", "Synced"], new Date("2030-03-05T10:00:00Z"));
    h.setNow(AFTERNOON);
    const [run] = await runScheduler(h.ports, "test");
    expect(run).toMatchObject({ incremental: 1 });
    expect(await h.statusOf(stale ?? "")).toBe("Syncing");
    expect(await h.statusOf(fresh ?? "")).toBe("Synced");
    expect(h.ports.moves.sent).toEqual([
      expect.objectContaining({ accountId: stale, pass: "incremental", round: 1, slice: 1 }),
    ]);
  });

  it("takes the window's capacity before starting cutovers, so a failed send cannot exceed it", async () => {
    const h = await harness({ incrementalHours: 0 }, 3);
    await h.accounts(1, 3, ["Queued", "Syncing", "Synced"], DAY_BEFORE);
    h.setNow(EVENING);
    h.ports.moves.send = () => Promise.reject(new Error("the broker is unavailable"));
    await expect(runScheduler(h.ports, "test")).rejects.toThrow(/unavailable/);
    const window = await h.ports.releases.get("w1", "2030-03-05T19:00:00.000Z");
    expect(window?.released).toBe(3);
  });

  it("keeps a wave that does not pre-stage inside its windows: no passes outside, copies within capacity", async () => {
    const h = await harness({ prestage: false, incrementalHours: 1 }, 2);
    const [synced] = await h.accounts(
      1,
      1,
      ["Queued", "Syncing", "Synced"],
      new Date("2030-03-04T10:00:00Z"),
    );
    await h.accounts(10, 5, [], DAY_BEFORE);
    h.setNow(AFTERNOON);
    const [outside] = await runScheduler(h.ports, "test");
    expect(outside).toMatchObject({ released: 0, incremental: 0, cutovers: 0 });
    expect(await h.statusOf(synced ?? "")).toBe("Synced");
    h.setNow(EVENING);
    const [inside] = await runScheduler(h.ports, "test");
    // Room for two cutovers: one for the synced account, one more copy to cut over later.
    expect(inside).toMatchObject({ cutovers: 1, released: 1 });
    // The copy still under way holds the window's last place: the next run starts none.
    h.setNow(new Date(EVENING.getTime() + 60_000));
    const [later] = await runScheduler(h.ports, "test");
    expect(later).toMatchObject({ released: 0 });
  });
});
