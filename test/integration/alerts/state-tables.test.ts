/** Rule states in Table Storage (Azurite), through the real SDK: round trips and conditional writes. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import {
  advance,
  AlertStateConflictError,
  TablesAlertStateStore,
  type Observation,
} from "../../../shared/alerts/index.js";
import { createTableClient } from "../../../shared/azure/index.js";
import { alertStateStoreContract } from "../../contract/alert-state-store.contract.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

async function freshStore(): Promise<TablesAlertStateStore> {
  const table = createTableClient(
    {
      kind: "connectionString",
      connectionString: azurite.connectionString,
      tablePrefix: `t${randomBytes(5).toString("hex")}`,
    },
    "alerts",
  );
  await table.createTable();
  return new TablesAlertStateStore(table);
}

alertStateStoreContract("Table Storage (Azurite)", freshStore);

const observation = (subject: string, breached: boolean): Observation => ({
  rule: "dead-letters",
  subject,
  breached,
  value: breached ? 4 : 0,
  summary: breached ? "4 dead-lettered messages (up from 0)" : "no dead-lettered messages",
});

describe("alert states in Table Storage", () => {
  it("keeps every field of a rule's state across evaluations", async () => {
    const store = await freshStore();
    // A subject with characters row keys may not hold.
    const subject = "moves/$deadletter#1";
    const hold = { need: 1, of: 2 };
    const fired = advance(undefined, observation(subject, true), hold, 1_000, 60_000);
    const stored = await store.put(fired.next);
    expect(stored.etag).toBeDefined();
    const [read] = await store.list();
    expect(read).toEqual(stored);
    expect(read).toMatchObject({
      subject,
      status: "firing",
      recent: [true],
      since: 1_000,
      announcedAt: 1_000,
      announced: true,
    });
    // Still held by one breach of the last two; then two clear evaluations resolve it.
    const held = advance(read, observation(subject, false), hold, 2_000, 60_000);
    const again = await store.put(held.next);
    const resolved = advance(again, observation(subject, false), hold, 3_000, 60_000);
    await store.put(resolved.next);
    expect(await store.list()).toEqual([
      expect.objectContaining({ status: "resolved", recent: [false, false], changedAt: 3_000, since: 1_000 }),
    ]);
  });

  it("refuses a write based on a stale read, and a second first write", async () => {
    const store = await freshStore();
    const first = advance(undefined, observation("moves", true), { need: 1, of: 1 }, 1_000, 0).next;
    const stored = await store.put(first);
    await expect(store.put(first)).rejects.toBeInstanceOf(AlertStateConflictError);
    await store.put({ ...stored, summary: "another evaluation" });
    await expect(store.put({ ...stored, summary: "this evaluation" })).rejects.toBeInstanceOf(
      AlertStateConflictError,
    );
    expect((await store.list()).map((state) => state.summary)).toEqual(["another evaluation"]);
  });
});
