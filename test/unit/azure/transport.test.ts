import { describe, expect, it } from "vitest";
import { assertTransportAllowed, isLoopbackHost, LOOPBACK_HOSTS } from "../../../shared/azure/transport.js";
import { ConfigError } from "../../../shared/config/errors.js";

const KEY = "c2VjcmV0LWtleS1ub3QtdG8tYmUtc2hvd24=";

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "::1", "[::1]", "localhost", "LOCALHOST"])("takes %s for this machine", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    "10.0.0.4",
    "localhost.example.com",
    "127.0.0.1.example.com",
    "stmailferry.table.core.windows.net",
    "",
  ])("does not take %s for this machine", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe("assertTransportAllowed", () => {
  it.each(LOOPBACK_HOSTS)("allows a plain connection to %s and says it is plain", (host) => {
    expect(assertTransportAllowed({ setting: "MailferryTables", value: "v", host, plain: true })).toBe(true);
  });

  it("allows TLS to any host and says it is not plain", () => {
    expect(
      assertTransportAllowed({ setting: "MailferryTables", value: "v", host: "example.com", plain: false }),
    ).toBe(false);
  });

  it("refuses a plain connection to another host, naming the setting and the host, the key masked", () => {
    const value = `DefaultEndpointsProtocol=http;AccountName=a;AccountKey=${KEY};TableEndpoint=http://10.0.0.4:10002/a`;
    let caught: unknown;
    try {
      assertTransportAllowed({ setting: "MailferryTables", value, host: "10.0.0.4", plain: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.setting).toBe("MailferryTables");
    expect(error.message).toContain("MailferryTables");
    expect(error.message).toContain("10.0.0.4");
    expect(error.message).toContain("[redacted]");
    expect(error.message).not.toContain(KEY);
  });
});
