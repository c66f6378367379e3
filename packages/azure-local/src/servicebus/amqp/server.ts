import rhea, {
  type Connection,
  type Container,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
  type SenderOptions,
  type link,
} from "rhea";
import { asError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { handlePutToken } from "../auth/cbs.js";
import { MAX_MESSAGE_SIZE_BYTES } from "../codec/limits.js";
import type { SasKey } from "../auth/sas.js";
import { handleManagementRequest } from "../management/operations.js";
import { DEAD_LETTER_SUFFIX, type Broker } from "../store/broker.js";
import type { Clock } from "../store/clock.js";
import type { QueueEntity } from "../store/queue.js";
import { parseLinkAddress } from "./address.js";
import { ConnectionState } from "./connection-state.js";
import { AmqpListener } from "./listener.js";
import { LinkConsumer } from "./consumer.js";
import { EntityDispatcher } from "./dispatcher.js";
import type { DispositionEvent } from "./outcomes.js";
import { acceptTransfer } from "./producer.js";
import { sendReply } from "./replies.js";

export interface AmqpServerOptions {
  readonly broker: Broker;
  readonly key: SasKey;
  readonly clock: Clock;
  readonly logger: Logger;
}

type ReceiverRole =
  | { readonly kind: "cbs" }
  | { readonly kind: "management"; readonly entity: QueueEntity }
  | { readonly kind: "producer"; readonly entity: QueueEntity };

// Peek-lock deliveries stay in rhea's session window until settled; leave room for many.
const OUTGOING_SESSION_WINDOW = 1 << 16;
const DISPOSITION_EVENTS: readonly DispositionEvent[] = ["accepted", "rejected", "modified", "released"];
// rhea reports a `modified` outcome as `released` first unless told not to; abandon and defer are
// both `modified`, and a release must not count as a delivery attempt.
const SENDER_OPTIONS: SenderOptions & { treat_modified_as_released: boolean } = {
  treat_modified_as_released: false,
};

function refuse(target: link, condition: string, description: string): void {
  target.close({ condition, description });
}

// Echo the client's termini in our attach; a refused link answers without them.
function mirrorTermini(target: link): void {
  const source = target.source;
  const destination = target.target;
  if (typeof source?.address === "string") target.set_source({ address: source.address });
  if (typeof destination?.address === "string") target.set_target({ address: destination.address });
}

/**
 * The AMQP side of the emulator: accepts connections (SASL ANONYMOUS), authorizes links with
 * tokens put on `$cbs`, serves `$management`, takes transfers into queues and feeds receive links.
 */
export class AmqpServer {
  private readonly container: Container;
  private readonly connections = new Map<Connection, ConnectionState>();
  private readonly receivers = new Map<Receiver, ReceiverRole>();
  private readonly consumers = new Map<Sender, LinkConsumer>();
  private readonly dispatchers = new Map<QueueEntity, EntityDispatcher>();
  private listener: AmqpListener | undefined;
  private connectionCount = 0;

  constructor(private readonly options: AmqpServerOptions) {
    this.container = rhea.create_container({ id: "mailferry-servicebus-emulator" });
    this.wire();
  }

  /** Starts listening; resolves with the port once connections are accepted. */
  async listen(host: string, port: number): Promise<number> {
    this.listener = await AmqpListener.open(
      this.container,
      {
        host,
        port,
        receiver_options: { autoaccept: false, max_message_size: MAX_MESSAGE_SIZE_BYTES },
        sender_options: SENDER_OPTIONS,
        session_buffer_size: { outgoing: OUTGOING_SESSION_WINDOW },
      },
      this.options.logger,
    );
    return this.listener.port;
  }

  /** Closes every connection (politely, then by force) and stops listening. */
  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    if (!listener) return;
    await listener.close(() => {
      for (const connection of this.connections.keys()) connection.close();
    });
    for (const dispatcher of this.dispatchers.values()) dispatcher.close();
    this.dispatchers.clear();
  }

  private wire(): void {
    const on = (event: string, handler: (context: EventContext) => void): void => {
      this.container.on(event, (context: EventContext) => {
        try {
          handler(context);
        } catch (error) {
          this.options.logger.error("emulator failed to handle an AMQP event", {
            event,
            error: asError(error).stack ?? String(error),
          });
        }
      });
    };
    on("connection_open", (context) => void this.stateOf(context.connection));
    on("connection_close", (context) => this.dropConnection(context.connection));
    on("disconnected", (context) => this.dropConnection(context.connection));
    on("receiver_open", (context) => {
      if (context.receiver) this.onReceiverOpen(context.receiver, context.connection);
    });
    on("sender_open", (context) => {
      if (context.sender) this.onSenderOpen(context.sender, context.connection);
    });
    on("receiver_close", (context) => {
      if (context.receiver) this.receivers.delete(context.receiver);
    });
    on("sender_close", (context) => {
      if (context.sender) this.dropSender(context.sender, context.connection);
    });
    // Ending a session ends its links without a detach for each.
    on("session_close", (context) => {
      const state = this.connections.get(context.connection);
      for (const consumer of state?.consumers ?? []) {
        if (consumer.sender.session === context.session) this.dropSender(consumer.sender, context.connection);
      }
    });
    on("message", (context) => {
      if (context.receiver && context.delivery) this.onTransfer(context, context.receiver, context.delivery);
    });
    on("sendable", (context) => {
      const consumer = context.sender ? this.consumers.get(context.sender) : undefined;
      if (consumer) this.dispatcherFor(consumer.entity).pump();
    });
    on("sender_draining", (context) => {
      if (context.sender) this.consumers.get(context.sender)?.drain();
    });
    for (const event of DISPOSITION_EVENTS) {
      on(event, (context) => {
        if (context.sender && context.delivery)
          this.consumers.get(context.sender)?.onDisposition(event, context.delivery);
      });
    }
    const logProblem = (event: string) => (detail: unknown) => {
      const error = (detail as Partial<EventContext> | undefined)?.error ?? detail;
      this.options.logger.debug("AMQP peer reported a problem", { event, error: asError(error).message });
    };
    for (const event of [
      "error",
      "protocol_error",
      "connection_error",
      "session_error",
      "sender_error",
      "receiver_error",
    ]) {
      this.container.on(event, logProblem(event));
    }
  }

  private stateOf(connection: Connection): ConnectionState {
    let state = this.connections.get(connection);
    if (!state) {
      state = new ConnectionState(`c${++this.connectionCount}`);
      this.connections.set(connection, state);
      this.options.logger.debug("client connected", { connection: state.id });
    }
    return state;
  }

  private dropConnection(connection: Connection): void {
    const state = this.connections.get(connection);
    if (!state) return;
    this.connections.delete(connection);
    for (const consumer of state.consumers) {
      consumer.close();
      this.consumers.delete(consumer.sender);
    }
    for (const receiver of this.receivers.keys())
      if (receiver.connection === connection) this.receivers.delete(receiver);
    this.options.logger.debug("client disconnected", { connection: state.id });
  }

  private dropSender(sender: Sender, connection: Connection): void {
    const consumer = this.consumers.get(sender);
    const state = this.connections.get(connection);
    if (consumer) {
      consumer.close();
      this.consumers.delete(sender);
      state?.consumers.delete(consumer);
      this.options.logger.debug("receive link detached", {
        connection: state?.id,
        entity: consumer.entity.path,
        link: sender.name,
      });
    }
    state?.removeReplyLink(sender);
  }

  /** The entity a link may use, or undefined after refusing the link. */
  private authorizedEntity(
    target: link,
    state: ConnectionState,
    entityPath: string,
    claimPath: string,
  ): QueueEntity | undefined {
    if (!state.isAuthorized(claimPath, this.options.clock.now())) {
      refuse(
        target,
        "amqp:unauthorized-access",
        `Unauthorized access to '${claimPath}': put a valid SAS token for it on $cbs first.`,
      );
      return undefined;
    }
    const entity = this.options.broker.entity(entityPath);
    if (!entity) {
      refuse(
        target,
        "amqp:not-found",
        `The messaging entity 'sb://localhost:${this.listener?.port ?? 0}/${entityPath}' could not be found.`,
      );
    }
    return entity;
  }

  private onReceiverOpen(receiver: Receiver, connection: Connection): void {
    const state = this.stateOf(connection);
    const address = parseLinkAddress(receiver.target?.address ?? "");
    if (address.kind === "cbs") {
      this.receivers.set(receiver, { kind: "cbs" });
      mirrorTermini(receiver);
      return;
    }
    const claimPath =
      address.kind === "management" ? `${address.entityPath}/$management` : address.entityPath;
    const entity = this.authorizedEntity(receiver, state, address.entityPath, claimPath);
    if (!entity) return;
    if (address.kind === "entity" && entity.path.toLowerCase().endsWith(DEAD_LETTER_SUFFIX)) {
      refuse(receiver, "amqp:not-allowed", "Messages cannot be sent to a dead-letter sub-queue.");
      return;
    }
    this.receivers.set(
      receiver,
      address.kind === "management" ? { kind: "management", entity } : { kind: "producer", entity },
    );
    mirrorTermini(receiver);
  }

  private onSenderOpen(sender: Sender, connection: Connection): void {
    const state = this.stateOf(connection);
    const address = parseLinkAddress(sender.source?.address ?? "");
    if (address.kind === "cbs") {
      state.addReplyLink(sender);
      mirrorTermini(sender);
      return;
    }
    const claimPath =
      address.kind === "management" ? `${address.entityPath}/$management` : address.entityPath;
    const entity = this.authorizedEntity(sender, state, address.entityPath, claimPath);
    if (!entity) return;
    mirrorTermini(sender);
    if (address.kind === "management") {
      state.addReplyLink(sender);
      return;
    }
    if (sender.source?.filter) {
      refuse(sender, "amqp:not-implemented", "The emulator does not support sessions or receive filters.");
      return;
    }
    const dispatcher = this.dispatcherFor(entity);
    const consumer = new LinkConsumer(
      sender,
      entity,
      sender.snd_settle_mode === 1 ? "receiveAndDelete" : "peekLock",
      dispatcher,
    );
    this.consumers.set(sender, consumer);
    state.consumers.add(consumer);
    dispatcher.add(consumer);
    // A client that gives up on a link (a drain it never saw answered, say) attaches a new one.
    this.options.logger.debug("receive link attached", {
      connection: state.id,
      entity: entity.path,
      link: sender.name,
    });
  }

  private onTransfer(context: EventContext, receiver: Receiver, delivery: Delivery): void {
    const role = this.receivers.get(receiver);
    const received: unknown = context.message;
    if (!role) {
      delivery.reject({
        condition: "amqp:not-allowed",
        description: "the link is not attached to an entity",
      });
      return;
    }
    if (role.kind === "producer") {
      acceptTransfer(received, delivery, role.entity);
      return;
    }
    const state = this.stateOf(context.connection);
    const request = received as Message;
    delivery.accept();
    if (role.kind === "management") {
      sendReply(state, request, handleManagementRequest(request, role.entity), this.options.logger);
      return;
    }
    const result = handlePutToken(request, {
      key: this.options.key,
      now: this.options.clock.now(),
      entityExists: (path) => {
        const address = parseLinkAddress(path);
        return address.kind !== "cbs" && this.options.broker.entity(address.entityPath) !== undefined;
      },
    });
    if (result.grant) state.grant(result.grant);
    sendReply(state, request, result.reply, this.options.logger);
  }

  private dispatcherFor(entity: QueueEntity): EntityDispatcher {
    let dispatcher = this.dispatchers.get(entity);
    if (!dispatcher) {
      dispatcher = new EntityDispatcher(entity);
      this.dispatchers.set(entity, dispatcher);
    }
    return dispatcher;
  }
}
