import { afterEach, describe, expect, it } from "vitest";
import {
  EntityDispatcher,
  type MessageConsumer,
  type ReceiveMode,
} from "../../../src/servicebus/amqp/dispatcher.js";
import type { StoredMessage } from "../../../src/servicebus/store/message.js";
import { incoming, testQueue, type TestQueue } from "./fixtures.js";

let current: TestQueue | undefined;
afterEach(() => {
  current?.broker.close();
  current = undefined;
});

class FakeConsumer implements MessageConsumer {
  readonly received: StoredMessage[] = [];
  constructor(
    public credit: number,
    readonly mode: ReceiveMode = "peekLock",
  ) {}
  capacity(): number {
    return this.credit;
  }
  deliver(message: StoredMessage): void {
    this.credit -= 1;
    this.received.push(message);
  }
}

describe("EntityDispatcher", () => {
  it("shares messages among consumers with credit, each message once", () => {
    current = testQueue();
    const dispatcher = new EntityDispatcher(current.queue);
    const consumers = [new FakeConsumer(3), new FakeConsumer(3), new FakeConsumer(0)];
    for (const consumer of consumers) dispatcher.add(consumer);
    for (let n = 0; n < 8; n += 1) current.queue.enqueue(incoming(n));
    const counts = consumers.map((consumer) => consumer.received.length);
    expect(counts).toEqual([3, 3, 0]);
    const numbers = consumers.flatMap((consumer) => consumer.received.map((m) => m.sequenceNumber));
    expect(new Set(numbers).size).toBe(6);
    expect(current.queue.stats()).toMatchObject({ active: 2, locked: 6 });
    const third = consumers[2];
    if (!third) throw new Error("no consumer");
    third.credit = 5;
    dispatcher.pump();
    expect(third.received.map((m) => m.sequenceNumber)).toEqual([7, 8]);
    dispatcher.close();
  });

  it("removes messages for receive-and-delete consumers and serves a drain up to a limit", () => {
    current = testQueue();
    const dispatcher = new EntityDispatcher(current.queue);
    for (let n = 0; n < 3; n += 1) current.queue.enqueue(incoming(n));
    const consumer = new FakeConsumer(0, "receiveAndDelete");
    dispatcher.add(consumer);
    expect(dispatcher.serve(consumer, 2)).toBe(2);
    expect(current.queue.size).toBe(1);
    dispatcher.close();
  });
});
