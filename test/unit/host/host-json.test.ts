import { describe, expect, it } from "vitest";
import { parseHostJson } from "../../../local/host/index.js";
import { parseTimeSpan } from "../../../local/host/host-json.js";

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
});
