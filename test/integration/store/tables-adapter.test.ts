/**
 * Behaviour specific to the Table Storage adapter, beyond the shared contract: many writers in one
 * partition (the counter shards' worst case) and listings merged from many partitions.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "../../../local/azurite/index.js";
import { accountIdFromUpn } from "../../../shared/domain/index.js";
import { createStore, type MigrationStore, StoreUnavailableError } from "../../../shared/store/index.js";
import { partitionOf } from "../../../shared/store/tables/keys.js";
import { importedAccount, request, T0, upn, waveRecord } from "../../factories/index.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

async function freshStore(): Promise<MigrationStore> {
  const store = await createStore({
    kind: "connectionString",
    connectionString: azurite.connectionString,
    tablePrefix: `t${randomBytes(5).toString("hex")}`,
  });
  await store.waves.create(waveRecord({ id: "w1" }));
  return store;
}

describe("Table Storage adapter", () => {
  it("keeps counters exact with a hundred concurrent writers in one partition", async () => {
    const store = await freshStore();
    const numbers: number[] = [];
    for (let n = 0; numbers.length < 100; n++) {
      if (partitionOf(accountIdFromUpn(upn(n, "source.contoso.com"))) === "a00") numbers.push(n);
    }
    await store.accounts.upsertImported(
      numbers.map((n) => importedAccount(n)),
      T0,
    );
    await Promise.all(
      numbers.map(async (n) => {
        const account = await store.accounts.get(accountIdFromUpn(upn(n, "source.contoso.com")));
        await store.accounts.transition(account.id, account.etag, "Queued", request());
      }),
    );
    const counts = await store.counters.waveCounts("w1");
    expect(counts.byStatus).toMatchObject({ Pending: 0, Queued: 100 });
    expect((await store.counters.repairCounters("w1")).drifted).toBe(false);
  });

  it("merges listings from every partition into one order, page by page", async () => {
    const store = await freshStore();
    const rows = Array.from({ length: 300 }, (_, n) => importedAccount(n, { priority: n % 3 }));
    await store.accounts.upsertImported(rows, T0);
    const expected = rows
      .map((row) => ({ id: accountIdFromUpn(row.source.upn), priority: row.priority }))
      .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1))
      .map((row) => row.id);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await store.accounts.listByStatus("w1", "Pending", {
        limit: 70,
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      seen.push(...page.items.map((account) => account.id));
      token = page.continuationToken;
    } while (token !== undefined);
    expect(seen).toEqual(expected);
  });

  it("refuses to send credentials over plain HTTP to a remote host", async () => {
    await expect(
      createStore({
        kind: "connectionString",
        connectionString:
          "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;TableEndpoint=http://example.com/a",
        tablePrefix: "x",
      }),
    ).rejects.toThrow(StoreUnavailableError);
  });
});
