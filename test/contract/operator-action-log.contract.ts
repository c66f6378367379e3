/**
 * What every OperatorActionLog must do, run against the in-memory fake and the Table Storage
 * adapter: a record rewritten in place when its change ends, and the latest records newest first.
 */
import { describe, expect, it } from "vitest";
import type { OperatorAction, OperatorActionLog } from "../../shared/admin/actions/port.js";

const DAY = 24 * 60 * 60 * 1000;

function action(id: string, at: Date, overrides: Partial<OperatorAction> = {}): OperatorAction {
  return {
    id,
    at: at.toISOString(),
    actor: "ops@contoso.com",
    via: "http",
    action: "wave.pause",
    target: "wave w1",
    filter: { waveId: "w1", accounts: ["a@contoso.com"], all: false, limit: 3 },
    count: 0,
    outcome: "started",
    ...overrides,
  };
}

/** Registers the contract suite for one OperatorActionLog implementation. */
export function operatorActionLogContract(name: string, create: () => Promise<OperatorActionLog>): void {
  describe(`OperatorActionLog contract: ${name}`, () => {
    it("keeps every field of a record, the filter as the operator gave it", async () => {
      const log = await create();
      const record = action("a1", new Date(Date.now() - 60_000), {
        via: "cli",
        action: "deadletter.replay",
        target: "queue moves",
        count: 4,
        outcome: "completed",
        detail: "4 re-sent",
        finishedAt: new Date().toISOString(),
      });
      await log.put(record);
      expect(await log.list(10)).toEqual([record]);
    });

    it("rewrites a record with the same id and start in place when its change ends", async () => {
      const log = await create();
      const started = action("a1", new Date(Date.now() - 60_000), { detail: "starting" });
      await log.put(started);
      const { detail: _dropped, ...rest } = started;
      const ended: OperatorAction = {
        ...rest,
        outcome: "stopped",
        count: 2,
        finishedAt: new Date().toISOString(),
      };
      await log.put(ended);
      expect(await log.list(10)).toEqual([ended]);
    });

    it("lists the latest records newest first, across months, up to the limit", async () => {
      const log = await create();
      const now = Date.now();
      const records = [
        action("old", new Date(now - 70 * DAY)),
        action("newest", new Date(now - 1_000)),
        action("last-month", new Date(now - 35 * DAY)),
        action("today", new Date(now - 60_000)),
      ];
      for (const record of records) await log.put(record);
      expect((await log.list(10)).map((record) => record.id)).toEqual([
        "newest",
        "today",
        "last-month",
        "old",
      ]);
      expect((await log.list(2)).map((record) => record.id)).toEqual(["newest", "today"]);
      expect((await log.list(3)).map((record) => record.id)).toEqual(["newest", "today", "last-month"]);
    });

    it("orders records started in the same millisecond by id, in code-unit order", async () => {
      const log = await create();
      const at = new Date(Date.now() - 5_000);
      for (const id of ["b", "C", "a"]) await log.put(action(id, at));
      expect((await log.list(10)).map((record) => record.id)).toEqual(["C", "a", "b"]);
    });

    it("lists nothing when nothing was recorded", async () => {
      const log = await create();
      expect(await log.list(5)).toEqual([]);
    });

    it("keeps a change over very many accounts, with its count", async () => {
      const log = await create();
      const accounts = Array.from({ length: 2_000 }, (_, n) => `user${n}@contoso.com`);
      await log.put(
        action("big", new Date(Date.now() - 1_000), { action: "retry", filter: { accounts }, count: 2_000 }),
      );
      const [read] = await log.list(1);
      expect(read).toMatchObject({ id: "big", action: "retry", count: 2_000 });
    });
  });
}
