import rhea from "rhea";
import { describe, expect, it } from "vitest";
import { parseLinkAddress, scopeCovers, entityPathOf } from "../../../src/servicebus/amqp/address.js";
import { decodeBatch, decodeMessage } from "../../../src/servicebus/codec/incoming.js";
import {
  deliveryTagFor,
  lockTokenFromRequest,
  swapGuidByteOrder,
} from "../../../src/servicebus/codec/lock-token.js";
import { encodeStoredMessage } from "../../../src/servicebus/codec/outgoing.js";
import type { StoredMessage } from "../../../src/servicebus/store/message.js";

describe("lock tokens", () => {
  it("puts a lock token on the wire in .NET GUID byte order", () => {
    const rfc = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    expect(deliveryTagFor(rfc).toString("hex")).toBe("3322110055447766" + "8899aabbccddeeff");
    expect(swapGuidByteOrder(deliveryTagFor(rfc))).toEqual(rfc);
  });

  it("reads lock tokens from uuids and GUID strings", () => {
    const bytes = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    expect(lockTokenFromRequest(bytes)).toEqual(bytes);
    expect(lockTokenFromRequest("00112233-4455-6677-8899-aabbccddeeff")).toEqual(bytes);
    expect(lockTokenFromRequest("nope")).toBeUndefined();
    expect(lockTokenFromRequest(Buffer.alloc(3))).toBeUndefined();
  });
});

describe("addresses", () => {
  it("classifies CBS, management and entity addresses", () => {
    expect(parseLinkAddress("$cbs")).toEqual({ kind: "cbs" });
    expect(parseLinkAddress("moves/$management")).toEqual({ kind: "management", entityPath: "moves" });
    expect(parseLinkAddress("moves/$deadletterqueue/$management")).toEqual({
      kind: "management",
      entityPath: "moves/$deadletterqueue",
    });
    expect(parseLinkAddress("sb://localhost:5672/moves/")).toEqual({ kind: "entity", entityPath: "moves" });
    expect(entityPathOf("sb://localhost:5672")).toBe("");
  });

  it("lets a token scope cover itself and what lies below it, case-insensitively", () => {
    expect(scopeCovers("", "moves")).toBe(true);
    expect(scopeCovers("Moves", "moves/$management")).toBe(true);
    expect(scopeCovers("moves", "moves2")).toBe(false);
    expect(scopeCovers("moves/$management", "moves")).toBe(false);
  });
});

function envelope(parts: Buffer[]): Buffer {
  const body: unknown = rhea.message.data_sections(parts);
  return rhea.message.encode({ body });
}

describe("message encoding", () => {
  it("splits a batch envelope into its messages, and reads TTL, schedule and MessageId", () => {
    const scheduled = new Date(Date.UTC(2026, 0, 2));
    const members = [
      rhea.message.encode({ body: "a", message_id: "id-a", ttl: 5000 }),
      rhea.message.encode({ body: "b", message_annotations: { "x-opt-scheduled-enqueue-time": scheduled } }),
    ];
    const [a, b] = decodeBatch(envelope(members));
    expect(a).toMatchObject({ duplicateKey: "s:id-a", timeToLiveMs: 5000, scheduledEnqueueTime: undefined });
    expect(b?.scheduledEnqueueTime).toBe(scheduled.getTime());
    expect(b?.duplicateKey).toBeUndefined();
    expect(decodeBatch(envelope(members.slice(0, 1)))).toHaveLength(1);
    expect(decodeBatch(envelope([]))).toEqual([]);
    expect(() => decodeBatch(Buffer.from("not amqp"))).toThrow(/not a valid AMQP message/);
  });

  it("hands out the sender's message with a header count and the broker's annotations", () => {
    const body: unknown = rhea.message.data_section(Buffer.from("{}"));
    const payload = decodeMessage(
      rhea.message.encode({
        body,
        message_id: "m1",
        application_properties: { wave: "w1" },
      }),
    ).payload;
    const stored: StoredMessage = {
      sequenceNumber: 42,
      payload,
      timeToLiveMs: undefined,
      scheduledAt: undefined,
      state: "deferred",
      enqueuedAt: Date.UTC(2026, 0, 1),
      expiresAt: Number.POSITIVE_INFINITY,
      deliveryCount: 0,
      lock: undefined,
      propertyChanges: { DeadLetterReason: "x" },
    };
    const lockedUntil = Date.UTC(2026, 0, 1, 0, 1);
    const decoded = rhea.message.decode(encodeStoredMessage(stored, { lockedUntil }));
    expect(decoded.delivery_count).toBe(0);
    expect(decoded.message_id).toBe("m1");
    expect(decoded.application_properties).toEqual({ wave: "w1", DeadLetterReason: "x" });
    expect(decoded.message_annotations).toMatchObject({
      "x-opt-sequence-number": 42,
      "x-opt-enqueue-sequence-number": 42,
      "x-opt-message-state": 1,
      "x-opt-enqueued-time": new Date(stored.enqueuedAt),
      "x-opt-locked-until": new Date(lockedUntil),
    });
  });
});
