/**
 * How long `GET /api/ops/status` takes while, and right after, an operator imports a large
 * inventory: the embedded stack runs the app with App Service authentication on, `mailferry
 * import` runs in a process of its own (as an operator runs it), and a reader asks for the status
 * every half second, one request at a time. The wave is Scheduled, so the scheduler releases
 * nothing: what is measured is the import's load and the status's own reads. Prints each phase's
 * median and slowest answer, and Azurite's CPU. Run:
 *   npx tsx bench/status-under-load.ts [--rows 100000] [--after-seconds 30]
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startStack } from "../local/stack.js";
import { encodePrincipal, ROLES } from "../shared/admin/principal.js";
import { defineWave } from "../shared/domain/index.js";
import { services } from "../functions/services.js";
import { silentLogger } from "../shared/telemetry/logger.js";
import { printFigures } from "./lib/report.js";
import { cpuSecondsOf } from "./lib/usage.js";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    "after-seconds": { type: "string", default: "30" },
  },
});
const rows = Number(values.rows);
const afterSeconds = Number(values["after-seconds"]);
if (!Number.isInteger(rows) || rows < 1 || !Number.isFinite(afterSeconds) || afterSeconds < 0) {
  throw new Error("--rows takes a whole number > 0 and --after-seconds a number ≥ 0");
}
/** A status request that takes longer than this is recorded as this long and abandoned. */
const GIVE_UP_MS = 60_000;
const PROBE_EVERY_MS = 500;
const cli = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const READER = encodePrincipal("reader@contoso.com", [ROLES.reader]);

async function writeInventory(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write("sourceUpn,targetUpn,wave,priority\r\n");
  for (let n = 0; n < rows; n++) {
    if (!out.write(`user${n}@source.contoso.com,user${n}@contoso.onmicrosoft.com,load,${n % 10}\r\n`))
      await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

function percentile(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN);
}

const dir = await mkdtemp(join(tmpdir(), "mailferry-status-load-"));
const stack = await startStack({
  logger: silentLogger,
  graph: { mailboxes: 1, itemsPerMailbox: 1, plantTrouble: false },
  authentication: {},
  settings: { MAILFERRY_LOG_LEVEL: "error" },
});
try {
  const { store } = await services();
  await store.waves.create(defineWave({ id: "load", timeZone: "UTC" }, new Date()));
  const file = join(dir, "inventory.csv");
  await writeInventory(file);
  const statusUrl = `${stack.host.apiBaseUrl ?? ""}/ops/status`;
  const probe = async (): Promise<number> => {
    const started = performance.now();
    try {
      const response = await fetch(statusUrl, {
        headers: { "x-functions-key": stack.host.functionKey, "x-ms-client-principal": READER },
        signal: AbortSignal.timeout(GIVE_UP_MS),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`status answered ${response.status}`);
    } catch (error) {
      // A DOMException tells its kinds apart only by name.
      // eslint-disable-next-line no-restricted-syntax
      if (!(error instanceof DOMException && error.name === "TimeoutError")) throw error;
    }
    return performance.now() - started;
  };
  const baseline = [await probe(), await probe(), await probe()];
  const azuriteBefore = cpuSecondsOf(stack.azurite.pid);
  const importer = spawn(process.execPath, ["--import", "tsx", cli, "import", file, "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...stack.settings, MAILFERRY_LOG_LEVEL: "error" },
  });
  importer.stdout.resume();
  importer.stderr.resume();
  let importing = true;
  const importStarted = performance.now();
  const imported = once(importer, "exit").then(([code]) => {
    importing = false;
    if (code !== 0) throw new Error(`mailferry import exited ${String(code)}`);
    return (performance.now() - importStarted) / 1000;
  });
  const during: number[] = [];
  while (importing) {
    during.push(await probe());
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
  const importSeconds = await imported;
  const after: number[] = [];
  const afterUntil = performance.now() + afterSeconds * 1000;
  while (performance.now() < afterUntil) {
    after.push(await probe());
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
  const azuriteAfter = cpuSecondsOf(stack.azurite.pid);
  printFigures("status-under-load", {
    rows,
    importSeconds: Number(importSeconds.toFixed(1)),
    baselineStatusMs: percentile(baseline, 0.5),
    duringImportRequests: during.length,
    duringImportStatusP50Ms: percentile(during, 0.5),
    duringImportStatusMaxMs: percentile(during, 1),
    afterImportRequests: after.length,
    afterImportStatusP50Ms: percentile(after, 0.5),
    afterImportStatusMaxMs: percentile(after, 1),
    ...(azuriteBefore !== undefined && azuriteAfter !== undefined
      ? { azuriteCpuSeconds: Number((azuriteAfter - azuriteBefore).toFixed(1)) }
      : {}),
  });
} finally {
  await stack.close();
  await rm(dir, { recursive: true, force: true });
}
