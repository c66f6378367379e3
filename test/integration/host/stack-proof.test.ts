import { describe, expect, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { startStack } from "../../../local/stack.js";
import { fixtureApp } from "../../fixtures/apps/probe.js";
import { MOVES_QUEUE } from "../../../shared/bus/topology.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

describe("embedded stack", () => {
  it("runs a timer that sends to Service Bus and a queue trigger that writes to Azurite", async () => {
    const stack = await startStack({
      graph: false,
      logger: silentLogger,
      clock: { factor: 30 },
      settings: { PROOF_SCHEDULE: "*/10 * * * * *", PROOF_QUEUE: MOVES_QUEUE.name },
      app: fixtureApp("proof"),
    });
    const tables = stack.settings.MailferryTables ?? "";
    const table = TableClient.fromConnectionString(tables, "proof", { allowInsecureConnection: true });
    let rows: unknown[] = [];
    try {
      const started = Date.now();
      while (rows.length < 2 && Date.now() - started < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        rows = [];
        try {
          for await (const row of table.listEntities()) rows.push(row);
        } catch {
          // The table appears with the first message.
        }
      }
    } finally {
      await stack.close();
    }
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse((rows[0] as { body: string }).body)).toHaveProperty("firedFor");
    expect(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter).toBe(0);
  });
});
