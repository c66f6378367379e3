/**
 * What Azurite's table service spends per request, by kind, through the real SDK with 32 requests
 * in flight: the floor under any wave on the embedded stack. Each kind runs over the same table,
 * which grows by the inserts and transactions. Run: `npx tsx bench/tables.ts [--requests 20000]`.
 */
import { parseArgs } from "node:util";
import { TableClient, type TransactionAction } from "@azure/data-tables";
import { startAzurite } from "@mailferry/azure-local/azurite";
import { printFigures } from "./lib/report.js";
import { cpuSecondsOf, ownCpuSeconds } from "./lib/usage.js";

const { values } = parseArgs({ options: { requests: { type: "string", default: "20000" } } });
const requests = Number(values.requests);
if (!Number.isInteger(requests) || requests < 1)
  throw new Error(`--requests takes a whole number > 0, not ${JSON.stringify(values.requests)}`);
const IN_FLIGHT = 32;
const PARTITIONS = 16;

const azurite = await startAzurite();
const figures: Record<string, number> = { requests };
try {
  const table = TableClient.fromConnectionString(azurite.connectionString, "bench", {
    allowInsecureConnection: true,
  });
  await table.createTable();
  const partition = (n: number): string => `p${n % PARTITIONS}`;

  /** Runs `request` for 0..requests-1, IN_FLIGHT at a time, and records its rate and CPU costs. */
  const measure = async (kind: string, request: (n: number) => Promise<unknown>): Promise<void> => {
    const azuriteBefore = cpuSecondsOf(azurite.pid);
    const ownBefore = ownCpuSeconds();
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < requests) await request(next++);
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const azuriteAfter = cpuSecondsOf(azurite.pid);
    figures[`${kind}.perSecond`] = Math.round(requests / seconds);
    figures[`${kind}.clientCpuMs`] = Number((((ownCpuSeconds() - ownBefore) * 1000) / requests).toFixed(3));
    if (azuriteBefore !== undefined && azuriteAfter !== undefined)
      figures[`${kind}.azuriteCpuMs`] = Number(
        (((azuriteAfter - azuriteBefore) * 1000) / requests).toFixed(3),
      );
  };

  await measure("insert", (n) => table.createEntity({ partitionKey: partition(n), rowKey: `r${n}`, n }));
  await measure("replace", (n) =>
    table.upsertEntity({ partitionKey: partition(n), rowKey: `r${n}`, n: n + 1 }, "Replace"),
  );
  await measure("pointRead", (n) => table.getEntity(partition(n), `r${n}`));
  // The shape of a status change: four rows of one partition in one transaction.
  await measure("transaction4", (n) =>
    table.submitTransaction(
      ["a", "b", "c", "d"].map(
        (row): TransactionAction => [
          "upsert",
          { partitionKey: partition(n), rowKey: `t${row}${n}`, n },
          "Replace",
        ],
      ),
    ),
  );
} finally {
  await azurite.close();
}
printFigures("tables (Azurite)", figures);
