/**
 * What every AlertStateStore must do, run against the in-memory fake and the Table Storage
 * adapter: every field of a rule's state kept, and writes that are conditional (a first write only
 * where none exists, a later one only on the version read), refused with AlertStateConflictError.
 */
import { describe, expect, it } from "vitest";
import { AlertStateConflictError } from "../../shared/alerts/errors.js";
import type { RuleState } from "../../shared/alerts/state/machine.js";
import type { AlertStateStore } from "../../shared/alerts/state/port.js";

function firing(subject: string, overrides: Partial<RuleState> = {}): RuleState {
  return {
    rule: "dead-letters",
    subject,
    status: "firing",
    recent: [false, true, true],
    value: 4,
    summary: "4 dead-lettered messages (up from 0)",
    evaluatedAt: 3_000,
    changedAt: 2_000,
    since: 2_000,
    announcedAt: 2_000,
    announced: true,
    ...overrides,
  };
}

const bySubject = (states: readonly RuleState[]): RuleState[] =>
  [...states].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));

/** Registers the contract suite for one AlertStateStore implementation. */
export function alertStateStoreContract(name: string, create: () => Promise<AlertStateStore>): void {
  describe(`AlertStateStore contract: ${name}`, () => {
    it("keeps every field of a state, and gives each write a new etag", async () => {
      const store = await create();
      // A subject with characters a row key may not hold.
      const stored = await store.put(firing("moves/$deadletter#1?"));
      expect(stored.etag).toEqual(expect.any(String));
      expect(await store.list()).toEqual([stored]);
      const { since: _since, announcedAt: _announcedAt, ...ok } = stored;
      const next = await store.put({ ...ok, status: "ok", recent: [], announced: false });
      expect(next.etag).not.toBe(stored.etag);
      expect(await store.list()).toEqual([next]);
    });

    it("keeps the same subject apart under two rules", async () => {
      const store = await create();
      const a = await store.put(firing("moves"));
      const b = await store.put(firing("moves", { rule: "failure-rate", value: 0.4 }));
      const listed = await store.list();
      expect(listed).toHaveLength(2);
      expect(listed).toEqual(expect.arrayContaining([a, b]));
    });

    it("refuses a second first write with AlertStateConflictError, keeping the first", async () => {
      const store = await create();
      const first = await store.put(firing("moves", { summary: "first" }));
      await expect(store.put(firing("moves", { summary: "second" }))).rejects.toBeInstanceOf(
        AlertStateConflictError,
      );
      expect(await store.list()).toEqual([first]);
    });

    it("refuses a write based on a stale read with AlertStateConflictError", async () => {
      const store = await create();
      const read = await store.put(firing("moves"));
      const other = await store.put({ ...read, summary: "another evaluation" });
      const refused = store.put({ ...read, summary: "this evaluation" });
      await expect(refused).rejects.toBeInstanceOf(AlertStateConflictError);
      await expect(refused).rejects.toMatchObject({ name: "AlertStateConflictError" });
      expect(await store.list()).toEqual([other]);
    });

    it("refuses a write based on a read of a state that is not there with AlertStateConflictError", async () => {
      const store = await create();
      const stored = await store.put(firing("moves"));
      // The etag of another rule's state: this one was never stored.
      await expect(store.put(firing("cutovers", { etag: stored.etag ?? "" }))).rejects.toBeInstanceOf(
        AlertStateConflictError,
      );
      expect(await store.list()).toEqual([stored]);
    });

    it("lets writes to different subjects go on side by side", async () => {
      const store = await create();
      const subjects = ["a", "b", "c", "d"];
      const stored = await Promise.all(subjects.map((subject) => store.put(firing(subject))));
      expect(bySubject(await store.list())).toEqual(bySubject(stored));
    });
  });
}
