import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../../src/servicebus/store/message.js";
import { incoming, testQueue, type TestQueue } from "./fixtures.js";

let current: TestQueue | undefined;
function setup(...args: Parameters<typeof testQueue>): TestQueue {
  current = testQueue(...args);
  return current;
}
afterEach(() => {
  current?.broker.close();
  current = undefined;
});

function locked(
  message: StoredMessage | undefined,
): StoredMessage & { lock: NonNullable<StoredMessage["lock"]> } {
  if (!message?.lock) throw new Error("expected a locked message");
  return message as StoredMessage & { lock: NonNullable<StoredMessage["lock"]> };
}

describe("QueueEntity", () => {
  it("hands out messages in sequence order, each under its own lock, and completes them", () => {
    const { queue } = setup();
    expect(queue.enqueue(incoming("a"))).toBe(1);
    expect(queue.enqueue(incoming("b"))).toBe(2);
    const first = locked(queue.lockNext());
    const second = locked(queue.lockNext());
    expect([first.sequenceNumber, second.sequenceNumber]).toEqual([1, 2]);
    expect(first.lock.key).not.toBe(second.lock.key);
    expect(queue.lockNext()).toBeUndefined();
    expect(queue.stats()).toMatchObject({ active: 0, locked: 2 });
    const token = first.lock.token;
    expect(queue.settle(token, { kind: "complete" })).toBe(true);
    expect(queue.settle(token, { kind: "complete" })).toBe(false);
    expect(queue.stats()).toMatchObject({ active: 0, locked: 1 });
  });

  it("gives every message a MessageId when the sender set none", () => {
    const { queue } = setup();
    queue.enqueue(incoming("a"));
    expect(locked(queue.lockNext()).payload.message_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("counts an abandon as a delivery and dead-letters after maxDeliveryCount", () => {
    const { queue, deadLetters } = setup({ maxDeliveryCount: 2 });
    queue.enqueue(incoming("poison"));
    const first = locked(queue.lockNext());
    queue.settle(first.lock.token, { kind: "abandon", properties: { note: "try again" } });
    const second = locked(queue.lockNext());
    expect(second.deliveryCount).toBe(1);
    expect(second.propertyChanges).toEqual({ note: "try again" });
    queue.settle(second.lock.token, { kind: "abandon" });
    expect(queue.lockNext()).toBeUndefined();
    const dead = locked(deadLetters.lockNext());
    expect(dead.sequenceNumber).toBe(1);
    expect(dead.deliveryCount).toBe(2);
    expect(dead.propertyChanges).toMatchObject({
      note: "try again",
      DeadLetterReason: "MaxDeliveryCountExceeded",
    });
  });

  it("releases an expired lock with the delivery count raised, and refuses the late settlement", () => {
    const { queue, advance } = setup({ lockDurationSeconds: 10 });
    queue.enqueue(incoming("slow"));
    const token = locked(queue.lockNext()).lock.token;
    advance(9_999);
    expect(queue.stats().locked).toBe(1);
    advance(1);
    expect(queue.stats()).toMatchObject({ active: 1, locked: 0 });
    expect(queue.settle(token, { kind: "complete" })).toBe(false);
    const again = locked(queue.lockNext());
    expect(again.deliveryCount).toBe(1);
  });

  it("treats a lock as lost at its expiry even before the timer ran", () => {
    const { queue, clock } = setup({ lockDurationSeconds: 10 });
    queue.enqueue(incoming("slow"));
    const message = locked(queue.lockNext());
    clock.advance(10_000);
    expect(queue.settle(message.lock.token, { kind: "complete" })).toBe(false);
    expect(queue.stats()).toMatchObject({ active: 1, locked: 0 });
  });

  it("renews a held lock from now, and not a lost one", () => {
    const { queue, advance, clock } = setup({ lockDurationSeconds: 10 });
    queue.enqueue(incoming("kept"));
    const token = locked(queue.lockNext()).lock.token;
    advance(8_000);
    expect(queue.renewLock(token)).toBe(clock.now() + 10_000);
    advance(5_000);
    expect(queue.stats().locked).toBe(1);
    expect(queue.settle(token, { kind: "complete" })).toBe(true);
    expect(queue.renewLock(token)).toBeUndefined();
  });

  it("keeps deferred messages for receive-by-sequence-number only", () => {
    const { queue } = setup();
    queue.enqueue(incoming("later"));
    const message = locked(queue.lockNext());
    queue.settle(message.lock.token, { kind: "defer" });
    expect(queue.lockNext()).toBeUndefined();
    expect(queue.stats()).toMatchObject({ deferred: 1, active: 0 });
    expect(() => queue.lockDeferred([2])).toThrow(/sequence number 2/);
    const [again] = queue.lockDeferred([1]);
    expect(locked(again).state).toBe("deferred");
    expect(() => queue.lockDeferred([1])).toThrow(/not deferred or not found/);
    queue.settle(locked(again).lock.token, { kind: "abandon" });
    expect(queue.stats()).toMatchObject({ deferred: 1, locked: 0 });
    expect(queue.takeDeferred([1]).map((m) => m.sequenceNumber)).toEqual([1]);
    expect(queue.size).toBe(0);
  });

  it("counts a deferral as a delivery, and dead-letters a message deferred up to maxDeliveryCount", () => {
    const { queue, deadLetters } = setup({ maxDeliveryCount: 2 });
    queue.enqueue(incoming("later"));
    queue.settle(locked(queue.lockNext()).lock.token, { kind: "defer" });
    const [again] = queue.lockDeferred([1]);
    expect(locked(again).deliveryCount).toBe(1);
    queue.settle(locked(again).lock.token, { kind: "defer" });
    expect(queue.stats()).toMatchObject({ deferred: 0, deadLetter: 1 });
    const dead = locked(deadLetters.lockNext());
    expect(dead.deliveryCount).toBe(2);
    expect(dead.propertyChanges).toMatchObject({ DeadLetterReason: "MaxDeliveryCountExceeded" });
  });

  it("refuses to dead-letter from the dead-letter sub-queue and frees the message, count unchanged", () => {
    const { queue, deadLetters } = setup();
    queue.enqueue(incoming("poison"));
    queue.settle(locked(queue.lockNext()).lock.token, { kind: "deadLetter", reason: "Poison" });
    const dead = locked(deadLetters.lockNext());
    expect(() => deadLetters.settle(dead.lock.token, { kind: "deadLetter", reason: "Again" })).toThrow(
      /cannot be dead-lettered again/,
    );
    const again = locked(deadLetters.lockNext());
    expect([again.sequenceNumber, again.deliveryCount]).toEqual([1, 0]);
    expect(again.propertyChanges).toMatchObject({ DeadLetterReason: "Poison" });
    deadLetters.settle(again.lock.token, { kind: "abandon" });
    expect(locked(deadLetters.lockNext()).deliveryCount).toBe(0);
  });

  it("holds scheduled messages until their time and lets them be cancelled", () => {
    const { queue, advance, clock } = setup();
    const due = queue.schedule(incoming("due"), clock.now() + 5_000);
    const cancelled = queue.schedule(incoming("cancelled"), clock.now() + 5_000);
    queue.cancelScheduled(cancelled);
    expect(queue.stats()).toMatchObject({ scheduled: 1, active: 0 });
    advance(4_999);
    expect(queue.lockNext()).toBeUndefined();
    advance(1);
    const message = locked(queue.lockNext());
    expect(message.sequenceNumber).toBe(due);
    expect(message.enqueuedAt).toBe(clock.now());
    expect(queue.stats().scheduled).toBe(0);
  });

  it("drops duplicates inside the window and accepts the id again after it", () => {
    const { queue, clock } = setup({ duplicateDetectionWindowSeconds: 60 });
    expect(queue.enqueue(incoming("1", { message_id: "same" }))).toBe(1);
    expect(queue.enqueue(incoming("2", { message_id: "same" }))).toBeUndefined();
    clock.advance(60_000);
    expect(queue.enqueue(incoming("3", { message_id: "same" }))).toBe(2);
    expect(queue.stats().active).toBe(2);
  });

  it("expires messages by their own TTL or the queue default, dead-lettering where configured", () => {
    const { queue, deadLetters, advance } = setup({ defaultMessageTtlSeconds: 60 });
    queue.enqueue(incoming("own ttl", { ttl: 1_000 }));
    queue.enqueue(incoming("default ttl"));
    advance(1_000);
    expect(queue.stats()).toMatchObject({ active: 1, deadLetter: 1 });
    advance(59_000);
    expect(queue.stats()).toMatchObject({ active: 0, deadLetter: 2 });
    expect(locked(deadLetters.lockNext()).propertyChanges).toMatchObject({
      DeadLetterReason: "TTLExpiredException",
    });
    // Dead-lettered messages never expire again.
    advance(24 * 3600_000);
    expect(deadLetters.size).toBe(2);
  });

  it("never hands out an expired message, with no timer involved", () => {
    const { queue, deadLetters, clock } = setup();
    queue.enqueue(incoming("stale", { ttl: 1_000 }));
    queue.enqueue(incoming("fresh"));
    clock.advance(1_000);
    expect(locked(queue.lockNext()).sequenceNumber).toBe(2);
    expect(deadLetters.size).toBe(1);
  });

  it("drops expired messages when the queue does not dead-letter on expiry, but not while locked", () => {
    const { queue, advance } = setup({ deadLetteringOnMessageExpiration: false });
    queue.enqueue(incoming("held", { ttl: 1_000 }));
    const message = locked(queue.lockNext());
    advance(2_000);
    expect(queue.stats()).toMatchObject({ locked: 1 });
    queue.settle(message.lock.token, { kind: "abandon" });
    expect(queue.stats()).toEqual({ active: 0, scheduled: 0, deferred: 0, locked: 0, deadLetter: 0 });
  });

  it("peeks every state in sequence order from a given number without changing anything", () => {
    const { queue, clock } = setup();
    queue.enqueue(incoming("a"));
    queue.enqueue(incoming("b"));
    queue.schedule(incoming("c"), clock.now() + 60_000);
    const first = locked(queue.lockNext());
    queue.settle(first.lock.token, { kind: "defer" });
    expect(queue.peek(1, 10).map((m) => [m.sequenceNumber, m.state])).toEqual([
      [1, "deferred"],
      [2, "active"],
      [3, "scheduled"],
    ]);
    expect(queue.peek(2, 1).map((m) => m.sequenceNumber)).toEqual([2]);
    expect(queue.peek(4, 10)).toEqual([]);
    expect(queue.stats()).toEqual({ active: 1, scheduled: 1, deferred: 1, locked: 0, deadLetter: 0 });
  });

  it("removes messages handed out for receive-and-delete", () => {
    const { queue } = setup();
    queue.enqueue(incoming("a"));
    expect(queue.takeNext()?.sequenceNumber).toBe(1);
    expect(queue.takeNext()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  it("tells listeners when a message becomes available again", () => {
    const { queue } = setup();
    let calls = 0;
    const stop = queue.onAvailable(() => (calls += 1));
    queue.enqueue(incoming("a"));
    const message = locked(queue.lockNext());
    queue.settle(message.lock.token, { kind: "release" });
    expect(calls).toBe(2);
    expect(locked(queue.lockNext()).deliveryCount).toBe(0);
    stop();
    queue.enqueue(incoming("b"));
    expect(calls).toBe(2);
  });
});
