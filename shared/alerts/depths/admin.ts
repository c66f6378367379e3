import type { ServiceBusAdministrationClient } from "@azure/service-bus";
import { QueueDepthError } from "../errors.js";
import type { QueueDepths } from "./port.js";

/** The one call of the administration client this adapter needs. */
export type QueueRuntimeReader = Pick<ServiceBusAdministrationClient, "getQueueRuntimeProperties">;

/**
 * Dead-letter depths from the Service Bus administration API (Azure): one cheap call per queue
 * that reads the broker's own count. Needs the Data Receiver role or Manage rights on the queue.
 */
export class AdminQueueDepths implements QueueDepths {
  constructor(private readonly admin: QueueRuntimeReader) {}

  async deadLetterDepth(queue: string): Promise<number> {
    try {
      const properties = await this.admin.getQueueRuntimeProperties(queue);
      return properties.deadLetterMessageCount;
    } catch (error) {
      throw new QueueDepthError(queue, "the administration API did not answer", { cause: error });
    }
  }

  close(): Promise<void> {
    // The administration client holds no connection of its own (plain HTTPS requests).
    return Promise.resolve();
  }
}
