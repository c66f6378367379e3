/**
 * An import leaves room for other callers of the table service: on Azurite, whose one thread runs
 * requests in turn, every import transaction queued ahead of an operator's read delays it (with
 * eight in flight a status took up to 23 s during a 100,000-row import; bench/status-under-load).
 * The property that bounds that wait is how many requests the import keeps in flight at once.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { defineWave, type ImportedAccount } from "../../../shared/domain/index.js";
import { createStore } from "../../../shared/store/index.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

describe("an import's load on the table service", () => {
  it("keeps at most two requests in flight, however many accounts a batch holds", async () => {
    const store = await createStore({
      kind: "connectionString",
      connectionString: azurite.connectionString,
      tablePrefix: "load",
    });
    try {
      const now = new Date();
      await store.waves.create(defineWave({ id: "load", timeZone: "UTC" }, now));
      const accounts: ImportedAccount[] = Array.from({ length: 3_000 }, (_, n) => ({
        waveId: "load",
        source: { upn: `user${n}@source.example` },
        target: { upn: `user${n}@target.example` },
        priority: n % 10,
      }));
      const open = new Set<ClientRequest>();
      let most = 0;
      const onStart = (message: unknown): void => {
        open.add((message as { request: ClientRequest }).request);
        most = Math.max(most, open.size);
      };
      const onFinish = (message: unknown): void => {
        open.delete((message as { request: ClientRequest }).request);
      };
      subscribe("http.client.request.start", onStart);
      subscribe("http.client.response.finish", onFinish);
      try {
        const results = await store.accounts.upsertImported(accounts, now);
        expect(results.filter((result) => result.outcome === "created")).toHaveLength(accounts.length);
      } finally {
        unsubscribe("http.client.request.start", onStart);
        unsubscribe("http.client.response.finish", onFinish);
      }
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2);
      expect((await store.counters.waveCounts("load")).accounts).toBe(accounts.length);
    } finally {
      await store.close();
    }
  });
});
