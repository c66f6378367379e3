/**
 * Start-up validation: every setting of the catalog, set to one bad value, stops the app as it
 * loads (readAppSettings is what functions/app.ts runs at load, in Azure and on the local host),
 * with an error naming the setting, showing its value (never a secret's) and saying what is allowed.
 */
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../../shared/config/catalog.js";
import { readAppSettings } from "../../../shared/config/app.js";
import { ConfigError } from "../../../shared/config/errors.js";

/** A complete set of settings as Azure has them (identity-based connections). */
const AZURE: Readonly<Record<string, string>> = {
  ServiceBusConnection__fullyQualifiedNamespace: "sb-mailferry.servicebus.windows.net",
  ServiceBusConnection__credential: "managedidentity",
  ServiceBusConnection__clientId: "00000000-0000-4000-8000-00000000000a",
  MailferryTables__tableServiceUri: "https://stmailferry.table.core.windows.net/",
  AZURE_CLIENT_ID: "00000000-0000-4000-8000-00000000000a",
  GRAPH_SOURCE_TENANT_ID: "source.example",
  GRAPH_SOURCE_CLIENT_ID: "00000000-0000-4000-8000-000000000001",
  GRAPH_SOURCE_CLIENT_SECRET: "source secret",
  GRAPH_TARGET_TENANT_ID: "00000000-0000-4000-8000-0000000000ff",
  GRAPH_TARGET_CLIENT_ID: "00000000-0000-4000-8000-000000000002",
  GRAPH_TARGET_CLIENT_SECRET: "target secret",
  MAILFERRY_SCHEDULER_SCHEDULE: "0 * * * * *",
  MAILFERRY_SWEEPER_SCHEDULE: "30 */5 * * * *",
  MAILFERRY_ALERTS_SCHEDULE: "0 */5 * * * *",
  MAILFERRY_WATCH_SCHEDULE: "15 */5 * * * *",
  EXCHANGE_TENANT_ID: "00000000-0000-4000-8000-0000000000ff",
  EXCHANGE_CLIENT_ID: "00000000-0000-4000-8000-000000000003",
  EXCHANGE_CLIENT_SECRET: "exchange secret",
  AzureWebJobsStorage__accountName: "stmailferry",
  AzureWebJobsStorage__credential: "managedidentity",
  AzureWebJobsStorage__clientId: "00000000-0000-4000-8000-00000000000a",
};

interface BadValue {
  readonly value: string;
  /** Settings to leave out so that this one is the one read (e.g. the secret beside a certificate). */
  readonly without?: readonly string[];
}

