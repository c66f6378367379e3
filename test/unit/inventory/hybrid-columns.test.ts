import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { accountIdFromUpn, defineWave } from "../../../shared/domain/index.js";
import { importInventory } from "../../../shared/inventory/index.js";
import type { RowProblem } from "../../../shared/inventory/problems.js";
import { createMemoryStore } from "../../../shared/store/memory/index.js";
import { T0 } from "../../factories/index.js";

describe("the inventory's on-premises GUID columns", () => {
  it("keeps each mailbox's ExchangeGuid and ArchiveGuid, and names a malformed one", async () => {
    const store = createMemoryStore();
    await store.waves.create(defineWave({ id: "h1", timeZone: "UTC" }, T0));
    const problems: RowProblem[] = [];
    const csv = [
      "sourceUpn,targetUpn,exchangeGuid,archiveGuid",
      "ada@fabrikam.example,ada@fabrikam.example,0F8FAD5B-D9CB-469F-A165-70867728950E,7c9e6679-7425-40de-944b-e07fc1f90ae7",
      "ben@fabrikam.example,ben@fabrikam.example,0f8fad5b-d9cb-469f-a165-70867728950f,",
      "cy@fabrikam.example,cy@fabrikam.example,not-a-guid,",
    ].join("\n");
    const summary = await importInventory(Readable.from([csv]), {
      store,
      waveId: "h1",
      now: T0,
      onProblem: (problem) => problems.push(problem),
    });
    expect(summary.accepted).toBe(2);
    expect((await store.accounts.get(accountIdFromUpn("ada@fabrikam.example"))).source).toEqual({
      upn: "ada@fabrikam.example",
      exchangeGuid: "0f8fad5b-d9cb-469f-a165-70867728950e",
      archiveGuid: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    });
    expect(
      (await store.accounts.get(accountIdFromUpn("ben@fabrikam.example"))).source.archiveGuid,
    ).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        line: 4,
        column: "exchangeGuid",
        message: expect.stringMatching(/is not a GUID/) as unknown,
      }),
    ]);
  });
});
