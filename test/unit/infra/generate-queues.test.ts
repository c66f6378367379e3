import { describe, expect, it } from "vitest";
import { QueueTopologyError } from "../../../infra/errors.js";
import { renderQueuesDocument, renderQueuesJson, toArmQueue } from "../../../infra/generate-queues.js";
import { MOVES_QUEUE, QUEUES } from "../../../shared/bus/topology.js";

describe("queue definitions for Bicep", () => {
  it("renders ARM property names and ISO 8601 durations", () => {
    expect(
      toArmQueue({ ...MOVES_QUEUE, name: "q", lockDurationSeconds: 90, defaultMessageTtlSeconds: 86400 }),
    ).toEqual({
      name: "q",
      lockDuration: "PT1M30S",
      maxDeliveryCount: MOVES_QUEUE.maxDeliveryCount,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: "PT1H",
      defaultMessageTimeToLive: "P1D",
      deadLetteringOnMessageExpiration: true,
    });
  });

  it("turns duplicate detection off for a zero window", () => {
    const queue = toArmQueue({ ...MOVES_QUEUE, duplicateDetectionWindowSeconds: 0 });
    expect(queue.requiresDuplicateDetection).toBe(false);
    expect(queue.duplicateDetectionHistoryTimeWindow).toBeNull();
  });

  it("refuses values Service Bus would reject, naming the queue", () => {
    expect(() => toArmQueue({ ...MOVES_QUEUE, lockDurationSeconds: 301 })).toThrow(QueueTopologyError);
    expect(() => toArmQueue({ ...MOVES_QUEUE, duplicateDetectionWindowSeconds: 10 })).toThrow(/queue moves/);
    expect(() => toArmQueue({ ...MOVES_QUEUE, maxDeliveryCount: 0 })).toThrow(/maxDeliveryCount/);
  });

  it("keeps topology order and ends the file with a newline", () => {
    expect(renderQueuesDocument().queues.map((queue) => queue.name)).toEqual(
      QUEUES.map((queue) => queue.name),
    );
    expect(renderQueuesJson().endsWith("}\n")).toBe(true);
  });
});
