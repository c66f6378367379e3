/**
 * The app's start on the local host, loaded as the Azure Functions worker loads it: a connection
 * its settings name that cannot be reached, or that refuses the app's key, fails the start with
 * the setting's name (the composition root's appStart check), and a host.json override the
 * Service Bus extension would refuse is refused too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devConnectionString } from "@mailferry/azure-local/azurite";
import { findFreePort } from "@mailferry/azure-local/azurite";
import { LocalHost, mailferryApp } from "../../../local/host/index.js";
import { startEmulators, type Emulators } from "../../../local/stack.js";
import { ConfigError, ConnectionCheckError } from "../../../shared/config/errors.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

let emulators: Emulators;
let closedPort: number;

/** Graph settings that load (the start contacts no Graph endpoint). */
const GRAPH = {
  GRAPH_SOURCE_TENANT_ID: "source.example",
  GRAPH_SOURCE_CLIENT_ID: "00000000-0000-4000-8000-000000000001",
  GRAPH_SOURCE_CLIENT_SECRET: "source secret",
  GRAPH_TARGET_TENANT_ID: "target.example",
  GRAPH_TARGET_CLIENT_ID: "00000000-0000-4000-8000-000000000002",
  GRAPH_TARGET_CLIENT_SECRET: "target secret",
};

beforeAll(async () => {
  emulators = await startEmulators({ graph: false, logger: silentLogger });
  closedPort = await findFreePort();
});

afterAll(async () => {
  await emulators.close();
});

function settings(overrides: Record<string, string>): Record<string, string> {
  return { ...emulators.settings, ...GRAPH, MAILFERRY_LOG_LEVEL: "off", ...overrides };
}

async function startFailure(overrides: Record<string, string>): Promise<unknown> {
  try {
    const host = await LocalHost.start({
      app: mailferryApp(),
      env: settings(overrides),
      logger: silentLogger,
    });
    await host.stop();
  } catch (error) {
    return error;
  }
  throw new Error("the host started");
}

/** The emulator's connection string with another key: well formed, but not the namespace's key. */
function wrongServiceBusKey(): string {
  return (emulators.settings.ServiceBusConnection ?? "").replace(
    /SharedAccessKey=[^;]+/,
    `SharedAccessKey=${Buffer.from("not the key").toString("base64")}`,
  );
}

describe("start-up connection checks", () => {
  it("starts when both connections answer", async () => {
    const host = await LocalHost.start({ app: mailferryApp(), env: settings({}), logger: silentLogger });
    await host.stop();
  });

  it("names MailferryTables when its endpoint's port is closed", async () => {
    const error = await startFailure({
      MailferryTables: devConnectionString(`http://127.0.0.1:${closedPort}/devstoreaccount1`),
    });
    expect(error).toBeInstanceOf(ConnectionCheckError);
    expect(String(error)).toMatch(/setting MailferryTables: cannot be reached \(ECONNREFUSED\)/);
  });

  it("names MailferryTables when Azurite refuses its AccountKey", async () => {
    const wrongKey = (emulators.settings.MailferryTables ?? "").replace(
      /AccountKey=[^;]+/,
      `AccountKey=${Buffer.from("not the key").toString("base64")}`,
    );
    const error = await startFailure({ MailferryTables: wrongKey });
    expect(error).toBeInstanceOf(ConnectionCheckError);
    expect(String(error)).toMatch(/setting MailferryTables: refused the app's credentials \(HTTP 403\)/);
  });

  it("names ServiceBusConnection when its port is closed or its key is wrong", async () => {
    const closed = await startFailure({
      ServiceBusConnection: `Endpoint=sb://localhost:${closedPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=a2V5;UseDevelopmentEmulator=true;`,
    });
    expect(String(closed)).toMatch(/setting ServiceBusConnection: cannot be reached \(ECONNREFUSED\)/);
    const refused = await startFailure({ ServiceBusConnection: wrongServiceBusKey() });
    expect(refused).toBeInstanceOf(ConnectionCheckError);
    expect(String(refused)).toMatch(/setting ServiceBusConnection: refused the app's credentials/);
  });

  it("refuses a maxConcurrentCalls override of -1, naming the setting", async () => {
    const error = await startFailure({
      AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: "-1",
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(
      /setting AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: "-1" is not valid/,
    );
  });
});
