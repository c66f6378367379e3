import { describe, expect, it } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import { TableClient } from "@azure/data-tables";
import { defineServiceBusQueue, defineTimer } from "../../../functions/definition.js";
import { startStack } from "../../../local/stack.js";
import { acceleratedClock } from "../../../local/host/index.js";
import { MOVES_QUEUE } from "../../../shared/bus/topology.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

describe("embedded stack", () => {
  it("runs a timer that sends to Service Bus and a queue trigger that writes to Azurite", async () => {
    let connection = "";
    let tables = "";
    const stack = await startStack({
      graph: false,
      logger: silentLogger,
      clock: acceleratedClock(30),
      settings: { PROOF_SCHEDULE: "*/10 * * * * *" },
      functions: [
        defineTimer("proof-timer", {
          schedule: "%PROOF_SCHEDULE%",
          handler: async (timer) => {
            const client = new ServiceBusClient(connection);
            await client
              .createSender(MOVES_QUEUE.name)
              .sendMessages({ body: { firedFor: timer.scheduleStatus.next } });
            await client.close();
          },
        }),
        defineServiceBusQueue("proof-recorder", {
          connection: "ServiceBusConnection",
          queueName: MOVES_QUEUE.name,
          handler: async (message, context) => {
            const table = TableClient.fromConnectionString(tables, "proof", {
              allowInsecureConnection: true,
            });
            await table.createTable();
            await table.upsertEntity({
              partitionKey: "proof",
              rowKey: String(context.triggerMetadata?.messageId),
              body: JSON.stringify(message),
            });
          },
        }),
      ],
    });
    connection = stack.settings.ServiceBusConnection ?? "";
    tables = stack.settings.MailferryTables ?? "";
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
