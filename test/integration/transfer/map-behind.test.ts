import { describe, expect, it } from "vitest";
import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";
import type { TransferStateStore } from "../../../shared/transfer/state/port.js";
import { mailboxPair, untilDone, useTransferHarness } from "./harness.js";

const WRITES = new Set([
  "saveFolder",
  "saveFolders",
  "deleteFolder",
  "putItem",
  "putItems",
  "deleteItem",
  "addRemovals",
  "deleteRemovals",
  "putBadItem",
]);

interface Write {
  readonly method: string;
  readonly args: unknown[];
}

/** The store, with every write it takes logged in order (a copy of its arguments). */
function logged(inner: TransferStateStore): { store: TransferStateStore; writes: Write[] } {
  const writes: Write[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver): unknown {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== "string" || !WRITES.has(property) || typeof value !== "function") return value;
      return (...args: unknown[]): unknown => {
        writes.push({ method: property, args: structuredClone(args) });
        return Reflect.apply(value, target, args) as unknown;
      };
    },
  });
  return { store, writes };
}

/** The store as it was after its first `count` writes: a store that lost its latest writes. */
async function rolledBack(writes: readonly Write[], count: number): Promise<InMemoryTransferState> {
  const state = new InMemoryTransferState();
  for (const write of writes.slice(0, count)) {
    const method: unknown = Reflect.get(state, write.method);
    if (typeof method !== "function") throw new Error(`no ${write.method} on the store`);
    await (Reflect.apply(method, state, write.args) as Promise<void>);
  }
  return state;
}

/** Whether a write records intents: the import of those items follows it. */
function recordsIntents(write: Write): boolean {
  const [, records] = write.args;
  return (
    write.method === "putItems" &&
    Array.isArray(records) &&
    records.some((record) => typeof record === "object" && record !== null && "pending" in record)
  );
}

/**
 * A store that loses its latest acknowledged writes (Azurite persisting to disk saves every few
 * seconds) rolls the item map and the folder checkpoints back together, while the target keeps
 * every copy made since. The copy then goes on from the rolled-back store.
 */
describe("an item map behind the target", () => {
  const harness = useTransferHarness({ mailboxes: 1, itemsPerMailbox: 60, seed: 23 });

  it("finds the copies the map lost and imports nothing twice", async () => {
    const { graph } = harness();
    const entry = graph.inventory()[0];
    if (!entry) throw new Error("no account");
    const { state, request } = await mailboxPair(harness(), entry);
    const { store, writes } = logged(state);
    await untilDone(() => request(Date.now() + 60_000, { state: store, pageSize: 5 }));
    expect(graph.inspect(entry.sourceUpn, entry.targetUpn).duplicated).toEqual([]);

    // Lost: everything from the intents of a page in the middle of the copy on.
    const intents = writes.flatMap((write, index) => (recordsIntents(write) ? [index] : []));
    const cut = intents[Math.floor(intents.length / 2)];
    if (cut === undefined) throw new Error("the copy recorded no intents");
    const behind = await rolledBack(writes, cut);
    const lostRows = writes
      .slice(cut)
      .filter(recordsIntents)
      .reduce((sum, write) => sum + (Array.isArray(write.args[1]) ? write.args[1].length : 0), 0);
    expect(lostRows).toBeGreaterThan(0);

    await untilDone(() => request(Date.now() + 60_000, { state: behind, pageSize: 5 }));
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ duplicated: report.duplicated.length, missing: report.missing.length }).toEqual({
      duplicated: 0,
      missing: 0,
    });
    expect(report.ok).toBe(true);
  });
});
