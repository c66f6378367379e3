/** The transfer engine's state on Table Storage (Azurite), held to the same contract as the fake. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { createTableClient } from "../../../shared/azure/index.js";
import { TablesTransferState } from "../../../shared/transfer/state/tables.js";
import { transferStateContract } from "../../contract/transfer-state.contract.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

transferStateContract("Table Storage (Azurite)", async () => {
  const table = createTableClient(
    {
      kind: "connectionString",
      connectionString: azurite.connectionString,
      tablePrefix: `t${randomBytes(5).toString("hex")}`,
    },
    "transfer",
  );
  await table.createTable();
  return new TablesTransferState(table);
});
