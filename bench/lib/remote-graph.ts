/**
 * The Graph tenant simulator in a child process, for benchmarks that measure the client: Graph is
 * a remote service, and on a small machine a simulator sharing the client's event loop would add
 * its own work to every request the client makes. Its admin routes give the counters.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { fetch } from "undici";
import type { GraphSimulatorOptions, SimulatedAccount } from "@mailferry/azure-local/graph";
import type { SimulatorCounters } from "@mailferry/azure-local/graph";
import { readGraphSettings } from "../../shared/config/graph.js";
import { graphDispatcher } from "../../shared/graph/client.js";

export interface RemoteGraph {
  /** The settings a client reads to reach the simulator (`readGraphSettings`). */
  readonly settings: Record<string, string>;
  readonly inventory: readonly SimulatedAccount[];
  counters(): Promise<SimulatorCounters>;
  resetCounters(): Promise<void>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("./graph-child.ts", import.meta.url));

/** Starts the simulator in a child process (the same Node and loader as this one). */
export async function startRemoteGraph(options: Omit<GraphSimulatorOptions, "logger">): Promise<RemoteGraph> {
  const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  // Writing to a child that died fails with EPIPE: its exit says what matters.
  child.stdin.on("error", () => undefined);
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
    child.once("exit", (code) =>
      reject(new Error(`the simulator exited (${String(code)}) before it started`)),
    );
  });
  const started = JSON.parse(first) as { settings: Record<string, string>; inventory: SimulatedAccount[] };
  const connection = readGraphSettings(started.settings).source;
  const dispatcher = graphDispatcher(connection);
  const admin = async (method: "GET" | "POST", path: string): Promise<unknown> => {
    const response = await fetch(`${connection.baseUrl}/_simulator/${path}`, {
      method,
      dispatcher,
    });
    if (!response.ok) throw new Error(`simulator admin ${method} ${path} answered ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  };
  return {
    settings: started.settings,
    inventory: started.inventory,
    counters: async () => (await admin("GET", "counters")) as SimulatorCounters,
    resetCounters: async () => {
      await admin("POST", "counters/reset");
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Gone already (its own exit, or a signal such as the OOM killer's).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}
