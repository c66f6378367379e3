import { describe, expect, it } from "vitest";
import { compileRoute, decodeRouteSegment } from "../../../local/host/routes.js";

describe("route values", () => {
  it("decodes valid escapes and passes malformed ones on as written, as ASP.NET Core does", () => {
    expect(decodeRouteSegment("user%40contoso.com")).toBe("user@contoso.com");
    expect(decodeRouteSegment("%E2%82%AC")).toBe("€");
    expect(decodeRouteSegment("%ZZ")).toBe("%ZZ");
    expect(decodeRouteSegment("%")).toBe("%");
    expect(decodeRouteSegment("a%E2%82b")).toBe("a%E2%82b");
  });

  it("matches a route whose value has a malformed escape instead of throwing", () => {
    expect(compileRoute("ops/accounts/{accountId}", "account").match("/ops/accounts/%ZZ")).toEqual({
      accountId: "%ZZ",
    });
  });
});
