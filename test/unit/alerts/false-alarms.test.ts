/**
 * Alerts that must not fire: a faulted wave's first minutes, pre-flight failures counted as the
 * migration's failure rate, and accounts that wait for a window as planned.
 */
import { describe, expect, it } from "vitest";
import { accountIdFromUpn } from "../../../shared/domain/index.js";
import { importedAccount, request, T0 } from "../../factories/index.js";
import { createHarness, type Harness } from "./harness.js";

let sequence = 0;

async function failedPreflight(h: Harness, count: number, failureClass = "TargetNotLicensed"): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    sequence += 1;
    await h.activity.record({
      id: `preflight-${sequence}`,
      waveId: "w1",
      accountId: `preflight-${sequence}`,
      kind: "failed",
      at: h.now().getTime() - 1_000,
      requests: 0,
      throttled: 0,
      items: 0,
      bytes: 0,
      durationMs: 0,
      detail: failureClass,
    });
  }
}

async function copied(h: Harness, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    sequence += 1;
    await h.activity.record({
      id: `copy-${sequence}`,
      waveId: "w1",
      accountId: `copied-${sequence}`,
      kind: "slice",
      at: h.now().getTime() - 1_000,
      requests: 4,
      throttled: 0,
      items: 10,
      bytes: 1_000,
      durationMs: 1_000,
      detail: "done",
    });
  }
}

async function rule(h: Harness, id: string): Promise<{ status: string; breached: boolean; summary: string }> {
  const run = await h.evaluate();
  const found = run.evaluations.find((entry) => entry.rule === id);
  if (found === undefined) throw new Error(`no evaluation of ${id}`);
  return { status: found.status, breached: found.breached, summary: found.summary };
}

describe("no false alarms", () => {
  it("does not count pre-flight failures in the failure rate; their own rule counts them", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_MIN_SAMPLE: "5", MAILFERRY_ALERT_FAILURE_PERCENT: "5" });
    await h.activeWave();
    // A faulted demo's first seconds: five planted licence failures end before anything copies.
    await failedPreflight(h, 5);
    const first = await h.evaluate();
    const failureRate = first.evaluations.find((entry) => entry.rule === "failure-rate");
    expect(failureRate?.breached).toBe(false);
    expect(failureRate?.summary).toMatch(/^0 accounts finished a step .*fewer than the 5/);
    const preflight = first.evaluations.find((entry) => entry.rule === "preflight-failures");
    expect(preflight?.breached).toBe(true);
    expect(preflight?.summary).toMatch(/^5 of 5 accounts failed pre-flight \(100\.0 %\)/);
    // Held for two of three evaluations, then it fires, under its own title.
    h.advance(1);
    expect((await rule(h, "preflight-failures")).status).toBe("firing");
    expect(h.channel.sent.map((notice) => notice.title)).toEqual(["Pre-flight failures in wave w1"]);
  });

  it("weighs failures against the accounts that finished a step, not only the settled ones", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_MIN_SAMPLE: "5", MAILFERRY_ALERT_FAILURE_PERCENT: "10" });
    await h.activeWave();
    // Three failures while copying, beside 57 accounts whose copies finished and wait for cutover.
    await h.outcomes("failed", 3);
    await copied(h, 57);
    const found = await rule(h, "failure-rate");
    expect(found.breached).toBe(false);
    expect(found.summary).toMatch(/^3 of 60 accounts that finished a step failed \(5\.0 %\)/);
  });

  it("does not call a wave stalled in its first minutes", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_STALL_MINUTES: "3" });
    // The window opened at midnight; the wave starts at noon with accounts in pre-flight.
    await h.activeWave();
    const imported = await h.store.accounts.upsertImported([importedAccount(1), importedAccount(2)], T0);
    for (const { accountId } of imported) {
      const account = await h.store.accounts.get(accountId);
      await h.store.accounts.transition(account.id, account.etag, "Queued", request());
    }
    const early = await rule(h, "stalled-wave");
    expect(early).toMatchObject({
      breached: false,
      summary: "the wave started or changed less than 3 min ago",
    });
    h.advance(4);
    expect((await rule(h, "stalled-wave")).breached).toBe(true);
  });

  it("does not call a wave stalled while its synced accounts wait for the next window", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_STALL_MINUTES: "30" });
    await h.activeWave();
    // Copied after today's window opened: the wave cuts them over in tomorrow's.
    for (const n of [1, 2]) {
      await h.store.accounts.upsertImported([importedAccount(n)], T0);
      let account = await h.store.accounts.get(accountIdFromUpn(importedAccount(n).source.upn));
      for (const to of ["Queued", "Syncing", "Synced"] as const) {
        account = await h.store.accounts.transition(account.id, account.etag, to, request({ at: T0 }));
      }
    }
    h.advance(45);
    const found = await rule(h, "stalled-wave");
    expect(found).toMatchObject({ breached: false, summary: "no account is waiting" });
  });
});
