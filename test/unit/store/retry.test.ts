import { describe, expect, it } from "vitest";
import {
  ConcurrencyConflictError,
  isTransient,
  retrying,
  StoreBusyError,
} from "../../../shared/store/index.js";
import { ContentionError } from "../../../shared/store/errors.js";

const quick = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

describe("isTransient", () => {
  it("retries contention, throttling and server faults only", () => {
    expect(isTransient(new ContentionError("shard moved"))).toBe(true);
    expect(isTransient({ statusCode: 503 })).toBe(true);
    expect(isTransient({ statusCode: 429 })).toBe(true);
    expect(isTransient({ code: "ECONNRESET" })).toBe(true);
    expect(isTransient({ statusCode: 412 })).toBe(false);
    expect(isTransient({ statusCode: 400 })).toBe(false);
    expect(isTransient(new ConcurrencyConflictError("account", "a@b.com"))).toBe(false);
    expect(isTransient(new Error("boom"))).toBe(false);
  });
});

describe("retrying", () => {
  it("repeats transient failures until the operation succeeds", async () => {
    let calls = 0;
    const result = await retrying(
      "test",
      (attempt) => {
        calls++;
        return attempt < 3 ? Promise.reject(new ContentionError("again")) : Promise.resolve("done");
      },
      quick,
    );
    expect(result).toBe("done");
    expect(calls).toBe(3);
  });

  it("passes final errors straight on", async () => {
    let calls = 0;
    const conflict = new ConcurrencyConflictError("account", "a@b.com");
    await expect(
      retrying(
        "test",
        () => {
          calls++;
          return Promise.reject(conflict);
        },
        quick,
      ),
    ).rejects.toBe(conflict);
    expect(calls).toBe(1);
  });

  it("gives up with StoreBusyError keeping the last failure", async () => {
    const error = await retrying(
      "counter write",
      () => Promise.reject(new ContentionError("again")),
      quick,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreBusyError);
    expect((error as StoreBusyError).cause).toBeInstanceOf(ContentionError);
    expect((error as Error).message).toMatch(/4 attempts/);
  });
});
