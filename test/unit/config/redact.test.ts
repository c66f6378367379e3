import { describe, expect, it } from "vitest";
import { createLogger } from "../../../shared/telemetry/logger.js";
import { REDACTED, redact, redactText } from "../../../shared/config/redact.js";

describe("redaction", () => {
  it("masks credentials inside free text", () => {
    const text =
      "Endpoint=sb://localhost:5672;SharedAccessKeyName=root;SharedAccessKey=c2VjcmV0;UseDevelopmentEmulator=true";
    const out = redactText(text);
    expect(out).not.toContain("c2VjcmV0");
    expect(out).toContain("Endpoint=sb://localhost:5672");
  });

  it("masks bearer tokens, JWTs and keys in URLs", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl";
    expect(redactText(`Authorization: Bearer ${jwt}`)).not.toContain(jwt);
    expect(redactText(`token ${jwt} seen`)).not.toContain(jwt);
    expect(redactText("https://h/api/x?code=abc123&y=1")).toBe(`https://h/api/x?code=${REDACTED}&y=1`);
  });

  it("blanks secret-named keys whatever their value, and keeps the rest", () => {
    const out = redact({ accountId: "a1", clientSecret: "hunter2", nested: { Data: "mail body" } });
    expect(out).toEqual({ accountId: "a1", clientSecret: REDACTED, nested: { Data: REDACTED } });
  });

  it("writes one redacted JSON line per log call", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", sink: (line) => lines.push(line) }).child({
      invocationId: "i-1",
    });
    logger.info("sent with SharedAccessKey=topsecret", { password: "p" });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(parsed.invocationId).toBe("i-1");
    expect(parsed.password).toBe(REDACTED);
    expect(String(parsed.msg)).not.toContain("topsecret");
  });
});
