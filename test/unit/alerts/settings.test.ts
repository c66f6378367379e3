import { describe, expect, it } from "vitest";
import { ConfigError, readAlertSettings } from "../../../shared/config/index.js";

describe("alert settings", () => {
  it("has production defaults: 15 min window, 5 %, 20 outcomes, 30 min stall, 1 h mute", () => {
    expect(readAlertSettings({})).toEqual({
      windowMs: 15 * 60_000,
      failureRate: 0.05,
      preflightFailureRate: 0.2,
      minimumSample: 20,
      stallMs: 30 * 60_000,
      throttledShare: 0.05,
      minimumRequests: 200,
      muteMs: 60 * 60_000,
    });
  });

  it("reads thresholds, the webhook and the operations mail", () => {
    const settings = readAlertSettings({
      MAILFERRY_ALERT_WINDOW_MINUTES: "0.5",
      MAILFERRY_ALERT_FAILURE_PERCENT: "12.5",
      MAILFERRY_ALERT_MIN_SAMPLE: "5",
      MAILFERRY_ALERT_WEBHOOK_URL: "https://hooks.example.com/services/T0/B0/secret",
      MAILFERRY_ALERT_WEBHOOK_FORMAT: "chat",
      MAILFERRY_OPS_MAIL_ADDRESS: "ops@contoso.com",
      MAILFERRY_ALERT_MAIL_FROM: "mailferry.notices@contoso.com",
      MAILFERRY_DLQ_DEPTH_SOURCE: "peek",
    });
    expect(settings).toMatchObject({
      windowMs: 30_000,
      failureRate: 0.125,
      minimumSample: 5,
      webhook: { url: "https://hooks.example.com/services/T0/B0/secret", format: "chat" },
      mail: { to: "ops@contoso.com", from: "mailferry.notices@contoso.com" },
      deadLetterDepths: "peek",
    });
    expect(
      readAlertSettings({ MAILFERRY_ALERT_WEBHOOK_URL: "http://127.0.0.1:7071/alerts" }).webhook?.format,
    ).toBe("json");
  });

  it.each([
    ["MAILFERRY_ALERT_FAILURE_PERCENT", "0"],
    ["MAILFERRY_ALERT_FAILURE_PERCENT", "101"],
    ["MAILFERRY_ALERT_MIN_SAMPLE", "2.5"],
    ["MAILFERRY_ALERT_MUTE_MINUTES", "-1"],
    ["MAILFERRY_ALERT_STALL_MINUTES", "soon"],
    ["MAILFERRY_ALERT_WEBHOOK_FORMAT", "teams-card"],
    ["MAILFERRY_DLQ_DEPTH_SOURCE", "portal"],
    ["MAILFERRY_OPS_MAIL_ADDRESS", "operations"],
  ])("names %s when it is %j", (name, value) => {
    const read = (): unknown => readAlertSettings({ [name]: value, MAILFERRY_ALERT_MAIL_FROM: "a@b.com" });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(name);
  });

  it("refuses a plain-HTTP webhook off this machine without echoing the URL", () => {
    const read = (): unknown =>
      readAlertSettings({ MAILFERRY_ALERT_WEBHOOK_URL: "http://hooks.example.com/services/secret-token" });
    expect(read).toThrow(/MAILFERRY_ALERT_WEBHOOK_URL: .*allowed is an https:\/\/ URL/);
    expect(read).not.toThrow(/secret-token/);
  });

  it("needs a sender mailbox for the operations mail", () => {
    expect(() => readAlertSettings({ MAILFERRY_OPS_MAIL_ADDRESS: "ops@contoso.com" })).toThrow(
      /MAILFERRY_ALERT_MAIL_FROM/,
    );
  });
});
