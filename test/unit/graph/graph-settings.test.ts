import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGraphSettings } from "../../../shared/config/graph.js";
import { ConfigError } from "../../../shared/config/errors.js";

const directory = mkdtempSync(join(tmpdir(), "mailferry-graph-settings-"));
const caPath = join(directory, "ca.pem");
const keyPath = join(directory, "app.pem");
writeFileSync(caPath, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
writeFileSync(
  keyPath,
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
);

const SOURCE_TENANT = "11111111-1111-4111-8111-111111111111";
const TARGET_TENANT = "22222222-2222-4222-8222-222222222222";
const CLIENT = "33333333-3333-4333-8333-333333333333";

const minimal = {
  GRAPH_SOURCE_TENANT_ID: SOURCE_TENANT,
  GRAPH_SOURCE_CLIENT_ID: CLIENT,
  GRAPH_SOURCE_CLIENT_SECRET: "source-secret",
  GRAPH_TARGET_TENANT_ID: TARGET_TENANT,
  GRAPH_TARGET_CLIENT_ID: CLIENT,
  GRAPH_TARGET_CERTIFICATE_PATH: keyPath,
};

function settingOf(read: () => unknown): string | undefined {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error.setting;
    throw error;
  }
  return undefined;
}

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("readGraphSettings", () => {
  it("defaults to public Graph and reads a secret for one side and a certificate for the other", () => {
    const settings = readGraphSettings(minimal);
    expect(settings.source).toEqual({
      baseUrl: "https://graph.microsoft.com",
      tenantId: SOURCE_TENANT,
      clientId: CLIENT,
      clientSecret: "source-secret",
    });
    expect(settings.target).toEqual({
      baseUrl: "https://graph.microsoft.com",
      tenantId: TARGET_TENANT,
      clientId: CLIENT,
      certificatePath: keyPath,
    });
  });

  it("points both sides at a custom host, authority and trusted CA", () => {
    const settings = readGraphSettings({
      ...minimal,
      GRAPH_BASE_URL: "https://127.0.0.1:8443/",
      GRAPH_AUTHORITY_HOST: "https://127.0.0.1:8443",
      GRAPH_CA_CERT_PATH: caPath,
    });
    for (const side of [settings.source, settings.target]) {
      expect(side.baseUrl).toBe("https://127.0.0.1:8443");
      expect(side.authorityHost).toBe("https://127.0.0.1:8443");
      expect(side.caCertPem).toContain("BEGIN CERTIFICATE");
    }
  });

  it("accepts a verified domain as the tenant", () => {
    expect(
      readGraphSettings({ ...minimal, GRAPH_SOURCE_TENANT_ID: "contoso.onmicrosoft.com" }).source.tenantId,
    ).toBe("contoso.onmicrosoft.com");
  });

  it("names the setting that is missing or wrong", () => {
    const without = (name: keyof typeof minimal): Record<string, string> =>
      Object.fromEntries(Object.entries(minimal).filter(([key]) => key !== name));
    expect(settingOf(() => readGraphSettings(without("GRAPH_SOURCE_TENANT_ID")))).toBe(
      "GRAPH_SOURCE_TENANT_ID",
    );
    expect(settingOf(() => readGraphSettings(without("GRAPH_TARGET_CLIENT_ID")))).toBe(
      "GRAPH_TARGET_CLIENT_ID",
    );
    expect(settingOf(() => readGraphSettings(without("GRAPH_SOURCE_CLIENT_SECRET")))).toBe(
      "GRAPH_SOURCE_CLIENT_SECRET",
    );
    expect(settingOf(() => readGraphSettings({ ...minimal, GRAPH_SOURCE_CLIENT_ID: "app" }))).toBe(
      "GRAPH_SOURCE_CLIENT_ID",
    );
    expect(settingOf(() => readGraphSettings({ ...minimal, GRAPH_SOURCE_CERTIFICATE_PATH: keyPath }))).toBe(
      "GRAPH_SOURCE_CERTIFICATE_PATH",
    );
    expect(
      settingOf(() => readGraphSettings({ ...minimal, GRAPH_BASE_URL: "http://graph.microsoft.com" })),
    ).toBe("GRAPH_BASE_URL");
    expect(
      settingOf(() => readGraphSettings({ ...minimal, GRAPH_BASE_URL: "https://graph.microsoft.com/v1.0" })),
    ).toBe("GRAPH_BASE_URL");
    expect(settingOf(() => readGraphSettings({ ...minimal, GRAPH_AUTHORITY_HOST: "not a url" }))).toBe(
      "GRAPH_AUTHORITY_HOST",
    );
    expect(
      settingOf(() => readGraphSettings({ ...minimal, GRAPH_CA_CERT_PATH: join(directory, "absent.pem") })),
    ).toBe("GRAPH_CA_CERT_PATH");
    expect(
      settingOf(() => readGraphSettings({ ...minimal, GRAPH_CA_CERT_PATH: keyPath.replace("app", "nope") })),
    ).toBe("GRAPH_CA_CERT_PATH");
    expect(settingOf(() => readGraphSettings({ ...minimal, GRAPH_TARGET_CERTIFICATE_PATH: caPath }))).toBe(
      "GRAPH_TARGET_CERTIFICATE_PATH",
    );
  });
});
