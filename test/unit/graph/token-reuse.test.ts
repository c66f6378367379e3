import { describe, expect, it } from "vitest";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { reusingTokens, TOKEN_RENEW_BEFORE_MS } from "../../../shared/graph/token-reuse.js";

const HOUR = 60 * 60_000;

/** A credential that issues numbered tokens valid for an hour from the test's clock. */
function countingCredential(clock: { now: number }): TokenCredential & { asked: number } {
  const credential = {
    asked: 0,
    getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      credential.asked += 1;
      return Promise.resolve({ token: `token-${credential.asked}`, expiresOnTimestamp: clock.now + HOUR });
    },
  };
  return credential;
}

describe("token reuse", () => {
  it("hands out the same token until shortly before it expires, then asks for a new one", async () => {
    const clock = { now: 0 };
    const inner = countingCredential(clock);
    const credential = reusingTokens(inner, () => clock.now);
    expect((await credential.getToken("scope-a"))?.token).toBe("token-1");
    clock.now = HOUR - TOKEN_RENEW_BEFORE_MS - 1;
    expect((await credential.getToken("scope-a"))?.token).toBe("token-1");
    clock.now = HOUR - TOKEN_RENEW_BEFORE_MS + 1;
    expect((await credential.getToken("scope-a"))?.token).toBe("token-2");
    expect(inner.asked).toBe(2);
  });

  it("keeps tokens apart by scope and shares one request among concurrent asks", async () => {
    const clock = { now: 0 };
    const inner = countingCredential(clock);
    const credential = reusingTokens(inner, () => clock.now);
    const tokens = await Promise.all(Array.from({ length: 5 }, () => credential.getToken(["scope-a"])));
    expect(new Set(tokens.map((token) => token?.token))).toEqual(new Set(["token-1"]));
    expect((await credential.getToken("scope-b"))?.token).toBe("token-2");
    expect(inner.asked).toBe(2);
  });

  it("asks afresh for a claims challenge", async () => {
    const clock = { now: 0 };
    const inner = countingCredential(clock);
    const credential = reusingTokens(inner, () => clock.now);
    await credential.getToken("scope-a");
    expect((await credential.getToken("scope-a", { claims: "challenge" }))?.token).toBe("token-2");
    expect(inner.asked).toBe(2);
  });
});
