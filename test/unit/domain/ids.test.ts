import { describe, expect, it } from "vitest";
import { accountIdFromUpn, checkUpn, isAccountId, parseWaveId } from "../../../shared/domain/index.js";
import { ValidationError } from "../../../shared/errors.js";

describe("account ids", () => {
  it("are the lower-cased UPN, the same however the UPN is cased or padded", () => {
    expect(accountIdFromUpn("Alice.Smith@Contoso.com")).toBe("alice.smith@contoso.com");
    expect(accountIdFromUpn(" alice.smith@CONTOSO.COM ")).toBe("alice.smith@contoso.com");
  });

  it("escape characters that Table keys or message ids cannot carry", () => {
    const id = accountIdFromUpn("o'neil#1/a?b\\c|d~e^f!g@contoso.com");
    expect(id).toBe("o~27neil~231~2fa~3fb~5cc~7cd~7ee~5ef~21g@contoso.com");
    expect(id).not.toMatch(/[/\\#?|]/);
    expect(isAccountId(id)).toBe(true);
    // Distinct UPNs never share an id, even when one spells out the other's escape.
    expect(accountIdFromUpn("a~27b@x.com")).not.toBe(accountIdFromUpn("a'b@x.com"));
  });

  it("recognises only well-formed ids", () => {
    expect(isAccountId("alice@contoso.com")).toBe(true);
    expect(isAccountId("Alice@contoso.com")).toBe(false);
    expect(isAccountId("a/b")).toBe(false);
    expect(isAccountId("")).toBe(false);
  });
});

describe("wave ids", () => {
  it("are normalised to lower case and validated", () => {
    expect(parseWaveId(" Evening-01 ")).toBe("evening-01");
    for (const bad of ["", "-a", "a-", "a b", "a|b", "x".repeat(33), "wave_1"]) {
      expect(() => parseWaveId(bad)).toThrow(ValidationError);
    }
  });
});

describe("checkUpn", () => {
  it.each([
    ["alice@contoso.com", true],
    ["o'neil.j_x-y!z#^~@sub.contoso.co.uk", true],
    ["alice@contoso", false],
    ["@contoso.com", false],
    ["alice@", false],
    [".alice@contoso.com", false],
    ["alice.@contoso.com", false],
    ["alice@contoso..com", false],
    ["alice@contoso.123", false],
    ["alice+tag@contoso.com", false],
    [`${"a".repeat(64)}@contoso.com`, true],
    [`${"a".repeat(60)}@${"b".repeat(50)}.com`, false],
  ])("%s is valid: %s", (upn, valid) => {
    expect(checkUpn(upn).ok).toBe(valid);
  });
});
