import type {
  ServiceBusClient,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ProcessErrorArgs,
} from "@azure/service-bus";
import type { ServiceBusQueueFunctionDefinition } from "../../functions/definition.js";
import type { Logger } from "../../shared/telemetry/logger.js";
import { HostConfigurationError } from "./errors.js";
import type { HostJsonSettings } from "./host-json.js";
import { createInvocationContext } from "./invocation.js";
import { resolveBindingExpression } from "./app-settings.js";
import type { Env } from "../../shared/config/index.js";

/**
 * The trigger metadata the Functions host passes for a Service Bus message (camelCased). The
 * host reads the .NET SDK, whose DeliveryCount counts the current delivery (1 on the first);
 * the AMQP header it comes from counts earlier deliveries (0 on the first).
 */
export function triggerMetadataFor(message: ServiceBusReceivedMessage): Record<string, unknown> {
  return {
    messageId: message.messageId,
    correlationId: message.correlationId,
    contentType: message.contentType,
    subject: message.subject,
    deliveryCount: message.deliveryCount === undefined ? 1 : message.deliveryCount + 1,
    enqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
    expiresAtUtc: message.expiresAtUtc?.toISOString(),
    lockedUntilUtc: message.lockedUntilUtc?.toISOString(),
    sequenceNumber: message.sequenceNumber?.toNumber(),
    lockToken: message.lockToken,
    deadLetterSource: message.deadLetterSource,
    applicationProperties: message.applicationProperties ?? {},
    userProperties: message.applicationProperties ?? {},
  };
}

/**
 * Runs one Service Bus queue function like the Functions host: peek-lock receive, at most
 * `maxConcurrentCalls` handlers at once, lock auto-renewal, complete on success and abandon on
 * failure so that the queue's maxDeliveryCount dead-letters a message that keeps failing.
 */
export class ServiceBusTriggerRunner {
  private receiver: ServiceBusReceiver | undefined;
  private subscription: { close(): Promise<void> } | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  private readonly queueName: string;

  constructor(
    private readonly definition: ServiceBusQueueFunctionDefinition,
    private readonly client: ServiceBusClient,
    private readonly settings: HostJsonSettings["serviceBus"],
    private readonly logger: Logger,
    env: Env = {},
  ) {
    this.queueName = resolveBindingExpression(definition.options.queueName, env, definition.name);
    if (definition.options.cardinality === "many") {
      throw new HostConfigurationError(
        `function ${definition.name}: cardinality "many" is not supported by the local host`,
      );
    }
    if (definition.options.isSessionsEnabled === true) {
      throw new HostConfigurationError(
        `function ${definition.name}: sessions are not supported by the local host`,
      );
    }
  }

  /** The number of handlers running now. */
  get running(): number {
    return this.inFlight.size;
  }

  /** Starts receiving. */
  start(): void {
    const receiver = this.client.createReceiver(this.queueName, {
      receiveMode: "peekLock",
      maxAutoLockRenewalDurationInMs: this.settings.maxAutoLockRenewalDurationMs,
    });
    this.receiver = receiver;
    this.subscription = receiver.subscribe(
      {
        processMessage: (message) => this.track(this.process(receiver, message)),
        processError: (args: ProcessErrorArgs) => {
          if (!this.stopping) {
            this.logger.warn("service bus receive error", {
              functionName: this.definition.name,
              errorSource: args.errorSource,
              error: args.error,
            });
          }
          return Promise.resolve();
        },
      },
      { maxConcurrentCalls: this.settings.maxConcurrentCalls, autoCompleteMessages: false },
    );
  }

  /**
   * Stops receiving, waits up to `graceMs` for running handlers, then closes the receiver. A
   * handler still running then loses its lock, and the broker redelivers its message later.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    await this.receiver?.close();
  }

  private async track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async process(receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage): Promise<void> {
    const { name, options } = this.definition;
    const context = createInvocationContext(
      name,
      {
        type: "serviceBusTrigger",
        name: "message",
        queueName: this.queueName,
        connection: options.connection,
      },
      this.logger,
      triggerMetadataFor(message),
    );
    const autoComplete = options.autoCompleteMessages ?? this.settings.autoCompleteMessages;
    try {
      await options.handler(message.body as unknown, context);
    } catch (error) {
      this.logger.warn("function failed; abandoning the message for redelivery", {
        functionName: name,
        invocationId: context.invocationId,
        messageId: message.messageId,
        deliveryCount: message.deliveryCount,
        error,
      });
      await this.settle(() => receiver.abandonMessage(message), context.invocationId);
      return;
    }
    if (autoComplete) await this.settle(() => receiver.completeMessage(message), context.invocationId);
  }

  private async settle(action: () => Promise<void>, invocationId: string): Promise<void> {
    try {
      await action();
    } catch (error) {
      // A lost lock means the broker already took the message back; it will be delivered again.
      this.logger.warn("could not settle message", {
        functionName: this.definition.name,
        invocationId,
        error,
      });
    }
  }
}
