import { afterEach, describe, expect, it, vi } from "vitest";
import { guarded, parseOptions } from "../../../cli/commands/admin-support.js";
import { RequestValidationError } from "../../../shared/admin/errors.js";
import { replayBody, reportParams, retryBody } from "../../../shared/admin/requests.js";
import { IllegalTransitionError, NotFoundError } from "../../../shared/store/index.js";

function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestValidationError) return error.fields.map((field) => field.path);
    throw error;
  }
  return [];
}

describe("operator command support", () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it("names refused fields as the options and arguments the operator typed", () => {
    expect(
      refusal(() => parseOptions(retryBody, { waveId: "Bad Wave!", failureClass: "x y", limit: "0" })),
    ).toEqual(["--wave", "--class", "--limit"]);
    expect(refusal(() => parseOptions(replayBody, { ratePerSecond: "fast", all: true }))).toEqual(["--rate"]);
    expect(refusal(() => parseOptions(reportParams, { waveId: "?" }, { waveId: "<wave>" }))).toEqual([
      "<wave>",
    ]);
  });

  it("exits 2 on refused input, 1 on a refused operation, and lets crashes through", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await guarded(() =>
      Promise.reject(new RequestValidationError([{ path: "--all", message: "must be true" }])),
    );
    expect(process.exitCode).toBe(2);
    expect(stderr).toHaveBeenCalledWith("  --all must be true\n");
    process.exitCode = undefined;
    await guarded(() => Promise.reject(new NotFoundError("wave", "w9")));
    expect(process.exitCode).toBe(2);
    process.exitCode = undefined;
    await guarded(() => Promise.reject(new IllegalTransitionError("wave", "w1", "Cancelled", "Active")));
    expect(process.exitCode).toBe(1);
    await expect(guarded(() => Promise.reject(new TypeError("bug")))).rejects.toThrow("bug");
  });
});
