/**
 * The demo's live progress: it fits 80 columns, redraws on a terminal, prints plain lines
 * otherwise, explains its labels once, and keeps other output out of the middle of the bars.
 */
import { describe, expect, it } from "vitest";
import { emptyCounts, type WaveCounts } from "../../../shared/domain/index.js";
import { LEGEND, LINE_WIDTH, WaveProgress, progressLines } from "../../../local/demo/progress.js";

function counts(byStatus: Partial<WaveCounts["byStatus"]>, items = 0): WaveCounts {
  const empty = emptyCounts("demo");
  return { ...empty, items, bytes: items * 30_000, byStatus: { ...empty.byStatus, ...byStatus } };
}

/** A terminal of 80 columns that records what is written to it, chunk by chunk. */
function fakeTerminal(): { stream: NodeJS.WriteStream; chunks: string[] } {
  const chunks: string[] = [];
  const stream = {
    isTTY: true,
    columns: 80,
    rows: 24,
    write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      rest.find((arg): arg is () => void => typeof arg === "function")?.();
      return true;
    },
    on: () => stream,
    once: () => stream,
    removeListener: () => stream,
  } as unknown as NodeJS.WriteStream;
  return { stream, chunks };
}

const BUSY = counts(
  {
    Pending: 12_345,
    Queued: 23_456,
    Syncing: 34_567,
    Synced: 45_678,
    Completing: 56_789,
    Completed: 67_890,
    CompletedWithWarnings: 78_901,
    Failed: 89_012,
  },
  123_456_789,
);

describe("the demo's progress", () => {
  it("keeps every line within 80 columns, even with six-digit counts", () => {
    const lines = progressLines(
      999_999,
      { counts: BUSY, throttledShare: 0.123 },
      {
        itemsPerSecond: 99_999,
        megabytesPerSecond: 999.9,
        etaSeconds: 400_000,
      },
    );
    for (const line of [...lines, ...LEGEND]) expect(line.length).toBeLessThanOrEqual(LINE_WIDTH);
    expect(lines[1]).toContain("waiting 35801");
    expect(lines[2]).toContain("failed 89012");
  });

  it("without a terminal, explains the labels once and prints plain lines that fit", () => {
    const printed: string[] = [];
    const progress = new WaveProgress(400_000, (line) => printed.push(line), undefined);
    progress.update({ counts: BUSY, throttledShare: 0.5 });
    progress.update({ counts: BUSY, throttledShare: 0.5 });
    progress.stop();
    expect(printed.slice(0, LEGEND.length)).toEqual(LEGEND);
    const readings = printed.slice(LEGEND.length);
    expect(readings.length).toBeGreaterThan(0);
    expect(readings.filter((line) => line.includes("throttled share"))).toEqual([]);
    expect(readings.some((line) => line.includes("settled"))).toBe(true);
    for (const line of printed) expect(line.length).toBeLessThanOrEqual(LINE_WIDTH);
  });

  it("on a terminal, prints what is written meanwhile above the bars, never between their lines", () => {
    const { stream, chunks } = fakeTerminal();
    const ownWriteBefore = Object.getOwnPropertyDescriptor(stream, "write")?.value as unknown;
    const progress = new WaveProgress(1_000, (line) => stream.write(`${line}\n`), stream, [stream]);
    progress.update({ counts: counts({ Syncing: 10, Completed: 5 }, 50), throttledShare: 0 });
    // An alert arrives while the bars are drawn, written as the demo writes any line.
    stream.write("ALERT failure rate 40 % over the last minute\n");
    progress.update({ counts: counts({ Syncing: 8, Completed: 7 }, 90), throttledShare: 0 });
    progress.stop();
    // The stream's own write is back.
    expect(Object.getOwnPropertyDescriptor(stream, "write")?.value).toBe(ownWriteBefore);

    const alert = chunks.findIndex((chunk) => chunk.includes("ALERT"));
    expect(alert).toBeGreaterThan(-1);
    // Each redraw writes the first line (with "settled") before the last (with "throttled"); the
    // alert is never written while one is half drawn.
    let open = false;
    chunks.forEach((chunk, index) => {
      if (chunk.includes("/1000 settled")) open = true;
      if (index === alert) expect(open).toBe(false);
      if (chunk.includes("throttled 0.0%")) open = false;
    });
    const drawn = chunks.join("");
    expect(drawn.indexOf("ALERT")).toBeLessThan(drawn.lastIndexOf("7/1000 settled"));
    expect(drawn).toContain("done 7");
  });
});
