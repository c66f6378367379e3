import { describe, expect, it } from "vitest";
import { RequestValidationError } from "../../../shared/admin/errors.js";
import {
  dotted,
  parseInput,
  purgeBody,
  replayBody,
  retryBody,
  statusQuery,
  waveOperationParams,
} from "../../../shared/admin/requests.js";

function fields(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestValidationError) return [...error.fields];
    throw error;
  }
  throw new Error("expected the input to be refused");
}

describe("admin request schemas", () => {
  it("normalise wave ids and turn UPNs into account ids", () => {
    expect(parseInput(statusQuery, { wave: " Wave-1 " }, dotted("query"))).toEqual({ wave: "wave-1" });
    expect(parseInput(retryBody, { accountIds: ["Ann.Lee@Contoso.com"] }, dotted("body"))).toEqual({
      accountIds: ["ann.lee@contoso.com"],
    });
  });

  it("read numbers and booleans from query text as well as JSON", () => {
    expect(parseInput(replayBody, { all: "true", max: "25", ratePerSecond: "2.5" }, dotted("query"))).toEqual(
      {
        all: true,
        max: 25,
        ratePerSecond: 2.5,
      },
    );
  });

  it("name every refused field, unknown ones one by one", () => {
    expect(
      fields(() =>
        parseInput(retryBody, { waveId: "Not A Wave", limit: 0, colour: "red", size: 1 }, dotted("body")),
      ),
    ).toEqual([
      { path: "body.waveId", message: expect.stringContaining("must be a wave id") as unknown },
      { path: "body.limit", message: "must be at least 1" },
      { path: "body.colour", message: "is not a known field" },
      { path: "body.size", message: "is not a known field" },
    ]);
  });

  it("refuse a retry or replay that selects nothing unless all is true", () => {
    expect(fields(() => parseInput(retryBody, {}, dotted("body")))).toEqual([
      { path: "body.all", message: expect.stringContaining("must be true") as unknown },
    ]);
    expect(fields(() => parseInput(replayBody, { dryRun: true }, dotted("body")))[0]?.path).toBe("body.all");
    expect(parseInput(replayBody, { reason: "MaxDeliveryCountExceeded" }, dotted("body"))).toEqual({
      reason: "MaxDeliveryCountExceeded",
    });
  });

  it("need confirm and the expected count for a purge, but not for its dry run", () => {
    expect(fields(() => parseInput(purgeBody, { all: true }, dotted("body"))).map((f) => f.path)).toEqual([
      "body.confirm",
      "body.expectedCount",
    ]);
    expect(parseInput(purgeBody, { all: true, dryRun: true }, dotted("body"))).toEqual({
      all: true,
      dryRun: true,
    });
  });

  it("want since before until and name the operation of a wave route", () => {
    expect(
      fields(() =>
        parseInput(
          replayBody,
          { since: "2025-03-02T00:00:00Z", until: "2025-03-01T00:00:00Z" },
          dotted("body"),
        ),
      ),
    ).toEqual([{ path: "body.until", message: "must be later than since" }]);
    expect(
      fields(() => parseInput(waveOperationParams, { waveId: "w1", operation: "explode" }, dotted("route"))),
    ).toEqual([{ path: "route.operation", message: "must be one of pause, resume, cancel, complete" }]);
  });
});
