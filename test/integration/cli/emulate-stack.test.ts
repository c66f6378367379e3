/**
 * `mailferry emulate stack --env --inventory FILE` as the README walks through it: a shell takes
 * the export lines, the operator commands work with them, the inventory imports as it is, and the
 * dashboard URL opens signed in as the development user.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../../bin/mailferry.js", import.meta.url));
const MAILBOXES = 4;

let folder: string;
let stack: ChildProcess;
let exports: string;

/** Resolves with stdout once the stack printed its last line ("# ready"). */
function readyOutput(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (stdout.includes("# ready\n")) resolve(stdout);
    });
    child.once("exit", (code) => reject(new Error(`emulate stack exited ${code} before it was ready`)));
  });
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "mailferry-stack-"));
  stack = spawn(
    process.execPath,
    [
      cli,
      "emulate",
      "stack",
      "--env",
      "--inventory",
      join(folder, "inventory.csv"),
      "--mailboxes",
      String(MAILBOXES),
    ],
    { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, MAILFERRY_LOG_LEVEL: "error" } },
  );
  exports = await readyOutput(stack);
  await writeFile(join(folder, "stack.env"), exports);
}, 120_000);

afterAll(async () => {
  if (stack.exitCode === null) {
    stack.kill("SIGTERM");
    await once(stack, "exit");
  }
  await rm(folder, { recursive: true, force: true });
});

describe("mailferry emulate stack --env --inventory", () => {
  it("prints export lines a shell takes, with which the inventory it wrote imports as it is", async () => {
    expect(exports).toMatch(/^export MailferryTables='/m);
    expect(exports).toMatch(/^export ServiceBusConnection='/m);
    const csv = await readFile(join(folder, "inventory.csv"), "utf8");
    expect(csv.split(/\r?\n/)[0]).toBe("sourceUpn,targetUpn");
    expect(csv.trim().split(/\r?\n/)).toHaveLength(MAILBOXES + 1);
    const script = [
      ". ./stack.env",
      `"${process.execPath}" "${cli}" wave create spring --time-zone UTC --json > /dev/null`,
      `"${process.execPath}" "${cli}" import inventory.csv --wave spring --json`,
    ].join(" && ");
    const { stdout } = await promisify(execFile)("sh", ["-c", script], { cwd: folder });
    expect(JSON.parse(stdout)).toMatchObject({ rows: MAILBOXES, accepted: MAILBOXES, created: MAILBOXES });
  }, 120_000);

  it("prints a dashboard URL that opens signed in as the development user", async () => {
    const url = /^# dashboard: '(.+)'$/m.exec(exports)?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url ?? "");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const dataUrl = new URL(url ?? "");
    dataUrl.pathname = `${dataUrl.pathname.replace(/\/$/, "")}/data`;
    const data = await fetch(dataUrl);
    expect(data.status).toBe(200);
    expect(((await data.json()) as { viewer: unknown }).viewer).toEqual({
      name: "dev-user",
      canOperate: true,
    });
  });
});
