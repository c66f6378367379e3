import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readGraphSettings } from "../../../shared/config/graph.js";
import { createGraphClient } from "../../../shared/graph/client.js";

const fixture = fileURLToPath(new URL("./fixtures/emulate-graph-cli.ts", import.meta.url));

interface Printed {
  graph: {
    baseUrl: string;
    authorityHost: string;
    caCertPath: string;
    source: { tenantId: string; clientId: string; clientSecret: string };
    target: { tenantId: string; clientId: string; clientSecret: string };
    settings: Record<string, string>;
  };
}

describe("mailferry emulate graph", () => {
  it("prints one JSON line a client can connect with, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fixture,
        "emulate",
        "graph",
        "--port",
        "0",
        "--mailboxes",
        "3",
        "--items-per-mailbox",
        "5",
      ],
      { env: { ...process.env, MAILFERRY_LOG_LEVEL: "error" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, "line")) as [string];
      const printed = JSON.parse(line) as Printed;
      expect(printed.graph.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(printed.graph.authorityHost).toBe(printed.graph.baseUrl);
      expect(printed.graph.source.clientSecret.length).toBeGreaterThan(20);
      expect(printed.graph.settings.GRAPH_CA_CERT_PATH).toBe(printed.graph.caCertPath);

      const settings = readGraphSettings(printed.graph.settings);
      const client = createGraphClient(settings.target, { maxRetries: 0 });
      const skus = (await client.api("/subscribedSkus").get()) as { value: unknown[] };
      expect(skus.value.length).toBeGreaterThan(0);
    } finally {
      child.kill("SIGTERM");
    }
    const code = child.exitCode ?? ((await once(child, "exit")) as [number | null])[0];
    expect(code).toBe(0);
  });
});
