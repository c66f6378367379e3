import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isServiceBusError, ServiceBusClient } from "@azure/service-bus";
import rhea, { type EventContext, type Receiver, type Sender } from "rhea";
import { startServiceBusEmulator, type ServiceBusEmulator } from "../../../src/servicebus/index.js";
import { connect, freshQueue } from "./harness.js";

let emulator: ServiceBusEmulator;
beforeAll(async () => {
  emulator = await startServiceBusEmulator({ queues: [], sasKeyName: "Tester", sasKey: "right-key" });
});
afterAll(async () => {
  await emulator.close();
});

async function failureCode(operation: Promise<unknown>): Promise<string | undefined> {
  try {
    await operation;
    return undefined;
  } catch (error) {
    return isServiceBusError(error) ? error.code : `not a ServiceBusError: ${String(error)}`;
  }
}

function noRetries(connectionString: string): ServiceBusClient {
  return new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5_000 } });
}

describe("entities and access", () => {
  it("answers MessagingEntityNotFound for a queue that does not exist", async () => {
    const client = connect(emulator.connectionString);
    try {
      expect(await failureCode(client.createSender("no-such-queue").sendMessages({ body: 1 }))).toBe(
        "MessagingEntityNotFound",
      );
      expect(
        await failureCode(
          client.createReceiver("no-such-queue").receiveMessages(1, { maxWaitTimeInMs: 500 }),
        ),
      ).toBe("MessagingEntityNotFound");
    } finally {
      await client.close();
    }
  });

  it("refuses a client whose token is signed with another key", async () => {
    const queue = freshQueue(emulator);
    const wrongKey = emulator.connectionString.replace(
      "SharedAccessKey=right-key",
      "SharedAccessKey=wrong-key",
    );
    expect(wrongKey).not.toBe(emulator.connectionString);
    const wrongName = emulator.connectionString.replace(
      "SharedAccessKeyName=Tester",
      "SharedAccessKeyName=Other",
    );
    for (const connectionString of [wrongKey, wrongName]) {
      const client = noRetries(connectionString);
      try {
        expect(await failureCode(client.createSender(queue).sendMessages({ body: "intruder" }))).toBe(
          "UnauthorizedAccess",
        );
        expect(await failureCode(client.createReceiver(queue).peekMessages(1))).toBe("UnauthorizedAccess");
      } finally {
        await client.close();
      }
    }
    expect(emulator.queueStats(queue).active).toBe(0);

    const client = noRetries(emulator.connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "friend" });
      expect(emulator.queueStats(queue).active).toBe(1);
    } finally {
      await client.close();
    }
  });
});

describe("links without a token", () => {
  it("refuses to attach senders, receivers and $management links for a client that skipped $cbs", async () => {
    const queue = freshQueue(emulator);
    const container = rhea.create_container();
    container.on("error", () => undefined);
    const connection = container.connect({ host: "127.0.0.1", port: emulator.port, reconnect: false });
    const refusal = (link: Sender | Receiver, event: "sender_close" | "receiver_close"): Promise<unknown> =>
      new Promise((resolve) => {
        link.once(event, (context: EventContext) => {
          const error = (context.sender ?? context.receiver)?.error;
          resolve(error && "condition" in error ? error.condition : error);
        });
      });
    try {
      const conditions = await Promise.all([
        refusal(connection.open_sender(queue), "sender_close"),
        refusal(connection.open_receiver(queue), "receiver_close"),
        refusal(connection.open_sender(`${queue}/$management`), "sender_close"),
      ]);
      expect(conditions).toEqual([
        "amqp:unauthorized-access",
        "amqp:unauthorized-access",
        "amqp:unauthorized-access",
      ]);
      expect(emulator.queueStats(queue).active).toBe(0);
    } finally {
      connection.close();
    }
  });
});
