import { describe, expect, it } from "vitest";
import { ConfigError, readServiceBusSettings, readTablesSettings } from "../../../shared/config/index.js";
import { readGraphSettings } from "../../../shared/config/graph.js";

describe("Service Bus settings", () => {
  it("accepts a connection string", () => {
    const settings = readServiceBusSettings({
      ServiceBusConnection: "Endpoint=sb://localhost:5672;SharedAccessKeyName=a;SharedAccessKey=b",
    });
    expect(settings.kind).toBe("connectionString");
  });

  it("accepts a namespace for identity-based connections", () => {
    const settings = readServiceBusSettings({
      ServiceBusConnection__fullyQualifiedNamespace: "contoso.servicebus.windows.net",
      AZURE_CLIENT_ID: "cid",
    });
    expect(settings).toEqual({
      kind: "identity",
      fullyQualifiedNamespace: "contoso.servicebus.windows.net",
      clientId: "cid",
    });
  });

  it("names the missing or malformed setting", () => {
    expect(() => readServiceBusSettings({})).toThrow(/ServiceBusConnection/);
    expect(() =>
      readServiceBusSettings({ ServiceBusConnection__fullyQualifiedNamespace: "not a host" }),
    ).toThrow(ConfigError);
  });
});

describe("Table settings", () => {
  it("requires a connection string or endpoint and validates the prefix", () => {
    expect(() => readTablesSettings({})).toThrow(/MailferryTables/);
    expect(() =>
      readTablesSettings({ MailferryTables: "UseDevelopmentStorage=true", MailferryTablePrefix: "9x" }),
    ).toThrow(/MailferryTablePrefix/);
    expect(
      readTablesSettings({ MailferryTables__tableServiceUri: "https://a.table.core.windows.net" }).kind,
    ).toBe("identity");
  });
});

describe("Key Vault references", () => {
  it("treats one App Service could not resolve as a configuration error naming the setting", () => {
    const unresolved = "@Microsoft.KeyVault(VaultName=kv-mailferry;SecretName=graph-source-client-secret)";
    expect(() =>
      readGraphSettings({
        GRAPH_SOURCE_TENANT_ID: "source.example",
        GRAPH_SOURCE_CLIENT_ID: "00000000-0000-4000-8000-000000000001",
        GRAPH_SOURCE_CLIENT_SECRET: unresolved,
        GRAPH_TARGET_TENANT_ID: "target.example",
        GRAPH_TARGET_CLIENT_ID: "00000000-0000-4000-8000-000000000002",
        GRAPH_TARGET_CLIENT_SECRET: "a secret",
      }),
    ).toThrow(/setting GRAPH_SOURCE_CLIENT_SECRET: is a Key Vault reference that did not resolve/);
  });
});