/** One bad value for every setting in the catalog. */
const BAD: Readonly<Record<string, BadValue>> = {
  ServiceBusConnection: { value: "Endpoint=http://localhost:5672;SharedAccessKeyName=RootManage" },
  ServiceBusConnection__fullyQualifiedNamespace: { value: "not a host" },
  ServiceBusConnection__credential: { value: "connectionstring" },
  ServiceBusConnection__clientId: { value: "mailferry-identity" },
  MailferryTables: { value: "AccountName=devstoreaccount1;TableEndpoint=ftp://127.0.0.1" },
  MailferryTables__tableServiceUri: { value: "http://stmailferry.table.core.windows.net/" },
  MailferryTablePrefix: { value: "9tables" },
  AZURE_CLIENT_ID: { value: "mailferry-identity" },
  GRAPH_SOURCE_TENANT_ID: { value: "contoso" },
  GRAPH_SOURCE_CLIENT_ID: { value: "mailferry-app" },
  GRAPH_SOURCE_CLIENT_SECRET: {
    value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s)",
  },
  GRAPH_SOURCE_CERTIFICATE_PATH: {
    value: "/nonexistent/source.pem",
    without: ["GRAPH_SOURCE_CLIENT_SECRET"],
  },
  GRAPH_TARGET_TENANT_ID: { value: "-contoso-" },
  GRAPH_TARGET_CLIENT_ID: { value: "{00000000}" },
  GRAPH_TARGET_CLIENT_SECRET: { value: "@Microsoft.KeyVault(VaultName=kv;SecretName=target)" },
  GRAPH_TARGET_CERTIFICATE_PATH: {
    value: "/nonexistent/target.pem",
    without: ["GRAPH_TARGET_CLIENT_SECRET"],
  },
  GRAPH_BASE_URL: { value: "not-a-url" },
  GRAPH_AUTHORITY_HOST: { value: "http://login.microsoftonline.com" },
  GRAPH_CA_CERT_PATH: { value: "/nonexistent/ca.pem" },
  EXCHANGE_TENANT_ID: { value: "contoso" },
  EXCHANGE_CLIENT_ID: { value: "exchange-app" },
  EXCHANGE_CLIENT_SECRET: { value: "@Microsoft.KeyVault(VaultName=kv;SecretName=exchange)" },
  EXCHANGE_CERTIFICATE_PATH: {
    value: "/nonexistent/exchange.pem",
    without: ["EXCHANGE_CLIENT_SECRET"],
  },
  EXCHANGE_BASE_URL: { value: "https://outlook.office365.com/adminapi/beta" },
  EXCHANGE_AUTHORITY_HOST: { value: "login.microsoftonline.com" },
  EXCHANGE_CA_CERT_PATH: { value: "/nonexistent/exchange-ca.pem" },
  EXCHANGE_MAX_CONCURRENT_REQUESTS: { value: "500" },
  MAILFERRY_SCHEDULER_SCHEDULE: { value: "every minute" },
  MAILFERRY_WATCH_SCHEDULE: { value: "15 */5 * * *" },
  MAILFERRY_HYBRID_PROGRESS_SECONDS: { value: "0" },
  MAILFERRY_HYBRID_SYNCED_SECONDS: { value: "forever" },
  MAILFERRY_SWEEPER_SCHEDULE: { value: "*/5 * * * *" },
  MAILFERRY_ALERTS_SCHEDULE: { value: "00:05:00" },
  MAILFERRY_SLICE_SECONDS: { value: "-5" },
  MAILFERRY_LEASE_SECONDS: { value: "60" },
  MAILFERRY_REQUEUE_AFTER_SECONDS: { value: "soon" },
  MAILFERRY_RELEASE_MIN: { value: "0" },
  MAILFERRY_RELEASE_MAX: { value: "1e9" },
  MAILFERRY_RELEASE_STEP: { value: "2.5" },
  MAILFERRY_UNHEALTHY_SHARE: { value: "5" },
  MAILFERRY_GRAPH_WINDOW_SCALE: { value: "0" },
  MAILFERRY_PAGE_SIZE: { value: "100000" },
  MAILFERRY_BAD_ITEM_SUBJECTS: { value: "sometimes" },
  MAILFERRY_MAILBOX_WAIT_SECONDS: { value: "0" },
  MAILFERRY_MAILBOX_RECHECK_SECONDS: { value: "-300" },
  MAILFERRY_TIME_ZONE: { value: "Mars/Olympus" },
  MAILFERRY_ACCELERATED_CLOCK: { value: "fast" },
  MAILFERRY_ALERT_WEBHOOK_URL: { value: "http://hooks.example.com/services/T0/B0/token" },
  MAILFERRY_ALERT_WEBHOOK_FORMAT: { value: "adaptive-card" },
  MAILFERRY_OPS_MAIL_ADDRESS: { value: "operations" },
  MAILFERRY_ALERT_MAIL_FROM: { value: "notices" },
  MAILFERRY_ALERT_WINDOW_MINUTES: { value: "0" },
  MAILFERRY_ALERT_FAILURE_PERCENT: { value: "150" },
  MAILFERRY_ALERT_PREFLIGHT_PERCENT: { value: "0" },
  MAILFERRY_ALERT_MIN_SAMPLE: { value: "-1" },
  MAILFERRY_ALERT_STALL_MINUTES: { value: "20000" },
  MAILFERRY_ALERT_THROTTLED_PERCENT: { value: "five" },
  MAILFERRY_ALERT_MIN_REQUESTS: { value: "0" },
  MAILFERRY_ALERT_MUTE_MINUTES: { value: "-60" },
  MAILFERRY_DLQ_DEPTH_SOURCE: { value: "portal" },
  MAILFERRY_LOG_LEVEL: { value: "verbose" },
  APPLICATIONINSIGHTS_CONNECTION_STRING: { value: "InstrumentationKey=not-a-guid" },
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: { value: "Authorization=Basic" },
  AzureWebJobsStorage__accountName: { value: "St_Mailferry" },
  AzureWebJobsStorage__credential: { value: "secret" },
  AzureWebJobsStorage__clientId: { value: "host-identity" },
  AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: { value: "-1" },
};

function failureOf(env: Record<string, string>): ConfigError {
  try {
    readAppSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("readAppSettings accepted the settings");
}

describe("start-up validation", () => {
  it("has one bad value for every setting in the catalog", () => {
    expect(Object.keys(BAD).sort()).toEqual(SETTINGS.map((setting) => setting.name).sort());
  });

  it("accepts a complete set of Azure settings", () => {
    expect(() => readAppSettings(AZURE)).not.toThrow();
  });

  for (const setting of SETTINGS) {
    const bad = BAD[setting.name];
    if (bad === undefined) continue;
    it(`refuses ${setting.name}=${JSON.stringify(bad.value)}, naming it, what it holds and what is allowed`, () => {
      const env: Record<string, string> = { ...AZURE, [setting.name]: bad.value };
      for (const name of bad.without ?? []) Reflect.deleteProperty(env, name);
      const error = failureOf(env);
      const problem = error.problems.find((candidate) => candidate.setting === setting.name);
      expect(problem?.message, error.message).toMatch(new RegExp(`^setting ${setting.name}: `));
      if (setting.secret === true) {
        expect(error.message).not.toContain(bad.value);
      } else {
        expect(problem?.message).toContain(JSON.stringify(bad.value));
        expect(problem?.message).toMatch(/ is not valid: allowed is .{10,}/);
      }
    });
  }

  it("lists every missing connection at once when no settings are set", () => {
    const error = failureOf({});
    const named = error.problems.map((problem) => problem.setting);
    expect(named).toEqual(
      expect.arrayContaining([
        "ServiceBusConnection",
        "MailferryTables",
        "GRAPH_SOURCE_TENANT_ID",
        "MAILFERRY_SCHEDULER_SCHEDULE",
      ]),
    );
    expect(error.message).toMatch(
      /^\d+ settings are not valid:\n {2}setting ServiceBusConnection: is required/,
    );
  });

  it("never echoes a key from a connection string", () => {
    const error = failureOf({
      ...AZURE,
      MailferryTables: "AccountName=devstoreaccount1;AccountKey=c2VjcmV0LWtleQ==;TableEndpoint=ftp://x",
    });
    expect(error.message).toMatch(/setting MailferryTables: /);
    expect(error.message).not.toContain("c2VjcmV0LWtleQ==");
  });
});
