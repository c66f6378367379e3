/**
 * `mailferry retry`: only known failure classes (the error lists them), messages in the CLI's
 * option names, and exit 1 when the selection matches nothing.
 */
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseOptions } from "../../../cli/commands/admin-support.js";
import { KNOWN_FAILURE_CLASSES, knownFailureClass } from "../../../cli/commands/failure-classes.js";
import { registerRetryCommand } from "../../../cli/commands/retry.js";
import { RequestValidationError } from "../../../shared/admin/errors.js";
import { retryBody } from "../../../shared/admin/requests.js";
import { addWave, failedAccount, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";

async function retry(ports: MemoryPorts, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command("mailferry").exitOverride();
  registerRetryCommand(program, (work) => work(ports));
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await program.parseAsync(["retry", ...args], { from: "user" });
    const text = (spy: typeof out): string => spy.mock.calls.map(([chunk]) => String(chunk)).join("");
    return { stdout: text(out), stderr: text(err) };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("mailferry retry", () => {
  it("refuses an unknown --class with exit 2, listing the known classes", async () => {
    const ports = memoryPorts();
    const run = await retry(ports, "--class", "TargetNotLicenced");
    expect(process.exitCode).toBe(2);
    expect(run.stderr).toContain('--class "TargetNotLicenced" is not a failure class; known classes:');
    for (const known of ["TargetNotLicensed", "SourceUserNotFound", "ExchangeGuidMismatch"]) {
      expect(run.stderr).toContain(known);
    }
  });

  it("takes a known class in any case, and a hybrid move's MRS failure type", () => {
    expect(KNOWN_FAILURE_CLASSES).toContain("TargetNotLicensed");
    expect(knownFailureClass("targetnotlicensed")).toBe("TargetNotLicensed");
    expect(knownFailureClass("MapiExceptionNetworkErrorTransientException")).toBe(
      "MapiExceptionNetworkErrorTransientException",
    );
    expect(knownFailureClass("Licence")).toBeUndefined();
  });

  it("exits 1 when the selection matches no failed account, and 0 when it matches", async () => {
    const ports = memoryPorts();
    await addWave(ports, "w1");
    await failedAccount(ports, 1, "w1", { class: "TargetNotLicensed", code: "x", message: "no licence" });
    const none = await retry(ports, "--class", "SourceUserNotFound", "--dry-run");
    expect(none.stdout).toContain("no Failed account matches the selection");
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    await retry(ports, "--class", "targetnotlicensed", "--dry-run");
    expect(process.exitCode).toBeUndefined();
  });

  it("names the options, never the API's field names, in what it refuses", () => {
    let refused: RequestValidationError | undefined;
    try {
      parseOptions(retryBody, {});
    } catch (error) {
      if (error instanceof RequestValidationError) refused = error;
    }
    expect(refused?.fields).toEqual([
      {
        path: "--all",
        message:
          "must be given to retry every failed account; otherwise select with --wave, --account, --class or --group",
      },
    ]);
  });
});
