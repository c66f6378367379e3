/**
 * The crash drill: a wave runs on the emulators while the Functions host runs in a child process
 * that is killed (SIGKILL, as a lost instance) again and again, and a new one started each time.
 * For every account that was in flight at a kill, it measures how long the account then sat
 * untouched: how long recovery took. It ends with the migration verified from outside.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AccountStatus } from "../../shared/domain/index.js";
import { readTablesSettings } from "../../shared/config/index.js";
import type { MigrationStore } from "../../shared/store/index.js";
import { createStore } from "../../shared/store/index.js";
import { silentLogger } from "../../shared/telemetry/logger.js";
import { createOpenWave, importInventory, settledCount, waitForWave } from "../demo/wave.js";
import { verifyMigration, type Verification } from "../demo/verify.js";
import type { GraphSimulatorOptions } from "@mailferry/azure-local/graph";
import { startEmulators } from "../stack.js";

const cli = fileURLToPath(new URL("../../bin/mailferry.js", import.meta.url));
const IN_FLIGHT: readonly AccountStatus[] = ["Queued", "Syncing", "Completing"];
const WAVE = "crash";

export interface CrashDrillOptions {
  /** How many times the host is killed. */
  readonly kills: number;
  readonly graph: GraphSimulatorOptions;
  /** App settings on top of the emulators' (the pipeline's defaults unless set here). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Accounts in flight at once (default: every account). */
  readonly inFlightCap?: number;
  /** How long accounts are worked before each kill (default 1 s). */
  readonly killAfterMs?: number;
  readonly timeoutMs?: number;
  /** Told after each kill once every account in flight at it was written again. */
  readonly onRecovered?: (kill: number, waitsMs: readonly number[]) => void;
}

export interface CrashDrillResult {
  /** Kills made (fewer than asked when the wave finished first). */
  readonly kills: number;
  readonly accounts: number;
  /** For each account in flight at a kill: milliseconds from the kill until it was written again. */
  readonly waitsMs: readonly number[];
  readonly wallMs: number;
  readonly verification: Verification;
}

/** Starts `emulate host` in a child process with only the app's settings, as an instance would. */
export function startHostProcess(settings: Readonly<Record<string, string>>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, "emulate", "host"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...settings,
      MAILFERRY_LOG_LEVEL: "error",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"ready":true')) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`host exited early with ${code ?? "a signal"}`)));
  });
}

/** Kills a host process as a lost instance dies, and waits for it to be gone. */
export async function killHost(host: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => host.once("exit", resolve));
  host.kill("SIGKILL");
  await gone;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The in-flight accounts' versions: each changes when the account is next written. */
async function inFlight(store: MigrationStore): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const status of IN_FLIGHT) {
    let token: string | undefined;
    do {
      const page = await store.accounts.listByStatus(WAVE, status, {
        limit: 500,
        ...(token ? { continuationToken: token } : {}),
      });
      for (const account of page.items) versions.set(account.id, account.etag);
      token = page.continuationToken;
    } while (token);
  }
  return versions;
}

/** Runs the drill and returns what it measured; the caller judges it. */
export async function runCrashDrill(options: CrashDrillOptions): Promise<CrashDrillResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 300_000;
  const stack = await startEmulators({
    logger: silentLogger,
    graph: options.graph,
    settings: { ...options.settings },
  });
  const store = await createStore(readTablesSettings(stack.settings));
  let host: ChildProcess | undefined;
  const waitsMs: number[] = [];
  try {
    const graph = stack.graph;
    if (!graph) throw new Error("the crash drill needs the Graph simulator");
    const inventory = graph.inventory();
    await createOpenWave(
      store,
      {
        waveId: WAVE,
        capacity: inventory.length,
        ...(options.inFlightCap !== undefined ? { inFlightCap: options.inFlightCap } : {}),
      },
      new Date(),
    );
    await importInventory(store, WAVE, inventory, new Date());
    host = await startHostProcess(stack.settings);
    let kills = 0;
    for (; kills < options.kills; kills += 1) {
      // Each kill lands while accounts are being worked: some are in flight, for a moment now.
      let before = await inFlight(store);
      while (before.size === 0) {
        const counts = await store.counters.waveCounts(WAVE);
        if (settledCount(counts) >= inventory.length) break;
        if (Date.now() - started > timeoutMs) throw new Error("no account was ever in flight");
        await pause(50);
        before = await inFlight(store);
      }
      if (before.size === 0) break;
      await pause(options.killAfterMs ?? 1_000);
      await killHost(host);
      host = undefined;
      const killedAt = Date.now();
      // Read once the host is dead: a write it made just before dying is no recovery.
      before = await inFlight(store);
      host = await startHostProcess(stack.settings);
      // Each account in flight at the kill: until it is written again (or leaves the wave's flight).
      const waiting = new Map(before);
      const recoveredFrom = waitsMs.length;
      while (waiting.size > 0) {
        const now = await inFlight(store);
        for (const [id, etag] of waiting) {
          if (now.get(id) !== etag) {
            waitsMs.push(Date.now() - killedAt);
            waiting.delete(id);
          }
        }
        if (Date.now() - killedAt > timeoutMs)
          throw new Error(`${waiting.size} accounts were still untouched after the timeout`);
        await pause(100);
      }
      options.onRecovered?.(kills + 1, waitsMs.slice(recoveredFrom));
    }
    await waitForWave(store, WAVE, inventory.length, { timeoutMs });
    const verification = await verifyMigration(store, graph, inventory);
    return {
      kills,
      accounts: inventory.length,
      waitsMs,
      wallMs: Date.now() - started,
      verification,
    };
  } finally {
    if (host) await killHost(host).catch(() => undefined);
    await store.close();
    await stack.close();
  }
}
