import { describe, expect, it } from "vitest";
import { accountIdFromUpn, defineWave } from "../../../shared/domain/index.js";
import { importedAccount, request, T0 } from "../../factories/index.js";
import { createHarness, type Harness } from "./harness.js";

async function queueAccounts(h: Harness, count: number, waveId = "w1"): Promise<void> {
  const imported = await h.store.accounts.upsertImported(
    Array.from({ length: count }, (_, n) => importedAccount(n, { waveId })),
    T0,
  );
  for (const { accountId } of imported) {
    const account = await h.store.accounts.get(accountId);
    await h.store.accounts.transition(account.id, account.etag, "Queued", request());
  }
}

function importedAccountId(n: number): string {
  return accountIdFromUpn(importedAccount(n).source.upn);
}

async function stalled(h: Harness): Promise<string> {
  const run = await h.evaluate();
  const evaluation = run.evaluations.find((entry) => entry.rule === "stalled-wave");
  return `${evaluation?.status ?? "?"}${evaluation?.notice ? `:${evaluation.notice}` : ""}`;
}

describe("stalled-wave rule", () => {
  it("fires when accounts wait in an open window and nothing progressed for the stall period", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_STALL_MINUTES: "30" });
    await h.activeWave();
    await queueAccounts(h, 3);
    await h.slice(10, 0);
    expect(await stalled(h)).toBe("ok");
    h.advance(29);
    expect(await stalled(h)).toBe("ok");
    h.advance(2);
    expect(await stalled(h)).toBe("firing:firing");
    expect(h.channel.sent[0]?.summary).toMatch(/^3 accounts waiting \(3 in flight, 0 pending or synced\)/);
    // Progress again clears it.
    await h.slice(10, 0);
    expect(await stalled(h)).toBe("resolved:resolved");
  });

  it("stays quiet without waiting accounts, outside windows, and for paused waves", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_STALL_MINUTES: "30" });
    await h.activeWave();
    h.advance(60);
    expect(await stalled(h)).toBe("ok");

    // Nightly windows only: at noon none is open.
    await h.store.waves.create(defineWave({ id: "w2", timeZone: "UTC" }, T0));
    await h.store.waves.updateStatus("w2", "Active", T0);
    await queueAccounts(h, 2, "w2");
    await h.store.waves.updateStatus("w1", "Paused", h.now());
    const run = await h.evaluate();
    const stalls = run.evaluations.filter((entry) => entry.rule === "stalled-wave");
    expect(stalls.map((entry) => [entry.subject, entry.breached, entry.summary])).toEqual([
      ["w1", false, "the wave is Paused"],
      ["w2", false, "no window is open"],
    ]);
  });

  it("counts Pending accounts only while the window has capacity left", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_STALL_MINUTES: "30" });
    await h.activeWave();
    await h.store.accounts.upsertImported([importedAccount(1), importedAccount(2)], T0);
    h.advance(45);
    expect(await stalled(h)).toBe("firing:firing");
    // The window released all it may: Pending accounts wait for the next one, as planned.
    const windowStart = new Date(Date.UTC(2025, 2, 3)).toISOString();
    await h.releases.put({ waveId: "w1", windowStart, released: 1_000, rate: 50 });
    h.advance(5);
    expect(await stalled(h)).toBe("resolved:resolved");
  });

  it("counts Synced accounts the open window may cut over like Pending ones", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_STALL_MINUTES: "30" });
    await h.activeWave();
    await queueAccounts(h, 2);
    // Synced the evening before the window opened at midnight: it may cut them over.
    const before = new Date(T0.getTime() - 13 * 3_600_000);
    for (const n of [0, 1]) {
      for (const to of ["Syncing", "Synced"] as const) {
        const account = await h.store.accounts.get(importedAccountId(n));
        await h.store.accounts.transition(account.id, account.etag, to, request({ at: before }));
      }
    }
    h.advance(45);
    expect(await stalled(h)).toBe("firing:firing");
    expect(h.channel.sent[0]?.summary).toMatch(/^2 accounts waiting \(0 in flight, 2 pending or synced\)/);
    // The window's cutovers are all used: pre-staged accounts wait for the next one, as planned.
    const windowStart = new Date(Date.UTC(2025, 2, 3)).toISOString();
    await h.releases.put({ waveId: "w1", windowStart, released: 1_000, rate: 50 });
    h.advance(5);
    expect(await stalled(h)).toBe("resolved:resolved");
  });
});

describe("throttling rule", () => {
  it("fires when the throttled share stays above the threshold with enough requests", async () => {
    const h = await createHarness({
      MAILFERRY_ALERT_THROTTLED_PERCENT: "10",
      MAILFERRY_ALERT_MIN_REQUESTS: "100",
    });
    await h.activeWave();
    const throttling = async (): Promise<string> => {
      const run = await h.evaluate();
      const evaluation = run.evaluations.find((entry) => entry.rule === "throttling");
      return `${evaluation?.status ?? "?"}${evaluation?.notice ? `:${evaluation.notice}` : ""}`;
    };
    // 10 % of too few requests to judge.
    await h.slice(50, 5);
    expect(await throttling()).toBe("ok");
    // 200 requests, 10 % throttled: at the threshold, not above.
    await h.slice(150, 15);
    h.advance(1);
    expect(await throttling()).toBe("ok");
    // 300 requests, 50 throttled: above it, once and then again.
    await h.slice(100, 30);
    h.advance(1);
    expect(await throttling()).toBe("ok");
    h.advance(1);
    expect(await throttling()).toBe("firing:firing");
    expect(h.channel.sent[0]).toMatchObject({ rule: "throttling", severity: "warning" });
    expect(h.channel.sent[0]?.summary).toMatch(/^50 of 300 Graph requests throttled \(16\.7 %\)/);
  });
});

describe("stalled-wave rule for hybrid waves", () => {
  it("fires for moves stalled in Exchange for the stall period, before any window opens", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_STALL_MINUTES: "30" });
    await h.store.waves.create(
      defineWave(
        {
          id: "h1",
          timeZone: "UTC",
          engine: "hybrid",
          hybrid: { endpoint: "onprem", targetDeliveryDomain: "contoso.mail.onmicrosoft.com" },
        },
        T0,
      ),
    );
    await h.store.waves.updateStatus("h1", "Active", T0);
    await queueAccounts(h, 2, "h1");
    const account = await h.store.accounts.get(importedAccountId(0));
    const syncing = await h.store.accounts.transition(account.id, account.etag, "Syncing", request());
    const stalledSince = h.now().toISOString();
    await h.store.accounts.updateProgress(syncing.id, syncing.etag, {
      checkpoint: JSON.stringify({
        engine: "hybrid",
        v: 1,
        batch: "mf-h1-later",
        submittedAttempt: 1,
        statusDetail: "StalledDueToTarget_MdbAvailability",
        stalledSince,
        finalized: [],
        warnings: [],
      }),
      at: h.now(),
    });
    const summary = async (): Promise<string | undefined> =>
      (await h.evaluate()).evaluations.find(
        (entry) => entry.rule === "stalled-wave" && entry.subject === "h1",
      )?.summary;
    h.advance(20);
    expect(await summary()).toBe("no window is open");
    h.advance(11);
    expect(await summary()).toBe(
      "1 move stalled in Exchange for over 30 min (StalledDueToTarget_MdbAvailability)",
    );
  });
});
