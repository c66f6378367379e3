import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import { MOVES_QUEUE } from "./topology.js";
import { moveMessageId, type MoveMessage } from "./messages.js";
import type { MoveQueue } from "./port.js";

function toServiceBusMessage(message: MoveMessage): ServiceBusMessage {
  return {
    messageId: moveMessageId(message),
    body: message,
    contentType: "application/json",
    subject: `move.${message.pass}`,
    applicationProperties: { waveId: message.waveId, accountId: message.accountId, attempt: message.attempt },
  };
}

/** The `moves` queue on Service Bus, sent to with batches and scheduled messages. */
export class ServiceBusMoveQueue implements MoveQueue {
  private readonly sender: ServiceBusSender;

  constructor(
    private readonly client: ServiceBusClient,
    queueName: string = MOVES_QUEUE.name,
    private readonly ownsClient = false,
  ) {
    this.sender = client.createSender(queueName);
  }

  async send(messages: readonly MoveMessage[]): Promise<void> {
    let batch = await this.sender.createMessageBatch();
    for (const message of messages) {
      const sbMessage = toServiceBusMessage(message);
      if (batch.tryAddMessage(sbMessage)) continue;
      if (batch.count === 0)
        throw new RangeError(`message ${sbMessage.messageId as string} is larger than a batch`);
      await this.sender.sendMessages(batch);
      batch = await this.sender.createMessageBatch();
      if (!batch.tryAddMessage(sbMessage)) throw new RangeError("message does not fit an empty batch");
    }
    if (batch.count > 0) await this.sender.sendMessages(batch);
  }

  async schedule(message: MoveMessage, at: Date): Promise<void> {
    await this.sender.scheduleMessages(toServiceBusMessage(message), at);
  }

  async close(): Promise<void> {
    await this.sender.close();
    if (this.ownsClient) await this.client.close();
  }
}
