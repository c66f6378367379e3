/** The operator-actions log on Table Storage (Azurite), held to the same contract as the fake. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { TablesOperatorActionLog } from "../../../shared/admin/actions/tables.js";
import { createTableClient } from "../../../shared/azure/index.js";
import { operatorActionLogContract } from "../../contract/operator-action-log.contract.js";

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite.close();
});

operatorActionLogContract("Table Storage (Azurite)", async () => {
  const table = createTableClient(
    {
      kind: "connectionString",
      connectionString: azurite.connectionString,
      tablePrefix: `t${randomBytes(5).toString("hex")}`,
    },
    "operatorActions",
  );
  await table.createTable();
  return new TablesOperatorActionLog(table);
});
