import type {
  ProcessErrorArgs,
  ServiceBusClient,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
} from "@azure/service-bus";
import type { Env } from "../../shared/config/index.js";
import type { Logger } from "../../shared/telemetry/logger.js";
import { resolveBindingExpression } from "./app-settings.js";
import { HostConfigurationError } from "./errors.js";
import { RunCounter } from "./run-counter.js";
import type { HostJsonSettings } from "./host-json.js";
import type { Registration, WorkerState } from "./worker/core-module.js";
import type { RpcTypedData } from "./worker/core-types.js";
import { invokeRegistration } from "./worker/invoke.js";
import type { ServiceBusTrigger } from "./worker/triggers.js";

function typed(value: unknown): RpcTypedData {
  if (typeof value === "string") return { string: value };
  if (typeof value === "number") return Number.isInteger(value) ? { int: value } : { double: value };
  if (value instanceof Uint8Array) return { bytes: value };
  return { json: JSON.stringify(value) };
}

/**
 * The trigger metadata the Functions host passes for a Service Bus message, named as the host's
 * binding data names them (the library camel-cases them for the handler). The host reads the .NET
 * SDK, whose DeliveryCount counts the current delivery (1 on the first); the AMQP header it
 * comes from counts earlier deliveries (0 on the first).
 */
export function triggerMetadataFor(message: ServiceBusReceivedMessage): Record<string, RpcTypedData> {
  const fields: Record<string, unknown> = {
    MessageId: message.messageId,
    CorrelationId: message.correlationId,
    ContentType: message.contentType,
    Subject: message.subject,
    DeliveryCount: message.deliveryCount === undefined ? 1 : message.deliveryCount + 1,
    EnqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
    ExpiresAtUtc: message.expiresAtUtc?.toISOString(),
    LockedUntilUtc: message.lockedUntilUtc?.toISOString(),
    SequenceNumber: message.sequenceNumber?.toNumber(),
    LockToken: message.lockToken,
    DeadLetterSource: message.deadLetterSource,
    ApplicationProperties: message.applicationProperties ?? {},
    UserProperties: message.applicationProperties ?? {},
  };
  const metadata: Record<string, RpcTypedData> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) metadata[name] = typed(value);
  }
  return metadata;
}

/** The message body as the host hands it to a Node worker: text, or bytes when it is binary. */
function bodyData(body: unknown): RpcTypedData {
  if (typeof body === "string") return { string: body };
  if (body instanceof Uint8Array) return { bytes: body };
  return { string: JSON.stringify(body) };
}

/**
 * Runs one Service Bus queue function like the Functions host: peek-lock receive, at most
 * `maxConcurrentCalls` handlers at once, lock auto-renewal, complete on success and abandon on
 * failure so that the queue's maxDeliveryCount dead-letters a message that keeps failing.
 */
export class ServiceBusTriggerRunner {
  private receiver: ServiceBusReceiver | undefined;
  private subscription: { close(): Promise<void> } | undefined;
  /** Running handlers and the message each holds. */
  private readonly inFlight = new Map<Promise<void>, ServiceBusReceivedMessage>();
  private stopping = false;
  readonly queueName: string;
  /** Its runs (a run ends once its message is settled, or settling failed). */
  readonly runs: RunCounter;

  constructor(
    private readonly worker: WorkerState,
    private readonly registration: Registration,
    private readonly trigger: ServiceBusTrigger,
    private readonly client: ServiceBusClient,
    private readonly settings: HostJsonSettings["serviceBus"],
    private readonly logger: Logger,
    env: Env,
  ) {
    const name = registration.metadata.name;
    this.runs = new RunCounter(name);
    if (trigger.queueName === undefined) {
      throw new HostConfigurationError(`function ${name}: topics are not supported by the local host`);
    }
    this.queueName = resolveBindingExpression(trigger.queueName, env, name);
    if (trigger.cardinality === "many") {
      throw new HostConfigurationError(
        `function ${name}: cardinality "many" is not supported by the local host`,
      );
    }
    if (trigger.isSessionsEnabled === true) {
      throw new HostConfigurationError(`function ${name}: sessions are not supported by the local host`);
    }
  }

  get name(): string {
    return this.registration.metadata.name;
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
        processMessage: (message) => this.track(this.process(receiver, message), message),
        processError: (args: ProcessErrorArgs) => {
          if (!this.stopping) {
            this.logger.warn("service bus receive error", {
              functionName: this.name,
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
   * Stops receiving, waits up to `graceMs` for running handlers, abandons the messages of those
   * still running (so the broker hands them out again now, not when their locks expire), then
   * closes the receiver. Returns how many messages it abandoned.
   */
  async stop(graceMs: number): Promise<number> {
    this.stopping = true;
    await this.subscription?.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight.keys()]), timeout]);
    clearTimeout(timer);
    const receiver = this.receiver;
    const unfinished = [...this.inFlight.values()];
    if (receiver !== undefined && unfinished.length > 0) {
      this.logger.warn("stopping: abandoning messages whose handlers are still running", {
        functionName: this.name,
        messages: unfinished.length,
        graceMs,
      });
      await Promise.all(unfinished.map((message) => this.settle(() => receiver.abandonMessage(message))));
    }
    await receiver?.close();
    return unfinished.length;
  }

  private async track(work: Promise<void>, message: ServiceBusReceivedMessage): Promise<void> {
    this.inFlight.set(work, message);
    this.runs.begin();
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
      this.runs.end();
    }
  }

  private async process(receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage): Promise<void> {
    const autoComplete = this.trigger.autoCompleteMessages ?? this.settings.autoCompleteMessages;
    try {
      await invokeRegistration(
        this.worker,
        this.registration,
        {
          data: [{ name: this.trigger.name, data: bodyData(message.body) }],
          triggerMetadata: triggerMetadataFor(message),
        },
        this.logger,
      );
    } catch (error) {
      this.logger.warn("function failed; abandoning the message for redelivery", {
        functionName: this.name,
        messageId: message.messageId,
        deliveryCount: message.deliveryCount,
        error,
      });
      await this.settle(() => receiver.abandonMessage(message));
      return;
    }
    if (autoComplete) await this.settle(() => receiver.completeMessage(message));
  }

  private async settle(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      // A lost lock means the broker already took the message back; it will be delivered again.
      this.logger.warn("could not settle message", { functionName: this.name, error });
    }
  }
}
