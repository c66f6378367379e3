import { describe, expect, it } from "vitest";
import {
  ACCOUNT_STATUSES,
  ACCOUNT_TRANSITIONS,
  applyClaim,
  applyProgress,
  applyRelease,
  applyTransition,
  type AccountRecord,
  type AccountStatus,
  canTransition,
  IllegalTransitionError,
  LeaseHeldError,
  newAccount,
} from "../../../shared/domain/index.js";
import { ValidationError } from "../../../shared/errors.js";
import { at, importedAccount, T0 } from "../../factories/index.js";

const details = { reason: "test", actor: "tester", at: T0 };
const failure = { class: "Permanent", code: "UserNotFound", message: "no such user" };

function walk(path: readonly AccountStatus[]): AccountRecord {
  let account = newAccount(importedAccount(1), T0);
  for (const to of path) account = applyTransition(account, to, { ...details, error: failure }).next;
  return account;
}

describe("account transitions", () => {
  it("has a row for every status and only known statuses in it", () => {
    expect(Object.keys(ACCOUNT_TRANSITIONS).sort()).toEqual([...ACCOUNT_STATUSES].sort());
    for (const targets of Object.values(ACCOUNT_TRANSITIONS)) {
      for (const to of targets) expect(ACCOUNT_STATUSES).toContain(to);
    }
  });

  it("allows the main path and refuses skipping steps or going back", () => {
    expect(canTransition("Pending", "Queued")).toBe(true);
    expect(canTransition("Completing", "CompletedWithWarnings")).toBe(true);
    expect(canTransition("Pending", "Syncing")).toBe(false);
    expect(canTransition("Synced", "Queued")).toBe(false);
    expect(canTransition("Syncing", "Completing")).toBe(false);
    expect(canTransition("Completed", "Failed")).toBe(false);
  });

  it("numbers passes: each incremental pass and the cutover add one, and a retry keeps the number", () => {
    const synced = walk(["Queued", "Syncing", "Synced"]);
    expect(synced).toMatchObject({ round: 0, syncedAt: T0.toISOString() });
    const incremental = applyTransition(synced, "Syncing", { ...details, at: at(60) }).next;
    expect(incremental.round).toBe(1);
    const again = applyTransition(incremental, "Synced", { ...details, at: at(120) }).next;
    // The first finish is what a window compares against; later passes do not move it.
    expect(again).toMatchObject({ round: 1, syncedAt: T0.toISOString(), statusSince: at(120).toISOString() });
    const cutover = applyTransition(again, "Completing", details).next;
    expect(cutover.round).toBe(2);
    const failed = applyTransition(cutover, "Failed", { ...details, error: failure }).next;
    expect(failed.round).toBe(2);
    expect(applyTransition(failed, "Queued", details).next).toMatchObject({ round: 2, attempt: 2, slice: 0 });
  });

  it("keeps per-account cutover times as instants and clears them with null", () => {
    const account = walk(["Queued", "Syncing", "Synced"]);
    const set = applyProgress(account, {
      completeAfter: "2030-01-01T19:00:00+01:00",
      completeNow: null,
      at: at(1),
    });
    expect(set.completeAfter).toBe("2030-01-01T18:00:00.000Z");
    expect(set.completeNow).toBeUndefined();
    expect(applyProgress(set, { completeAfter: null, at: at(2) }).completeAfter).toBeUndefined();
    expect(() => applyProgress(account, { completeNow: "soon", at: at(1) })).toThrow(/completeNow/);
  });

  it("refuses same-status moves, explaining that they are progress updates", () => {
    const syncing = walk(["Queued", "Syncing"]);
    expect(() => applyTransition(syncing, "Syncing", details)).toThrow(IllegalTransitionError);
    expect(() => applyTransition(syncing, "Syncing", details)).toThrow(/progress update/);
  });

  it("counts attempts on release and retry and restarts slices", () => {
    const first = walk(["Queued", "Syncing"]);
    expect(first.attempt).toBe(1);
    const withSlices = applyProgress(first, { slice: 7, at: at(1) });
    const failed = applyTransition(withSlices, "Failed", { ...details, error: failure });
    expect(failed.next).toMatchObject({ status: "Failed", attempt: 1, slice: 7, lastError: failure });
    const retried = applyTransition(failed.next, "Queued", details);
    expect(retried.next).toMatchObject({ status: "Queued", attempt: 2, slice: 0, transitions: 4 });
    expect(retried.audit).toMatchObject({ seq: 4, from: "Failed", to: "Queued", attempt: 2 });
  });

  it("requires an error for Failed, and a reason and actor always", () => {
    const queued = walk(["Queued"]);
    expect(() => applyTransition(queued, "Failed", details)).toThrow(ValidationError);
    expect(() => applyTransition(queued, "Stopped", { ...details, reason: " " })).toThrow(ValidationError);
    expect(() => applyTransition(queued, "Stopped", { ...details, actor: "" })).toThrow(ValidationError);
  });
});

describe("leases", () => {
  const account = newAccount(importedAccount(1), T0);

  it("are taken, renewed by the holder, refused to others while live, and taken over after", () => {
    const held = applyClaim(account, "a", 60_000, T0);
    expect(held.lease).toEqual({ owner: "a", expiresAt: at(1).toISOString() });
    expect(() => applyClaim(held, "b", 1_000, at(0.5))).toThrow(LeaseHeldError);
    expect(applyClaim(held, "a", 60_000, at(0.5)).lease?.expiresAt).toBe(at(1.5).toISOString());
    expect(applyClaim(held, "b", 60_000, at(1)).lease?.owner).toBe("b");
  });

  it("are released only by their holder", () => {
    const held = applyClaim(account, "a", 60_000, T0);
    expect(applyRelease(held, "b", T0)).toBeUndefined();
    expect(applyRelease(held, "a", T0)?.lease).toBeUndefined();
  });

  it("reject nonsense durations", () => {
    expect(() => applyClaim(account, "a", 0, T0)).toThrow(ValidationError);
    expect(() => applyClaim(account, "a", 1.5, T0)).toThrow(ValidationError);
    expect(() => applyClaim(account, "", 1000, T0)).toThrow(ValidationError);
  });
});
