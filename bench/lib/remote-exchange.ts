/**
 * The Exchange simulator in a child process: Exchange Online is a remote service, and a simulator
 * sharing the control plane's event loop would add its own work (83,000 moves' worth) to every
 * request the control plane makes. Its control routes give the counters and the slots' usage.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Agent, fetch } from "undici";
import type {
  ExchangeCounters,
  ExchangeSimulatorOptions,
  HybridAccount,
  SlotUsage,
} from "@mailferry/azure-local/exchange";
import type { ClockAnchor } from "./anchored-clock.js";

export interface RemoteExchange {
  readonly settings: Record<string, string>;
  readonly inventory: readonly HybridAccount[];
  readonly targetDeliveryDomain: string;
  counters(): Promise<ExchangeCounters>;
  usage(): Promise<{ slots: SlotUsage[]; completions: number[] }>;
  /** Sets the simulator's clock anchors (to start it, or to jump it ahead). */
  reanchor(next: Partial<ClockAnchor>): void;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("./exchange-child.ts", import.meta.url));

export async function startRemoteExchange(
  options: Omit<ExchangeSimulatorOptions, "clock" | "logger"> & { readonly clock: ClockAnchor },
): Promise<RemoteExchange> {
  const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
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
  const started = JSON.parse(first) as {
    settings: Record<string, string>;
    inventory: HybridAccount[];
    targetDeliveryDomain: string;
  };
  const base = started.settings.EXCHANGE_BASE_URL ?? "";
  const dispatcher = new Agent({
    connect: { ca: readFileSync(started.settings.EXCHANGE_CA_CERT_PATH ?? "", "utf8") },
  });
  const control = async (path: string): Promise<unknown> => {
    const response = await fetch(`${base}/_exchange/${path}`, { dispatcher });
    if (!response.ok) throw new Error(`simulator control ${path} answered ${response.status}`);
    return response.json();
  };
  return {
    settings: started.settings,
    inventory: started.inventory,
    targetDeliveryDomain: started.targetDeliveryDomain,
    counters: async () => (await control("counters")) as ExchangeCounters,
    usage: async () => (await control("usage")) as { slots: SlotUsage[]; completions: number[] },
    reanchor: (next) => {
      child.stdin.write(`${JSON.stringify(next)}\n`);
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await exited;
      await dispatcher.close();
    },
  };
}
