import rhea, { type Message } from "rhea";
import { afterEach, describe, expect, it } from "vitest";
import { confirmationFor, settlementFor } from "../../../src/servicebus/amqp/outcomes.js";
import { handleManagementRequest } from "../../../src/servicebus/management/operations.js";
import { incoming, testQueue, type TestQueue } from "./fixtures.js";

let current: TestQueue | undefined;
afterEach(() => {
  current?.broker.close();
  current = undefined;
});

function request(operation: string, body: Record<string, unknown>): Message {
  return { body, message_id: "r1", reply_to: "reply", application_properties: { operation } };
}

describe("$management operations", () => {
  it("peeks with 200 and a list of encoded messages, or 204 when there is nothing", () => {
    current = testQueue();
    const { queue } = current;
    const peek = (from: number) =>
      handleManagementRequest(
        request("com.microsoft:peek-message", { "from-sequence-number": from, "message-count": 5 }),
        queue,
      );
    expect(peek(1).applicationProperties.statusCode).toBe(204);
    queue.enqueue(incoming("a"));
    const reply = peek(1);
    expect(reply.applicationProperties.statusCode).toBe(200);
    const messages = (reply.body as { messages: { message: Buffer }[] }).messages;
    expect(rhea.message.decode(messages[0]?.message ?? Buffer.alloc(0)).body).toBe("a");
    expect(peek(2).applicationProperties.statusCode).toBe(204);
  });

  it("schedules, renews and settles by lock token, reporting lost locks as 410", () => {
    current = testQueue({ lockDurationSeconds: 10 });
    const { queue, clock, advance } = current;
    const at = new Date(clock.now() + 1000);
    const encoded = rhea.message.encode({
      body: "s",
      message_annotations: { "x-opt-scheduled-enqueue-time": at },
    });
    const scheduled = handleManagementRequest(
      request("com.microsoft:schedule-message", { messages: [{ message: encoded }] }),
      queue,
    );
    expect(scheduled.applicationProperties.statusCode).toBe(200);
    advance(1000);
    const token = queue.lockNext()?.lock?.token;
    if (!token) throw new Error("nothing locked");
    const renewed = handleManagementRequest(
      request("com.microsoft:renew-lock", { "lock-tokens": [token] }),
      queue,
    );
    expect(renewed.applicationProperties.statusCode).toBe(200);
    const dispose = () =>
      handleManagementRequest(
        request("com.microsoft:update-disposition", {
          "lock-tokens": [token],
          "disposition-status": "suspended",
          "deadletter-reason": "Manual",
        }),
        queue,
      );
    expect(dispose().applicationProperties.statusCode).toBe(200);
    expect(queue.stats().deadLetter).toBe(1);
    expect(dispose().applicationProperties).toMatchObject({
      statusCode: 410,
      errorCondition: "com.microsoft:message-lock-lost",
    });
  });

  it("answers 400 for malformed requests and 501 for operations it does not emulate", () => {
    current = testQueue();
    const bad = handleManagementRequest(
      request("com.microsoft:renew-lock", { "lock-tokens": "x" }),
      current.queue,
    );
    expect(bad.applicationProperties).toMatchObject({
      statusCode: 400,
      errorCondition: "com.microsoft:argument-error",
    });
    const sessions = handleManagementRequest(
      request("com.microsoft:get-message-sessions", {}),
      current.queue,
    );
    expect(sessions.applicationProperties).toMatchObject({
      statusCode: 501,
      errorCondition: "amqp:not-implemented",
    });
  });
});

describe("dispositions", () => {
  it("maps AMQP outcomes to settlements the way the SDK uses them", () => {
    expect(settlementFor("accepted", undefined)).toEqual({ kind: "complete" });
    expect(settlementFor("released", undefined)).toEqual({ kind: "release" });
    expect(settlementFor("modified", { undeliverable_here: true })).toEqual({ kind: "defer" });
    expect(settlementFor("modified", { undeliverable_here: false, message_annotations: { a: 1 } })).toEqual({
      kind: "abandon",
      properties: { a: 1 },
    });
    expect(
      settlementFor("rejected", {
        error: {
          condition: "com.microsoft:dead-letter",
          info: { DeadLetterReason: "r", DeadLetterErrorDescription: "d", x: 2 },
        },
      }),
    ).toEqual({ kind: "deadLetter", reason: "r", description: "d", properties: { x: 2 } });
  });

  it("confirms a dead-letter without an error the client would raise", () => {
    const confirmation = confirmationFor({ kind: "deadLetter" }) as { descriptor?: { value: unknown } };
    expect(confirmation.descriptor?.value).toBe(0x24);
  });
});
