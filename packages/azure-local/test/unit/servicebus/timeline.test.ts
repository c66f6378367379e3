import { describe, expect, it } from "vitest";
import { MinHeap } from "../../../src/servicebus/store/heap.js";
import { Timeline } from "../../../src/servicebus/store/timeline.js";
import { ManualClock } from "./fixtures.js";

describe("MinHeap", () => {
  it("pops items in order", () => {
    const heap = new MinHeap<number>((a, b) => a - b);
    const values = [5, 3, 9, 1, 1, 8, 2, 7, 6, 4, 0];
    for (const value of values) heap.push(value);
    const popped: number[] = [];
    for (let value = heap.pop(); value !== undefined; value = heap.pop()) popped.push(value);
    expect(popped).toEqual([...values].sort((a, b) => a - b));
    expect(heap.size).toBe(0);
  });
});

describe("Timeline", () => {
  it("runs due actions in time order and leaves later ones", () => {
    const clock = new ManualClock(0);
    const timeline = new Timeline(clock);
    const ran: string[] = [];
    timeline.at(200, () => ran.push("b"));
    timeline.at(100, () => ran.push("a"));
    timeline.at(100, () => ran.push("a2"));
    timeline.at(Number.POSITIVE_INFINITY, () => ran.push("never"));
    clock.advance(150);
    timeline.runDue();
    expect(ran).toEqual(["a", "a2"]);
    clock.advance(100);
    timeline.runDue();
    expect(ran).toEqual(["a", "a2", "b"]);
    timeline.close();
    timeline.at(0, () => ran.push("after close"));
    timeline.runDue();
    expect(ran).toEqual(["a", "a2", "b"]);
  });

  it("fires on its own with the real clock", async () => {
    const timeline = new Timeline({ now: () => Date.now() });
    const fired = new Promise<number>((resolve) => timeline.at(Date.now() + 20, () => resolve(Date.now())));
    const started = Date.now();
    expect(await fired).toBeGreaterThanOrEqual(started);
    timeline.close();
  });
});
