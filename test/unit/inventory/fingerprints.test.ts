import { describe, expect, it } from "vitest";
import { FingerprintSet } from "../../../shared/inventory/fingerprints.js";

describe("FingerprintSet", () => {
  it("remembers the first line of each text", () => {
    const set = new FingerprintSet(4);
    expect(set.add("alice@contoso.com", 2)).toBe(0);
    expect(set.add("bob@contoso.com", 3)).toBe(0);
    expect(set.add("alice@contoso.com", 9)).toBe(2);
    expect(set.size).toBe(2);
  });

  it("tells 300,000 similar texts apart while growing", () => {
    const set = new FingerprintSet();
    let clashes = 0;
    for (let n = 1; n <= 300_000; n++) if (set.add(`user${n}@source.contoso.com`, n) !== 0) clashes++;
    expect(clashes).toBe(0);
    expect(set.size).toBe(300_000);
    expect(set.add("user123456@source.contoso.com", 1)).toBe(123_456);
  });
});
