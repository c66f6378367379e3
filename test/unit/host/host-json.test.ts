import { describe, expect, it } from "vitest";
import { parseHostJson } from "../../../local/host/index.js";
import { parseTimeSpan } from "../../../local/host/host-json.js";
import { ConfigError } from "../../../shared/config/errors.js";

describe("host.json", () => {
  it("reads the Service Bus extension settings and applies Azure defaults", () => {
    const settings = parseHostJson(
      JSON.stringify({
        extensions: { serviceBus: { maxConcurrentCalls: 4, maxAutoLockRenewalDuration: "00:02:30" } },
      }),
    );
    expect(settings.serviceBus).toEqual({
      maxConcurrentCalls: 4,
      autoCompleteMessages: true,
      maxAutoLockRenewalDurationMs: 150_000,
    });
    expect(parseHostJson("{}").serviceBus.maxAutoLockRenewalDurationMs).toBe(300_000);
  });

  it("names the bad field", () => {
    expect(() =>
      parseHostJson(JSON.stringify({ extensions: { serviceBus: { maxConcurrentCalls: 0 } } })),
    ).toThrow(/extensions\.serviceBus\.maxConcurrentCalls/);
    expect(() => parseHostJson("{")).toThrow(/not valid JSON/);
    expect(() => parseTimeSpan("5 minutes", "x")).toThrow(/time span/);
  });

  it("parses day-qualified time spans", () => {
    expect(parseTimeSpan("1.02:00:00", "x")).toBe(26 * 3_600_000);
  });

  it("takes AzureFunctionsJobHost__ app settings over host.json, as the Functions host does", () => {
    const text = JSON.stringify({ extensions: { serviceBus: { maxConcurrentCalls: 16 } } });
    const env = { AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: "3" };
    expect(parseHostJson(text, env).serviceBus.maxConcurrentCalls).toBe(3);
    expect(
      parseHostJson("{}", { azurefunctionsjobhost__Extensions__ServiceBus__AutoCompleteMessages: "false" })
        .serviceBus.autoCompleteMessages,
    ).toBe(false);
  });

  it("refuses an override below 1, naming the setting and its value, as the Service Bus extension does", () => {
    const read = (): unknown =>
      parseHostJson("{}", { AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: "-1" });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      /setting AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: "-1" is not valid .*at least 1/,
    );
  });

  it("refuses an override it does not honour rather than ignoring it", () => {
    expect(() =>
      parseHostJson("{}", { AzureFunctionsJobHost__extensions__serviceBus__prefetchCount: "50" }),
    ).toThrow(
      /setting AzureFunctionsJobHost__extensions__serviceBus__prefetchCount: the local host does not honour/,
    );
  });
});
