import { describe, expect, it } from "vitest";
import { authorize, encodePrincipal, readPrincipal, ROLES } from "../../../shared/admin/principal.js";

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value), "utf8").toString("base64");

describe("App Service principal", () => {
  it("reads the name and the roles claims", () => {
    const principal = readPrincipal(encodePrincipal("ops@contoso.com", [ROLES.reader, "Other.Role"]));
    expect(principal).toEqual({ name: "ops@contoso.com", roles: [ROLES.reader, "Other.Role"] });
  });

  it("honours role_typ and name_typ as App Service sends them", () => {
    const roleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
    const principal = readPrincipal(
      b64({
        auth_typ: "aad",
        name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
        role_typ: roleType,
        claims: [
          { typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", val: "ann@contoso.com" },
          { typ: roleType, val: ROLES.operator },
        ],
      }),
    );
    expect(principal).toEqual({ name: "ann@contoso.com", roles: [ROLES.operator] });
  });

  it("treats a missing header as no principal and an unreadable one as unauthenticated", () => {
    expect(readPrincipal(null)).toBeUndefined();
    expect(readPrincipal("  ")).toBeUndefined();
    expect(() => readPrincipal("%%%not base64 json")).toThrow(/not base64-encoded JSON/);
    expect(() => readPrincipal(b64({ roles: ["x"] }))).toThrow(/claims array/);
  });

  it("lets readers read, operators read and change, and nobody else anything", () => {
    const reader = { name: "r", roles: [ROLES.reader] };
    const operator = { name: "o", roles: [ROLES.operator] };
    const stranger = { name: "s", roles: ["Some.Role"] };
    expect(authorize(reader, "read")).toBe(reader);
    expect(() => authorize(reader, "change")).toThrow(/Migration.Operator is required/);
    expect(authorize(operator, "read")).toBe(operator);
    expect(authorize(operator, "change")).toBe(operator);
    expect(thrown(() => authorize(stranger, "read"))).toMatchObject({
      name: "ForbiddenError",
      requiredRole: ROLES.reader,
    });
    expect(thrown(() => authorize(undefined, "read"))).toMatchObject({ name: "UnauthenticatedError" });
  });
});
