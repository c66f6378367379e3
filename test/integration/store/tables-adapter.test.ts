/**
 * Behaviour specific to the Table Storage adapter, beyond the shared contract: many writers in one
 * partition (the counter shards' worst case) and listings merged from many partitions.
 */
import { randomBytes } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { type Account, accountIdFromUpn, LeaseHeldError } from "../../../shared/domain/index.js";
import { ValidationError } from "../../../shared/errors.js";
import {
  ConcurrencyConflictError,
  createStore,
  type MigrationStore,
  StoreUnavailableError,
} from "../../../shared/store/index.js";
import { tableName } from "../../../shared/azure/index.js";
import { TableClient } from "@azure/data-tables";
import { auditEntity } from "../../../shared/store/tables/entities.js";
import { HISTORY_KEPT, HISTORY_MAX_CHARS } from "../../../shared/store/tables/history.js";
import { accountRowKey, auditPrefix, partitionOf, prefixEnd } from "../../../shared/store/tables/keys.js";
import { importedAccount, request, T0, upn, waveRecord } from "../../factories/index.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

const freshPrefix = (): string => `t${randomBytes(5).toString("hex")}`;

/** The accounts table of a store made with `prefix`, read and written directly. */
function accountsTable(prefix: string): TableClient {
  return TableClient.fromConnectionString(
    azurite.connectionString,
    tableName({ tablePrefix: prefix }, "accounts"),
    {
      allowInsecureConnection: true,
    },
  );
}

/** The audit rows stored for one account (records that no longer fit in its row). */
async function auditRows(table: TableClient, accountId: string): Promise<number> {
  const prefix = auditPrefix(accountId);
  let rows = 0;
  for await (const _row of table.listEntities({
    queryOptions: {
      filter: `PartitionKey eq '${partitionOf(accountId)}' and RowKey ge '${prefix}' and RowKey lt '${prefixEnd(prefix)}'`,
    },
  }))
    rows += 1;
  return rows;
}

async function freshStore(prefix = freshPrefix()): Promise<MigrationStore> {
  const store = await createStore({
    kind: "connectionString",
    connectionString: azurite.connectionString,
    tablePrefix: prefix,
  });
  if ((await store.waves.list()).length === 0) await store.waves.create(waveRecord({ id: "w1" }));
  return store;
}

