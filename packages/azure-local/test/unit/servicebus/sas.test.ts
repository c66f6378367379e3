import { describe, expect, it } from "vitest";
import { createSasToken, verifySasToken } from "../../../src/servicebus/auth/sas.js";
import { handlePutToken } from "../../../src/servicebus/auth/cbs.js";

const key = { name: "RootManageSharedAccessKey", key: "c2VjcmV0LWtleQ==" };
const now = Date.UTC(2026, 0, 1);
const inAnHour = now + 3_600_000;

describe("SAS tokens", () => {
  it("accepts a token signed with the key and grants its resource", () => {
    const token = createSasToken("sb://localhost:5672/moves", key, inAnHour);
    expect(verifySasToken(token, key, now)).toEqual({
      scope: "moves",
      expiresAt: Math.floor(inAnHour / 1000) * 1000,
    });
    const namespace = createSasToken("sb://localhost:5672/", key, inAnHour);
    expect(verifySasToken(namespace, key, now).scope).toBe("");
  });

  it("refuses another key, another key name, an expired token and a tampered resource", () => {
    const token = createSasToken("sb://localhost:5672/moves", key, inAnHour);
    expect(() => verifySasToken(token, { ...key, key: "other" }, now)).toThrow(/signature/);
    expect(() => verifySasToken(token, { ...key, name: "Other" }, now)).toThrow(/key name/);
    expect(() => verifySasToken(token, key, inAnHour + 1000)).toThrow(/expired/);
    expect(() => verifySasToken(token.replace("moves", "cutovers"), key, now)).toThrow(/signature/);
    expect(() => verifySasToken("Bearer abc", key, now)).toThrow(/not a shared access signature/);
    expect(() => verifySasToken("SharedAccessSignature sr=x", key, now)).toThrow(/lacks/);
  });
});

describe("put-token", () => {
  const request = (audience: string, token: string, type = "servicebus.windows.net:sastoken") => ({
    body: token,
    message_id: "req-1",
    reply_to: "cbs-1",
    application_properties: { operation: "put-token", name: audience, type },
  });
  const context = { key, now, entityExists: (path: string) => path.startsWith("moves") };

  it("grants an existing entity covered by the token", () => {
    const audience = "sb://localhost:5672/moves/$management";
    const result = handlePutToken(request(audience, createSasToken(audience, key, inAnHour)), context);
    expect(result.reply.applicationProperties["status-code"]).toBe(202);
    expect(result.grant?.scope).toBe("moves/$management");
  });

  it("answers 401 for a bad token or a token for another entity, 404 for an unknown entity", () => {
    const audience = "sb://localhost:5672/moves";
    const other = createSasToken("sb://localhost:5672/cutovers", key, inAnHour);
    const bad = handlePutToken(
      request(audience, createSasToken(audience, { ...key, key: "x" }, inAnHour)),
      context,
    );
    expect(bad.reply.applicationProperties["status-code"]).toBe(401);
    expect(bad.grant).toBeUndefined();
    expect(handlePutToken(request(audience, other), context).reply.applicationProperties["status-code"]).toBe(
      401,
    );
    expect(
      handlePutToken(request(audience, createSasToken(audience, key, inAnHour), "jwt"), context).reply
        .applicationProperties["status-code"],
    ).toBe(401);
    const missing = "sb://localhost:5672/nope";
    const notFound = handlePutToken(request(missing, createSasToken(missing, key, inAnHour)), context);
    expect(notFound.reply.applicationProperties).toMatchObject({
      "status-code": 404,
      "status-description": "The messaging entity 'sb://localhost:5672/nope' could not be found.",
    });
  });
});
