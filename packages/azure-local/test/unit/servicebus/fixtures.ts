import rhea from "rhea";
import { decodeMessage } from "../../../src/servicebus/codec/incoming.js";
import { Broker } from "../../../src/servicebus/store/broker.js";
import type { Clock } from "../../../src/servicebus/store/clock.js";
import type { IncomingMessage } from "../../../src/servicebus/store/message.js";
import type { QueueEntity } from "../../../src/servicebus/store/queue.js";
import type { QueueDefinition } from "../../../src/servicebus/index.js";

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.time;
  readonly advance = (ms: number): void => {
    this.time += ms;
  };
}

/** A message as a sender would encode it. */
export function incoming(body: unknown, fields: Record<string, unknown> = {}): IncomingMessage {
  return decodeMessage(rhea.message.encode({ body, ...fields }));
}

export interface TestQueue {
  readonly clock: ManualClock;
  readonly broker: Broker;
  readonly queue: QueueEntity;
  readonly deadLetters: QueueEntity;
  /** Moves the clock and runs whatever fell due. */
  readonly advance: (ms: number) => void;
}

/** A broker with one queue `q`, on a manual clock. */
export function testQueue(settings: Partial<Omit<QueueDefinition, "name">> = {}): TestQueue {
  const clock = new ManualClock();
  const broker = new Broker(clock);
  broker.createQueue({
    name: "q",
    lockDurationSeconds: 30,
    maxDeliveryCount: 3,
    duplicateDetectionWindowSeconds: 60,
    defaultMessageTtlSeconds: 3600,
    deadLetteringOnMessageExpiration: true,
    ...settings,
  });
  const queue = broker.entity("q");
  const deadLetters = broker.entity("q/$deadletterqueue");
  if (!queue || !deadLetters) throw new Error("queue was not created");
  return {
    clock,
    broker,
    queue,
    deadLetters,
    advance: (ms) => {
      clock.advance(ms);
      broker.timeline.runDue();
    },
  };
}
