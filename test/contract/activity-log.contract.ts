/**
 * What every ActivityLog must do, run against the in-memory fake and the Table Storage adapter:
 * records read back by time range and wave, and a record written twice (a retried write) counted
 * once, the first write standing.
 */
import { describe, expect, it } from "vitest";
import type { ActivityLog, ActivityRecord } from "../../shared/activity/port.js";

const T = Date.UTC(2030, 2, 5, 1, 0, 0);
const MINUTE = 60_000;

function slice(id: string, at: number, overrides: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    id,
    waveId: "w1",
    accountId: `${id}@contoso.com`,
    kind: "slice",
    at,
    requests: 3,
    throttled: 1,
    items: 2,
    bytes: 4_096,
    durationMs: 250,
    detail: "more",
    ...overrides,
  };
}

const byId = (records: readonly ActivityRecord[]): ActivityRecord[] =>
  [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Registers the contract suite for one ActivityLog implementation. */
export function activityLogContract(name: string, create: () => Promise<ActivityLog>): void {
  describe(`ActivityLog contract: ${name}`, () => {
    it("keeps every field of a record, with and without a detail", async () => {
      const log = await create();
      const failed = slice("b", T + 5, { kind: "failed", detail: "PermanentRefusal", bytes: 6_000_000_000 });
      const completed: ActivityRecord = { ...slice("a", T + 1, { kind: "completed" }) };
      const { detail: _none, ...plain } = completed;
      await log.record(failed);
      await log.record(plain);
      expect(byId(await log.between(T, T + MINUTE))).toEqual([plain, failed]);
    });

    it("reads [since, until): the start included, the end left out, across minutes", async () => {
      const log = await create();
      const records = [
        slice("early", T - 1),
        slice("start", T),
        slice("middle", T + 90 * 1_000),
        slice("last", T + 3 * MINUTE - 1),
        slice("end", T + 3 * MINUTE),
      ];
      await Promise.all(records.map((record) => log.record(record)));
      const read = await log.between(T, T + 3 * MINUTE);
      expect(read.map((record) => record.id).sort()).toEqual(["last", "middle", "start"]);
      expect(await log.between(T + 4 * MINUTE, T + 10 * MINUTE)).toEqual([]);
    });

    it("reads one wave, or every wave when none is named", async () => {
      const log = await create();
      // A wave id that is a prefix of another must not pull the other in.
      await log.record(slice("x", T, { waveId: "w1" }));
      await log.record(slice("y", T, { waveId: "w10" }));
      await log.record(slice("z", T, { waveId: "w/2" }));
      expect((await log.between(T, T + MINUTE, "w1")).map((record) => record.id)).toEqual(["x"]);
      expect((await log.between(T, T + MINUTE, "w/2")).map((record) => record.id)).toEqual(["z"]);
      expect((await log.between(T, T + MINUTE)).map((record) => record.id).sort()).toEqual(["x", "y", "z"]);
      expect(await log.between(T, T + MINUTE, "w3")).toEqual([]);
    });

    it("counts a record written twice once, at once or later, and the first write stands", async () => {
      const log = await create();
      const first = slice("dup", T);
      await Promise.all([log.record(first), log.record(first), log.record(slice("other", T))]);
      // A retried write of the same id never changes what was counted.
      await log.record({ ...first, requests: 99 });
      const read = await log.between(T, T + MINUTE);
      expect(byId(read)).toEqual([first, slice("other", T)]);
    });

    it("keeps the same id apart in two waves", async () => {
      const log = await create();
      await log.record(slice("same", T, { waveId: "w1" }));
      await log.record(slice("same", T, { waveId: "w2" }));
      expect(await log.between(T, T + MINUTE)).toHaveLength(2);
    });
  });
}
