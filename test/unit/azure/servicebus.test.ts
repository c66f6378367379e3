import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import {
  createServiceBusAdministrationClient,
  createServiceBusClient,
  serviceBusConnection,
} from "../../../shared/azure/servicebus.js";
import type { ServiceBusSettings } from "../../../shared/config/index.js";
import { expectRefused } from "./refusal.js";

const KEY = "Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk=";
const CLIENT_ID = "00000000-0000-4000-8000-00000000000a";

function connectionString(
  endpoint: string,
  emulator: boolean,
): Extract<ServiceBusSettings, { kind: "connectionString" }> {
  const tail = emulator ? "UseDevelopmentEmulator=true;" : "";
  return {
    kind: "connectionString",
    connectionString: `Endpoint=${endpoint};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${KEY};${tail}`,
  };
}

describe("serviceBusConnection", () => {
  it.each(["sb://localhost:5672", "sb://127.0.0.1:5672", "sb://[::1]:5672"])(
    "allows the emulator (AMQP without TLS) on this machine (%s)",
    (endpoint) => {
      const settings = connectionString(endpoint, true);
      expect(serviceBusConnection(settings)).toEqual({ connectionString: settings.connectionString });
    },
  );

  it("takes a SAS connection string to any namespace (AMQP over TLS)", () => {
    const settings = connectionString("sb://contoso.servicebus.windows.net/", false);
    expect(serviceBusConnection(settings)).toEqual({ connectionString: settings.connectionString });
  });

  it("refuses AMQP without TLS to another host, naming the setting and the host, the key masked", () => {
    expectRefused(
      () => serviceBusConnection(connectionString("sb://bus.example.com:5672", true)),
      "ServiceBusConnection",
      "bus.example.com",
      KEY,
    );
  });

  it("names the binding's own connection setting when given", () => {
    expectRefused(
      () => serviceBusConnection(connectionString("sb://bus.example.com", true), "OtherBus"),
      "OtherBus",
      "bus.example.com",
      KEY,
    );
  });

  it("reaches a namespace with the user-assigned managed identity a client id names", () => {
    const reach = serviceBusConnection({
      kind: "identity",
      fullyQualifiedNamespace: "contoso.servicebus.windows.net",
      clientId: CLIENT_ID,
    });
    expect(reach).toMatchObject({ fullyQualifiedNamespace: "contoso.servicebus.windows.net" });
    expect("credential" in reach && reach.credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it("reaches a namespace with the default chain when no client id is set", () => {
    const reach = serviceBusConnection({
      kind: "identity",
      fullyQualifiedNamespace: "contoso.servicebus.windows.net",
    });
    expect("credential" in reach && reach.credential).toBeInstanceOf(DefaultAzureCredential);
  });
});

describe("the Service Bus clients", () => {
  it("connect to the connection string's namespace", async () => {
    const client = createServiceBusClient(connectionString("sb://localhost:5672", true));
    expect(client.fullyQualifiedNamespace).toBe("localhost");
    await client.close();
  });

  it("connect to the namespace for identity settings", async () => {
    const client = createServiceBusClient({
      kind: "identity",
      fullyQualifiedNamespace: "contoso.servicebus.windows.net",
    });
    expect(client.fullyQualifiedNamespace).toBe("contoso.servicebus.windows.net");
    await client.close();
  });

  it("both refuse the emulator flag to another host", () => {
    const settings = connectionString("sb://bus.example.com", true);
    expectRefused(() => createServiceBusClient(settings), "ServiceBusConnection", "bus.example.com", KEY);
    expectRefused(
      () => createServiceBusAdministrationClient(settings),
      "ServiceBusConnection",
      "bus.example.com",
      KEY,
    );
  });
});
