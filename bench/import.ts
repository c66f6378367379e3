/**
 * Inventory import throughput and memory. Generates a CSV of N valid rows on disk, then imports it
 * with the import use-case, streaming the file, into Table Storage on Azurite (default) or into a
 * sink that only counts (to measure the importer alone on files too large for the emulator).
 * Prints rows/s and the importer's peak RSS. Run:
 *   npx tsx bench/import.ts [--rows 100000] [--sink azurite|discard] [--batch 6000] [--concurrency 1]
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { defineWave, type ImportedAccount } from "../shared/domain/index.js";
import { importInventory } from "../shared/inventory/index.js";
import {
  createMemoryStore,
  createStore,
  type ImportResult,
  type MigrationStore,
} from "../shared/store/index.js";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    sink: { type: "string", default: "azurite" },
    batch: { type: "string", default: "6000" },
    concurrency: { type: "string", default: "1" },
  },
});
const rows = Number(values.rows);
const batchSize = Number(values.batch);
const concurrency = Number(values.concurrency);
const sink = values.sink;
if (![rows, batchSize, concurrency].every((value) => Number.isInteger(value) && value > 0)) {
  throw new Error("--rows, --batch and --concurrency must be positive whole numbers");
}
if (sink !== "azurite" && sink !== "discard") throw new Error("--sink must be azurite or discard");

const MB = 1024 * 1024;

/** Writes the inventory without holding it in memory. */
async function writeInventory(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  out.write("sourceUpn,targetUpn,wave,priority\r\n");
  for (let n = 0; n < count; n++) {
    const line = `user${n}@source.contoso.com,user${n}@contoso.onmicrosoft.com,bench,${n % 10}\r\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** A store that accepts imports and keeps nothing: the importer's own cost, without a database. */
function discardingStore(): MigrationStore {
  const waves = createMemoryStore().waves;
  const base = createMemoryStore();
  return {
    ...base,
    waves,
    accounts: {
      ...base.accounts,
      upsertImported: (accounts: readonly ImportedAccount[]): Promise<ImportResult[]> =>
        Promise.resolve(
          accounts.map((account) => ({ accountId: account.source.upn, outcome: "created" as const })),
        ),
    },
  };
}

const folder = await mkdtemp(join(tmpdir(), "mailferry-bench-"));
const file = join(folder, "inventory.csv");
let azurite: AzuriteInstance | undefined;
try {
  await writeInventory(file, rows);
  const fileBytes = (await stat(file)).size;
  let store: MigrationStore;
  if (sink === "azurite") {
    azurite = await startAzurite();
    store = await createStore({
      kind: "connectionString",
      connectionString: azurite.connectionString,
      tablePrefix: "bench",
    });
  } else {
    store = discardingStore();
  }
  await store.waves.create(defineWave({ id: "bench", timeZone: "UTC" }, new Date()));

  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const summary = await importInventory(createReadStream(file), { store, batchSize, concurrency });
  const seconds = (performance.now() - started) / 1000;
  // ru_maxrss is the process's high-water mark, in kilobytes on Linux.
  const peakRss = process.resourceUsage().maxRSS * 1024;

  let stored: number | string = "n/a";
  if (sink === "azurite") {
    stored = (await store.counters.waveCounts("bench")).byStatus.Pending;
    if (stored !== rows) throw new Error(`expected ${rows} Pending accounts, the counters say ${stored}`);
  }
  if (summary.created !== rows) throw new Error(`expected ${rows} created, got ${summary.created}`);

  printFigures("import", {
    sink,
    rows,
    fileMB: Math.round((fileBytes / MB) * 10) / 10,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(rows / seconds),
    rssBeforeMB: Math.round(rssBefore / MB),
    peakRssMB: Math.round(peakRss / MB),
    heapUsedAfterMB: Math.round(process.memoryUsage().heapUsed / MB),
    pendingCounted: stored,
    batchSize,
    concurrency,
  });
} finally {
  await azurite?.close();
  await rm(folder, { recursive: true, force: true });
}
