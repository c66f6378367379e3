/**
 * The deployment package starts and runs as Azure would start it: built, laid out as `azd deploy`
 * ships it (`.funcignore` applied, production dependencies only), and loaded in a process of its
 * own through the same `@azure/functions-core` stand-in the worker provides. Then the scheduler
 * fires, a `moves` message is delivered and handled, and an admin route answers. A start-up
 * defect of the package (a function that registers but cannot run, a dependency only dev
 * installs have) fails here.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layOutPackage, type PackageLayout } from "../../infra/package/layout.js";
import { createOpenWave, importInventory, waitForWave } from "../../local/demo/wave.js";
import { startEmulators, type Emulators } from "../../local/stack.js";
import { readTablesSettings } from "../../shared/config/index.js";
import { createStore } from "../../shared/store/index.js";
import type { MigrationStore } from "../../shared/store/port.js";
import { READER } from "../fixtures/admin/http.js";
import { smallStackOptions } from "./support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "bin/mailferry.js");

let work: string;
let layout: PackageLayout;
let emulators: Emulators;
let store: MigrationStore;
let host: ChildProcess | undefined;
let ready: { apiBaseUrl: string; functionKey: string };

/** Starts the packaged app in its own process with only the app settings for environment. */
function startPackagedHost(app: string, settings: Readonly<Record<string, string>>): Promise<typeof ready> {
  const child = spawn(
    process.execPath,
    [CLI, "emulate", "host", "--app", app, "--build", "--sign-in", "Reader"],
    {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...settings,
        MAILFERRY_LOG_LEVEL: "error",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  host = child;
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((candidate) => candidate.includes('"ready":true'));
      if (line) resolve(JSON.parse(line) as typeof ready);
    });
    child.once("exit", (code) =>
      reject(new Error(`the packaged app's host exited with ${code ?? "a signal"}`)),
    );
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "mailferry-package-"));
  const build = join(work, "build");
  const compiled = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", build],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  expect(compiled.status, compiled.stdout + compiled.stderr).toBe(0);
  layout = layOutPackage({ project: ROOT, out: join(work, "app"), build });
  emulators = await startEmulators(
    smallStackOptions({ mailboxes: 2, itemsPerMailbox: 4, seed: 4, plantTrouble: false }),
  );
  store = await createStore(readTablesSettings(emulators.settings));
}, 180_000);

afterAll(async () => {
  const running = host;
  if (running && running.exitCode === null) {
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  }
  await store.close();
  await emulators.close();
  rmSync(work, { recursive: true, force: true });
});

describe("the deployment package", () => {
  it("holds the build and production dependencies only", () => {
    const app = join(work, "app");
    expect(existsSync(join(app, "dist/functions/app.js"))).toBe(true);
    expect(existsSync(join(app, "dashboard/index.html"))).toBe(true);
    expect(existsSync(join(app, "host.json"))).toBe(true);
    expect(existsSync(join(app, "node_modules/@azure/functions"))).toBe(true);
    for (const devOnly of [
      "azurite",
      "tsx",
      "vitest",
      "typescript",
      "playwright-core",
      "selfsigned",
      "@mailferry/azure-local",
    ])
      expect(existsSync(join(app, "node_modules", devOnly)), devOnly).toBe(false);
    for (const source of ["functions", "shared", "local", "packages", "cli", "test"])
      expect(existsSync(join(app, source)), source).toBe(false);
    expect(layout.dependencies).toBeGreaterThan(0);
  });

  it("starts as the worker starts it, then runs the scheduler, the mover and an admin route", async () => {
    const graph = emulators.graph;
    if (!graph) throw new Error("no simulator");
    const inventory = graph.inventory();
    await createOpenWave(store, { waveId: "package", capacity: inventory.length }, new Date());
    await importInventory(store, "package", inventory, new Date());
    ready = await startPackagedHost(join(work, "app"), emulators.settings);
    // Only a scheduler run releases accounts, and only the mover's handling of their `moves`
    // messages completes them.
    const counts = await waitForWave(store, "package", inventory.length, { timeoutMs: 90_000 });
    expect(counts.byStatus.Completed).toBe(inventory.length);
    const status = await fetch(`${ready.apiBaseUrl}/ops/status`, {
      headers: { "x-functions-key": ready.functionKey, "x-ms-client-principal": READER },
    });
    expect(status.status).toBe(200);
    expect(JSON.stringify(await status.json())).toContain('"package"');
  });
});
