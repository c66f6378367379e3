/**
 * `mailferry --help` stays fast because building the command tree loads no SDK, emulator or
 * store: each command loads what it uses when it runs.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const buildTree = fileURLToPath(new URL("../../fixtures/cli/build-tree.ts", import.meta.url));

/** What a command loads only when it runs. */
const HEAVY = [
  /node_modules\/@azure\//,
  /node_modules\/@microsoft\//,
  /node_modules\/(rhea|rhea-promise|azurite|undici|csv-parse|csv-stringify|cli-progress)\//,
  /\/local\//,
  /\/shared\/(store|bus|config|telemetry|exchange|graph|inventory|mover|runtime)\/(?!concurrency)/,
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
