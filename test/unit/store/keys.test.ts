import { describe, expect, it } from "vitest";
import { newAccount } from "../../../shared/domain/index.js";
import { decodeToken, encodeToken, listingKey, listingPrefix } from "../../../shared/store/listing.js";
import {
  ACCOUNT_PARTITIONS,
  allPartitions,
  partitionOf,
  prefixEnd,
} from "../../../shared/store/tables/keys.js";
import { ValidationError } from "../../../shared/errors.js";
import { at, importedAccount, T0 } from "../../factories/index.js";

describe("account partitions", () => {
  it("are stable: the mapping is part of the stored data", () => {
    // If these change, every stored account is in the wrong partition.
    expect(partitionOf("alice@contoso.com")).toBe("a03");
    expect(partitionOf("user1@source.contoso.com")).toBe("a00");
  });

  it("spread accounts over every partition", () => {
    const used = new Map<string, number>();
    for (let n = 0; n < 64_000; n++) {
      const partition = partitionOf(`user${n}@contoso.com`);
      used.set(partition, (used.get(partition) ?? 0) + 1);
    }
    expect([...used.keys()].sort()).toEqual(allPartitions());
    for (const count of used.values()) expect(count).toBeGreaterThan((64_000 / ACCOUNT_PARTITIONS) * 0.8);
  });

  it("bound key prefixes from above", () => {
    expect(prefixEnd("idx|w1|")).toBe("idx|w1}");
    expect("idx|w1|Pending|~" < prefixEnd("idx|w1|")).toBe(true);
  });
});

describe("listing keys", () => {
  it("sort by priority (highest first), then time in status, then id", () => {
    const account = (n: number, priority: number, minutes: number) => ({
      ...newAccount(importedAccount(n, { priority }), at(minutes)),
    });
    const keys = [account(1, 0, 0), account(2, 5, 9), account(3, 5, 1), account(4, 999, 20), account(5, 0, 0)]
      .map((a) => ({ id: a.id, key: listingKey(a) }))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((entry) => entry.id.slice(0, 5));
    expect(keys).toEqual(["user4", "user3", "user2", "user1", "user5"]);
    expect(listingKey(account(1, 0, 0)).startsWith(listingPrefix("w1", "Pending"))).toBe(true);
  });

  it("round-trip through continuation tokens bound to their listing", () => {
    const key = listingKey(newAccount(importedAccount(1), T0));
    const token = encodeToken(key);
    expect(token).not.toContain("|");
    expect(decodeToken(token, listingPrefix("w1", "Pending"))).toBe(key);
    expect(() => decodeToken(token, listingPrefix("w1", "Failed"))).toThrow(ValidationError);
  });
});
