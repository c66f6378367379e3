/** The release ledger on Table Storage (Azurite), held to the same contract as the fake. */
import { randomBytes } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { TablesReleaseLedger } from "../../../shared/releases/ledger-tables.js";
import { releaseLedgerContract } from "../../contract/release-ledger.contract.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

releaseLedgerContract("Table Storage (Azurite)", async () => {
  const table = TableClient.fromConnectionString(
    azurite.connectionString,
    `rel${randomBytes(5).toString("hex")}`,
    { allowInsecureConnection: true },
  );
  await table.createTable();
  return new TablesReleaseLedger(table);
});
