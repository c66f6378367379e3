/**
 * What every ReleaseLedger must do, run against the in-memory fake and the Table Storage adapter:
 * window counts written under an ETag, the rate carried over windows, and the outbox of intents.
 */
import { describe, expect, it } from "vitest";
import type { ReleaseLedger } from "../../shared/releases/ledger.js";

/** Registers the contract suite for one ReleaseLedger implementation. */
export function releaseLedgerContract(name: string, create: () => Promise<ReleaseLedger>): void {
  describe(`ReleaseLedger contract: ${name}`, () => {
    it("keeps a window's count and the wave's last rate", async () => {
      const ledger = await create();
      await ledger.put({ waveId: "w1", windowStart: "2030-03-05T19:00:00.000Z", released: 7, rate: 40 });
      expect(await ledger.get("w1", "2030-03-05T19:00:00.000Z")).toMatchObject({ released: 7, rate: 40 });
      expect(await ledger.get("w1", "2030-03-06T19:00:00.000Z")).toBeUndefined();
      expect(await ledger.lastRate("w1")).toBe(40);
      expect(await ledger.lastRate("w2")).toBeUndefined();
    });

    it("keeps an outbox intent until it is cleared, per wave", async () => {
      const ledger = await create();
      const first = await ledger.recordSends("w1", ["a@contoso.com", "b@contoso.com"]);
      const second = await ledger.recordSends("w1", ["c@contoso.com"]);
      await ledger.recordSends("w2", ["d@contoso.com"]);
      expect(first.key).not.toBe(second.key);

      const open = await ledger.unsentIntents("w1");
      expect(open.map((intent) => [...intent.accountIds]).sort()).toEqual([
        ["a@contoso.com", "b@contoso.com"],
        ["c@contoso.com"],
      ]);

      await ledger.clearSends(first);
      await ledger.clearSends(first);
      expect((await ledger.unsentIntents("w1")).map((intent) => intent.key)).toEqual([second.key]);
      expect(await ledger.unsentIntents("w2")).toHaveLength(1);
    });

    it("keeps an intent of many long account ids whole", async () => {
      const ledger = await create();
      // Ids of the longest length a message allows, more than one property holds.
      const ids = Array.from({ length: 256 }, (_, n) => `${String(n).padStart(4, "0")}${"x".repeat(196)}`);
      await ledger.recordSends("w3", ids);
      const [intent] = await ledger.unsentIntents("w3");
      expect(intent?.accountIds).toEqual(ids);
    });
  });
}
