/** The activity log on Table Storage (Azurite): records written together, read back by time. */
import { randomBytes } from "node:crypto";
import { createHttpHeaders, type PipelinePolicy } from "@azure/core-rest-pipeline";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import type { ActivityRecord } from "../../../shared/activity/port.js";
import { TablesActivityLog } from "../../../shared/activity/tables.js";
import { activityLogContract } from "../../contract/activity-log.contract.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

async function freshLog(): Promise<TablesActivityLog> {
  const table = TableClient.fromConnectionString(
    azurite.connectionString,
    `act${randomBytes(5).toString("hex")}`,
    {
      allowInsecureConnection: true,
    },
  );
  await table.createTable();
  return new TablesActivityLog(table);
}

activityLogContract("Table Storage (Azurite)", freshLog);

const T = Date.UTC(2026, 10, 24, 1, 0, 0);

function slice(n: number, at: number): ActivityRecord {
  return {
    id: `acct${n}:1:0:1`,
    waveId: "w1",
    accountId: `user${n}@contoso.com`,
    kind: "slice",
    at,
    requests: n,
    throttled: 0,
    items: 1,
    bytes: 1_000,
    durationMs: 5,
  };
}

describe("activity log on Table Storage", () => {
  it("stores records written at once, more than one transaction holds, and reads them by time", async () => {
    const log = await freshLog();
    const records = Array.from({ length: 250 }, (_, n) => slice(n, T + (n % 2) * 60_000 + n));
    await Promise.all(records.map((record) => log.record(record)));
    const read = await log.between(T, T + 2 * 60_000, "w1");
    expect(read.map((record) => record.requests).sort((a, b) => a - b)).toEqual(records.map((_, n) => n));
    expect(await log.between(T, T + 60_000, "w1")).toHaveLength(125);
    expect(await log.between(T, T + 2 * 60_000, "other-wave")).toEqual([]);
  });

  it("keeps one row for a record written twice, together or later", async () => {
    const log = await freshLog();
    const record = slice(1, T);
    await Promise.all([log.record(record), log.record(record), log.record(slice(2, T))]);
    await log.record(record);
    await Promise.all([log.record(record), log.record(slice(3, T))]);
    const read = await log.between(T, T + 60_000);
    expect(read.map((entry) => entry.id).sort()).toEqual(["acct1:1:0:1", "acct2:1:0:1", "acct3:1:0:1"]);
  });

  it("fails only the writer of a record the service refuses, not the others sharing its transaction", async () => {
    const log = await freshLog();
    // Over Table Storage's 32K-character limit for one property.
    const refused = { ...slice(9, T), detail: "x".repeat(40_000) };
    const others = [slice(1, T), slice(2, T), slice(3, T)];
    const results = await Promise.allSettled([...others, refused].map((record) => log.record(record)));
    expect(results.map((result) => result.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
    ]);
    const read = await log.between(T, T + 60_000);
    expect(read.map((entry) => entry.id).sort()).toEqual(others.map((record) => record.id));
  });

  it("fails every writer at once when the service is unavailable, without asking it once per record", async () => {
    let singleWrites = 0;
    // The service answers every transaction with 503; single writes are only counted.
    const unavailable: PipelinePolicy = {
      name: "unavailable-transactions",
      sendRequest: async (request, next) => {
        if (request.url.includes("$batch"))
          return { request, status: 503, headers: createHttpHeaders(), bodyAsText: "" };
        if (request.method === "POST") singleWrites += 1;
        return next(request);
      },
    };
    const name = `act${randomBytes(5).toString("hex")}`;
    await TableClient.fromConnectionString(azurite.connectionString, name, {
      allowInsecureConnection: true,
    }).createTable();
    const log = new TablesActivityLog(
      TableClient.fromConnectionString(azurite.connectionString, name, {
        allowInsecureConnection: true,
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [{ policy: unavailable, position: "perCall" }],
      }),
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => log.record(slice(n, T))));
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(singleWrites).toBe(0);
  });
});
