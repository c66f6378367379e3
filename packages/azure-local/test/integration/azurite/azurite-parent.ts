/**
 * Helper for the launcher tests: starts Azurite, prints its pid, and waits to be killed. Run as a
 * separate process so the test can kill it abruptly and check that Azurite goes with it. With a
 * folder and a count as its arguments, Azurite persists there and the helper first writes that
 * many entities to the table `kept`.
 */
import { TableClient } from "@azure/data-tables";
import { startAzurite } from "../../../src/azurite/index.js";

const persistDir = process.argv[2];
const rows = Number(process.argv[3] ?? 0);
const azurite = await startAzurite(persistDir !== undefined ? { persistDir } : {});
if (persistDir !== undefined) {
  const table = TableClient.fromConnectionString(azurite.connectionString, "kept", {
    allowInsecureConnection: true,
  });
  await table.createTable();
  for (let n = 0; n < rows; n += 1) await table.createEntity({ partitionKey: "p", rowKey: `r${n}` });
}
process.stdout.write(`${JSON.stringify({ pid: azurite.pid, endpoint: azurite.tableEndpoint })}\n`);
setInterval(() => undefined, 60_000);
