/**
 * Invalid input exits 2, as the README promises, with a message naming the option: the options
 * commander refuses before anything runs (a negative number, a bad window) included.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../../../cli/main.ts", import.meta.url));

async function mailferry(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  // No settings: each of these must be refused before the command opens anything.
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}

const CASES: readonly [string, string[], RegExp][] = [
  [
    "a negative in-flight cap",
    ["--in-flight-cap", "-1"],
    /option '--in-flight-cap <n>' argument '-1' is invalid/,
  ],
  ["a negative bad-item limit", ["--bad-item-limit", "-3"], /option '--bad-item-limit <n>' argument '-3'/],
  [
    "negative incremental hours",
    ["--incremental-hours", "-2"],
    /option '--incremental-hours <n>' argument '-2'/,
  ],
  ["a negative window capacity", ["--window", "Mon-Thu 19:00-07:00 -5"], /option '--window <spec>' argument/],
  ["an unknown option", ["--in-flight", "5"], /unknown option '--in-flight'/],
];

describe("invalid command-line input", () => {
  for (const [what, args, message] of CASES) {
    it(`exits 2 on ${what}, naming the option`, async () => {
      const run = await mailferry("wave", "create", "spring", "--time-zone", "UTC", ...args);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
    });
  }

  it("exits 2 when a required option is missing, naming it in one line without the help", async () => {
    const run = await mailferry("wave", "create", "spring");
    expect(run.stderr).toBe("mailferry: required option '--time-zone <zone>' not specified\n");
    expect(run.code).toBe(2);
  });

  it("exits 2 on a command group without its command", async () => {
    const run = await mailferry("wave");
    expect(run.stderr).toContain("Usage: mailferry wave");
    expect(run.code).toBe(2);
  });
});
