import { createReadStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { importInventory, type RowProblem } from "../../../shared/inventory/index.js";
import { createMemoryStore, type MemoryStore } from "../../../shared/store/index.js";
import { T0, waveRecord } from "../../factories/index.js";

interface ExpectedProblem {
  line: number;
  column?: string;
  match: string;
}

interface Case {
  file: string;
  wave?: string;
  accepted: number;
  aborted?: "header" | "syntax";
  problems: ExpectedProblem[];
}

const folder = fileURLToPath(new URL("../../fixtures/import/", import.meta.url));
const { cases } = JSON.parse(readFileSync(`${folder}cases.json`, "utf8")) as { cases: Case[] };

describe("inventory corpus", () => {
  let store: MemoryStore;

  beforeEach(async () => {
    store = createMemoryStore();
    for (const id of ["w1", "w2", "wc"]) await store.waves.create(waveRecord({ id }));
    await store.waves.updateStatus("wc", "Cancelled", T0);
  });

  it("has at least 25 malformed files", () => {
    expect(cases.filter((c) => c.problems.length > 0).length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.map((c) => [c.file, c] as const))("%s", async (_file, expected) => {
    const problems: RowProblem[] = [];
    const summary = await importInventory(createReadStream(`${folder}${expected.file}`), {
      store,
      now: T0,
      batchSize: 2,
      ...(expected.wave === undefined ? {} : { waveId: expected.wave }),
      onProblem: (problem) => problems.push(problem),
    });
    expect(problems).toHaveLength(expected.problems.length);
    expected.problems.forEach((want, i) => {
      const got = problems[i];
      expect(got?.line, `problem ${i} line`).toBe(want.line);
      expect(got?.column, `problem ${i} column`).toBe(want.column);
      expect(got?.message, `problem ${i} message`).toContain(want.match);
    });
    expect(summary.problems).toBe(expected.problems.length);
    expect(summary.accepted).toBe(expected.accepted);
    expect(summary.created).toBe(expected.accepted);
    expect(summary.aborted).toBe(expected.aborted);
    const counts = await store.counters.waveCounts("w1");
    const counts2 = await store.counters.waveCounts("w2");
    expect(counts.accounts + counts2.accounts).toBe(expected.accepted);
  });
});
