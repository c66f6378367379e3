/**
 * `mailferry --help` stays fast because building the command tree loads no SDK, emulator or
 * store: each command loads what it uses when it runs. The areas' error modules are loaded (the CLI
 * tells refusals apart by their classes); they import nothing but other error modules.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerCommands } from "../../../cli/commands/index.js";

const buildTree = fileURLToPath(new URL("../../fixtures/cli/build-tree.ts", import.meta.url));

/** What a command loads only when it runs. */
const HEAVY = [
  /node_modules\/@azure\//,
  /node_modules\/@microsoft\//,
  /node_modules\/(rhea|rhea-promise|azurite|undici|csv-parse|csv-stringify|cli-progress)\//,
  /\/local\//,
  /\/shared\/(store|bus|config|telemetry|exchange|graph|inventory|mover|runtime)\/(?!concurrency|errors\.ts$)/,
];

describe("the command tree", () => {
  it("loads no Azure SDK, emulator, store or progress library when it is built", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", buildTree]);
    const loaded = JSON.parse(stdout) as string[];
    // The recording works: the command modules themselves are there.
    expect(loaded.some((url) => url.endsWith("/cli/commands/wave.ts"))).toBe(true);
    expect(loaded.filter((url) => HEAVY.some((pattern) => pattern.test(url)))).toEqual([]);
  });
});

/** Every command a person can run (the leaves of the tree, and groups with an action of their own). */
function runnable(command: Command, path: readonly string[] = []): [string, Command][] {
  const own: [string, Command][] =
    path.length > 0 && (command.commands.length === 0 || command.registeredArguments.length > 0)
      ? [[path.join(" "), command]]
      : [];
  return [...own, ...command.commands.flatMap((sub) => runnable(sub, [...path, sub.name()]))];
}

describe("every command", () => {
  it("accepts --json", () => {
    const program = new Command("mailferry");
    registerCommands(program);
    const commands = runnable(program);
    expect(commands.length).toBeGreaterThan(20);
    const without = commands
      .filter(([, command]) => !command.options.some((option) => option.long === "--json"))
      .map(([name]) => name);
    expect(without).toEqual([]);
  });
});