/** One imported account `n` in a fresh store, with its accounts table for direct reads and writes. */
async function freshAccount(n: number) {
  const prefix = freshPrefix();
  const store = await freshStore(prefix);
  await store.accounts.upsertImported([importedAccount(n)], T0);
  const id = accountIdFromUpn(upn(n, "source.contoso.com"));
  return { prefix, store, table: accountsTable(prefix), id, account: await store.accounts.get(id) };
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

  it("never acts on what it remembers when another process changed the account since", async () => {
    // Two processes over the same tables, each remembering the accounts and counter shards it wrote.
    const prefix = `t${randomBytes(5).toString("hex")}`;
    const one = await freshStore(prefix);
    const other = await freshStore(prefix);
    const id = accountIdFromUpn(upn(1, "source.contoso.com"));
    await one.accounts.upsertImported([importedAccount(1)], T0);
    const seenByOne = await one.accounts.get(id);
    const queued = await other.accounts.transition(
      id,
      (await other.accounts.get(id)).etag,
      "Queued",
      request(),
    );
    // What `one` remembers is stale: a peek may show it, but writes go by the stored row.
    expect((await one.accounts.peek(id))?.status).toBe("Pending");
    await expect(one.accounts.transition(id, seenByOne.etag, "Skipped", request())).rejects.toThrow(
      ConcurrencyConflictError,
    );
    // A refused write shows the memory was stale: it is forgotten, so a peek reads the row.
    expect((await one.accounts.peek(id))?.etag).toBe(queued.etag);
    const claimed = await one.accounts.claim(id, "worker-1", 60_000, T0);
    expect(claimed).toMatchObject({ status: "Queued", lease: { owner: "worker-1" } });
    expect((await other.accounts.get(id)).etag).toBe(claimed.etag);
    expect(claimed.etag).not.toBe(queued.etag);
    await expect(other.accounts.claim(id, "worker-2", 60_000, T0)).rejects.toThrow(LeaseHeldError);
    const released = await one.accounts.release(id, "worker-1", T0);
    expect(released.lease).toBeUndefined();
    expect((await other.accounts.claim(id, "worker-2", 60_000, T0)).lease?.owner).toBe("worker-2");
  });

  it("keeps counters exact when two processes write the same partition's shards", async () => {
    const prefix = `t${randomBytes(5).toString("hex")}`;
    const one = await freshStore(prefix);
    const other = await freshStore(prefix);
    const numbers: number[] = [];
    for (let n = 0; numbers.length < 60; n++) {
      if (partitionOf(accountIdFromUpn(upn(n, "source.contoso.com"))) === "a01") numbers.push(n);
    }
    await one.accounts.upsertImported(
      numbers.map((n) => importedAccount(n)),
      T0,
    );
    await Promise.all(
      numbers.map(async (n, index) => {
        const store = index % 2 === 0 ? one : other;
        const account = await store.accounts.get(accountIdFromUpn(upn(n, "source.contoso.com")));
        const queued = await store.accounts.transition(account.id, account.etag, "Queued", request());
        await store.accounts.transition(queued.id, queued.etag, "Syncing", request());
      }),
    );
    for (const store of [one, other]) {
      const counts = await store.counters.waveCounts("w1");
      expect(counts.byStatus).toMatchObject({ Pending: 0, Queued: 0, Syncing: numbers.length });
    }
    expect((await one.counters.repairCounters("w1")).drifted).toBe(false);
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

  it("scans accounts page by page within partitions, and writes a scanned version without reading it", async () => {
    const store = await freshStore();
    const rows = Array.from({ length: 300 }, (_, n) => importedAccount(n));
    await store.accounts.upsertImported(rows, T0);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let scanned: Account[] = [];
    do {
      const page = await store.accounts.scanByStatus("w1", "Pending", {
        limit: 7,
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      if (pages === 0) scanned = [...page.items];
      seen.push(...page.items.map((account) => account.id));
      token = page.continuationToken;
      pages += 1;
    } while (token !== undefined);
    expect(seen.sort()).toEqual(rows.map((row) => accountIdFromUpn(row.source.upn)).sort());
    // Pages end inside partitions too: more pages than partitions.
    expect(pages).toBeGreaterThan(300 / 7);
    // Requests the transition sends, seen on their way out.
    const methods: string[] = [];
    const watch = (message: unknown): void => {
      methods.push((message as { request: ClientRequest }).request.method);
    };
    subscribe("http.client.request.start", watch);
    const moved = await store.accounts.transitionMany(scanned, "Queued", request()).finally(() => {
      unsubscribe("http.client.request.start", watch);
    });
    expect(moved.every((account) => account?.status === "Queued")).toBe(true);
    expect(methods.length).toBeGreaterThan(0);
    expect(methods).not.toContain("GET");

    const first = await store.accounts.scanByStatus("w1", "Pending", { limit: 1 });
    const position = JSON.parse(
      Buffer.from(first.continuationToken ?? "", "base64url").toString("utf8"),
    ) as object;
    const forged = Buffer.from(JSON.stringify({ ...position, within: "not the service's" }), "utf8").toString(
      "base64url",
    );
    await expect(store.accounts.scanByStatus("w1", "Pending", { continuationToken: forged })).rejects.toThrow(
      ValidationError,
    );
  });

  it("keeps recent audit records in the account's row and spills only older ones into audit rows", async () => {
    const fresh = await freshAccount(1);
    const { store, table, id } = fresh;
    let account = fresh.account;
    for (const to of ["Queued", "Syncing", "Synced"] as const)
      account = await store.accounts.transition(id, account.etag, to, request());
    expect(await auditRows(table, id)).toBe(0);
    for (let pass = 0; pass < HISTORY_KEPT; pass += 1) {
      account = await store.accounts.transition(
        id,
        account.etag,
        pass % 2 === 0 ? "Syncing" : "Synced",
        request(),
      );
    }
    const changes = 3 + HISTORY_KEPT;
    expect(await auditRows(table, id)).toBe(changes - HISTORY_KEPT);
    expect((await store.accounts.history(id)).map((record) => record.seq)).toEqual(
      Array.from({ length: changes }, (_, i) => i + 1),
    );
  });

  it("reads audit rows written before histories were kept in rows, and goes on from them", async () => {
    const fresh = await freshAccount(2);
    const { prefix, store, table, id } = fresh;
    let account = fresh.account;
    account = await store.accounts.transition(id, account.etag, "Queued", request({ reason: "first" }));
    account = await store.accounts.transition(id, account.etag, "Syncing", request({ reason: "second" }));
    const older = await store.accounts.history(id);
    // The row as earlier code wrote it: no kept history, one audit row per change.
    const { history: _kept, etag: _etag, ...row } = await table.getEntity(partitionOf(id), accountRowKey(id));
    await table.updateEntity(row as { partitionKey: string; rowKey: string }, "Replace");
    for (const record of older) await table.createEntity(auditEntity(record));
    const other = await freshStore(prefix);
    account = await other.accounts.get(id);
    await other.accounts.transition(id, account.etag, "Synced", request({ reason: "third" }));
    expect((await other.accounts.history(id)).map((record) => `${record.seq}:${record.reason}`)).toEqual([
      "1:first",
      "2:second",
      "3:third",
    ]);
  });

  it("refuses a malformed kept history with an error naming the account, and still reads the account", async () => {
    const { prefix, store, table, id, account } = await freshAccount(3);
    await store.accounts.transition(id, account.etag, "Queued", request());
    const malformed = '[{"seq":';
    await table.updateEntity(
      { partitionKey: partitionOf(id), rowKey: accountRowKey(id), history: malformed },
      "Merge",
    );
    const other = await freshStore(prefix);
    await expect(other.accounts.history(id)).rejects.toThrow(
      new RegExp(`account ${id} has a malformed history`),
    );
    await expect(other.accounts.history(id)).rejects.toThrow(StoreUnavailableError);
    // Reads, listings and writes that add no record carry the stored text over as it is.
    expect((await other.accounts.get(id)).status).toBe("Queued");
    const listed = await other.accounts.listByStatus("w1", "Queued");
    expect(listed.items.map((item) => item.id)).toEqual([id]);
    await other.accounts.claim(id, "worker-1", 60_000, T0);
    const released = await other.accounts.release(id, "worker-1", T0);
    const row = await table.getEntity(partitionOf(id), accountRowKey(id));
    expect(row.history).toBe(malformed);
    await expect(other.accounts.transition(id, released.etag, "Syncing", request())).rejects.toThrow(
      StoreUnavailableError,
    );
  });

  it("moves a record too large for the row to its audit row at once", async () => {
    const fresh = await freshAccount(4);
    const { store, table, id } = fresh;
    let account = fresh.account;
    account = await store.accounts.transition(id, account.etag, "Queued", request({ reason: "released" }));
    // Control characters take six characters each in JSON: this record alone outgrows the row.
    const noisy = "\u0001".repeat(4_000);
    await store.accounts.transition(id, account.etag, "Failed", {
      ...request({ reason: noisy }),
      error: { class: "Transient", code: "Noise", message: noisy },
    });
    const row = await table.getEntity(partitionOf(id), accountRowKey(id));
    expect(typeof row.history === "string" ? row.history.length : 0).toBeLessThanOrEqual(HISTORY_MAX_CHARS);
    const history = await store.accounts.history(id);
    expect(history.map((record) => [record.seq, record.to, record.reason.length])).toEqual([
      [1, "Queued", "released".length],
      [2, "Failed", 4_000],
    ]);
    expect(history[1]?.error?.message).toBe(noisy);
  });

  it("refuses to send credentials over plain HTTP to a remote host, naming the setting", async () => {
    await expect(
      createStore({
        kind: "connectionString",
        connectionString:
          "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=a2V5;TableEndpoint=http://example.com/a",
        tablePrefix: "x",
      }),
    ).rejects.toThrow(/^setting MailferryTables: .*example\.com/);
  });
});
