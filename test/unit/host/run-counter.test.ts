import { describe, expect, it } from "vitest";
import { HostWaitTimeoutError } from "../../../local/host/errors.js";
import { RunCounter } from "../../../local/host/run-counter.js";

describe("run counter", () => {
  it("resolves a wait once that many runs have finished, not when they start", async () => {
    const counter = new RunCounter("scheduler");
    let waited = false;
    const wait = counter.waitFor(2, 60_000).then(() => {
      waited = true;
    });
    counter.begin();
    counter.end();
    counter.begin();
    // Every pending promise reaction runs before a macrotask: a wait resolved too early shows here.
    await new Promise((resolve) => setImmediate(resolve));
    expect(waited).toBe(false);
    expect(counter).toMatchObject({ started: 2, finished: 1 });
    counter.end();
    await wait;
    expect(waited).toBe(true);
  });

  it("answers at once when the runs waited for have already finished", async () => {
    const counter = new RunCounter("alerts");
    counter.begin();
    counter.end();
    await expect(counter.waitFor(1, 60_000)).resolves.toBeUndefined();
  });

  it("names the function and how far it got when the runs do not come", async () => {
    const counter = new RunCounter("sweeper");
    counter.begin();
    counter.end();
    const failure = counter.waitFor(3, 1);
    await expect(failure).rejects.toBeInstanceOf(HostWaitTimeoutError);
    await expect(failure).rejects.toThrow("function sweeper finished 1 of the 3 runs waited for within 1 ms");
  });
});
