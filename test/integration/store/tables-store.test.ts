import { randomBytes } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { addDelta, emptyCounts } from "../../../shared/domain/index.js";
import { tableName } from "../../../shared/azure/index.js";
import { createStore } from "../../../shared/store/index.js";
import { counterEntity, countsFrom } from "../../../shared/store/tables/entities.js";
import { counterRowKey } from "../../../shared/store/tables/keys.js";
import { migrationStoreContract } from "../../contract/migration-store.contract.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

migrationStoreContract("Table Storage on Azurite", async () => {
  // A fresh prefix per test: fresh tables, nothing shared with other tests.
  const tablePrefix = `t${randomBytes(5).toString("hex")}`;
  const store = await createStore({
    kind: "connectionString",
    connectionString: azurite.connectionString,
    tablePrefix,
  });
  const accounts = TableClient.fromConnectionString(
    azurite.connectionString,
    tableName({ tablePrefix }, "accounts"),
    {
      allowInsecureConnection: true,
    },
  );
  return {
    store,
    async corruptCounters(delta) {
      // Rewrite one counter shard behind the store's back, as a lost update would leave it.
      const partition = "a00";
      const rowKey = counterRowKey(delta.waveId, 0);
      const current = await accounts.getEntity(partition, rowKey).then(
        (row) => countsFrom(row),
        () => emptyCounts(delta.waveId),
      );
      await accounts.upsertEntity(counterEntity(partition, 0, addDelta(current, delta)), "Replace");
    },
    async dispose() {
      await store.close();
      await Promise.all([
        accounts.deleteTable(),
        TableClient.fromConnectionString(azurite.connectionString, tableName({ tablePrefix }, "waves"), {
          allowInsecureConnection: true,
        }).deleteTable(),
      ]);
    },
  };
});
