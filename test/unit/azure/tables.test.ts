import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import {
  TABLES,
  createTableClient,
  createTableServiceClient,
  tableEndpointOf,
  tableName,
  tablesConnection,
  type TableName,
} from "../../../shared/azure/tables.js";
import { readTablesSettings, type TablesSettings } from "../../../shared/config/index.js";
import { expectRefused } from "./refusal.js";

const KEY = "Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXk=";
const CLIENT_ID = "00000000-0000-4000-8000-00000000000a";

function connectionString(tableEndpoint: string): TablesSettings {
  return {
    kind: "connectionString",
    connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};TableEndpoint=${tableEndpoint}`,
    tablePrefix: "mailferry",
  };
}

describe("table names", () => {
  it("puts the prefix in front of each table's logical name", () => {
    expect(tableName({ tablePrefix: "mailferry" }, "accounts")).toBe("mailferryaccounts");
    expect(tableName({ tablePrefix: "t1" }, "operatorActions")).toBe("t1operatoractions");
  });

  it("names every table once, each a valid Table Storage name under the longest prefix allowed", () => {
    const longest = "a".repeat(40); // MailferryTablePrefix allows up to 40 characters.
    expect(
      readTablesSettings({ MailferryTables: "UseDevelopmentStorage=true", MailferryTablePrefix: longest }),
    ).toMatchObject({ tablePrefix: longest });
    const names = (Object.keys(TABLES) as TableName[]).map((table) =>
      tableName({ tablePrefix: longest }, table),
    );
    expect(new Set(names).size).toBe(names.length);
    // Table Storage: alphanumeric, starting with a letter, 3 to 63 characters.
    for (const name of names) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
  });
});

describe("the table endpoint a connection string leads to", () => {
  it("is Azurite's own for UseDevelopmentStorage=true", () => {
    expect(tableEndpointOf("UseDevelopmentStorage=true")).toBe("http://127.0.0.1:10002/devstoreaccount1");
  });

  it("is TableEndpoint when set, whatever the case of the key", () => {
    expect(tableEndpointOf(`AccountName=a;AccountKey=${KEY};tableendpoint=https://a.example/`)).toBe(
      "https://a.example/",
    );
  });

  it("is built from the protocol, account and suffix otherwise", () => {
    expect(
      tableEndpointOf(
        `DefaultEndpointsProtocol=http;AccountName=st1;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
      ),
    ).toBe("http://st1.table.core.windows.net");
  });
});

describe("tablesConnection", () => {
  it.each([
    "http://127.0.0.1:10002/devstoreaccount1",
    "http://localhost:10002/devstoreaccount1",
    "http://[::1]:10002/devstoreaccount1",
  ])("allows plain http to Azurite on this machine (%s)", (endpoint) => {
    expect(tablesConnection(connectionString(endpoint))).toMatchObject({ allowInsecureConnection: true });
  });

  it("allows UseDevelopmentStorage=true", () => {
    const settings: TablesSettings = {
      kind: "connectionString",
      connectionString: "UseDevelopmentStorage=true",
      tablePrefix: "mailferry",
    };
    expect(tablesConnection(settings)).toMatchObject({ allowInsecureConnection: true });
  });

  it("takes https to any host, without allowing plain http", () => {
    expect(tablesConnection(connectionString("https://st1.table.core.windows.net/"))).toMatchObject({
      allowInsecureConnection: false,
    });
  });

  it("refuses plain http to another host, naming MailferryTables and the host, the key masked", () => {
    expectRefused(
      () => tablesConnection(connectionString("http://storage.example.com:10002/a")),
      "MailferryTables",
      "storage.example.com",
      KEY,
    );
  });

  it("refuses http by DefaultEndpointsProtocol, where no TableEndpoint is given", () => {
    const settings: TablesSettings = {
      kind: "connectionString",
      connectionString: `DefaultEndpointsProtocol=http;AccountName=st1;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
      tablePrefix: "mailferry",
    };
    expectRefused(() => tablesConnection(settings), "MailferryTables", "st1.table.core.windows.net", KEY);
  });

  it("reaches an account URL with the user-assigned managed identity a client id names", () => {
    const url = "https://stmailferry.table.core.windows.net/";
    const connection = tablesConnection({
      kind: "identity",
      tableServiceUri: url,
      clientId: CLIENT_ID,
      tablePrefix: "m",
    });
    expect(connection).toMatchObject({ url, allowInsecureConnection: false });
    expect("credential" in connection && connection.credential).toBeInstanceOf(ManagedIdentityCredential);
  });

  it("reaches an account URL with the default chain when no client id is set", () => {
    const url = "https://stmailferry.table.core.windows.net/";
    const connection = tablesConnection({ kind: "identity", tableServiceUri: url, tablePrefix: "m" });
    expect("credential" in connection && connection.credential).toBeInstanceOf(DefaultAzureCredential);
  });
});

describe("the table clients", () => {
  it("open the prefixed table at the connection string's endpoint", () => {
    const client = createTableClient(connectionString("http://127.0.0.1:10002/devstoreaccount1"), "waves");
    expect(client.tableName).toBe("mailferrywaves");
    expect(client.url).toBe("http://127.0.0.1:10002/devstoreaccount1");
  });

  it("open the table at the account URL for identity settings", () => {
    const url = "https://stmailferry.table.core.windows.net";
    const client = createTableClient(
      { kind: "identity", tableServiceUri: url, tablePrefix: "mailferry" },
      "alerts",
    );
    expect(client.tableName).toBe("mailferryalerts");
    expect(client.url).toBe(url);
  });

  it("both refuse plain http to another host", () => {
    const settings = connectionString("http://storage.example.com/a");
    expectRefused(
      () => createTableClient(settings, "accounts"),
      "MailferryTables",
      "storage.example.com",
      KEY,
    );
    expectRefused(() => createTableServiceClient(settings), "MailferryTables", "storage.example.com", KEY);
  });
});
