/**
 * Renders the queue topology (shared/bus/topology.ts) as the JSON file the Bicep templates load
 * with `loadJsonContent`, so Azure gets exactly the queues the code and the emulator use.
 *
 *   npx tsx infra/generate-queues.ts
 *
 * The drift test renders it again in memory and fails when the committed file differs.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { QUEUES, toIsoDuration, type QueueDefinition } from "../shared/bus/topology.js";
import { createLogger } from "../shared/telemetry/logger.js";
import { QueueTopologyError } from "./errors.js";

/** One queue in the shape of `Microsoft.ServiceBus/namespaces/queues` properties (plus its name). */
export interface ArmQueue {
  readonly name: string;
  readonly lockDuration: string;
  readonly maxDeliveryCount: number;
  readonly requiresDuplicateDetection: boolean;
  /** Null when duplicate detection is off (Service Bus then ignores the window). */
  readonly duplicateDetectionHistoryTimeWindow: string | null;
  readonly defaultMessageTimeToLive: string;
  readonly deadLetteringOnMessageExpiration: boolean;
}

export interface QueuesDocument {
  readonly $comment: string;
  readonly queues: readonly ArmQueue[];
}

/** Where the generated file lives, next to this script. */
export const QUEUES_JSON_PATH = fileURLToPath(new URL("./queues.json", import.meta.url));

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

// Service Bus refuses values outside these ranges; failing here beats a failed deployment.
const LIMITS = {
  lockSeconds: { min: 5, max: 5 * MINUTE },
  duplicateWindowSeconds: { min: 20, max: 7 * DAY },
} as const;

function within(queue: string, what: string, value: number, range: { min: number; max: number }): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new QueueTopologyError(
      queue,
      `${what} must be a whole number from ${range.min} to ${range.max}, got ${value}`,
    );
  }
}

/** Maps one topology entry to ARM queue properties, checking Service Bus's limits. */
export function toArmQueue(queue: QueueDefinition): ArmQueue {
  within(queue.name, "lockDurationSeconds", queue.lockDurationSeconds, LIMITS.lockSeconds);
  if (!Number.isInteger(queue.maxDeliveryCount) || queue.maxDeliveryCount < 1) {
    throw new QueueTopologyError(
      queue.name,
      `maxDeliveryCount must be at least 1, got ${queue.maxDeliveryCount}`,
    );
  }
  const detect = queue.duplicateDetectionWindowSeconds > 0;
  if (detect) {
    within(
      queue.name,
      "duplicateDetectionWindowSeconds",
      queue.duplicateDetectionWindowSeconds,
      LIMITS.duplicateWindowSeconds,
    );
  }
  return {
    name: queue.name,
    lockDuration: toIsoDuration(queue.lockDurationSeconds),
    maxDeliveryCount: queue.maxDeliveryCount,
    requiresDuplicateDetection: detect,
    duplicateDetectionHistoryTimeWindow: detect ? toIsoDuration(queue.duplicateDetectionWindowSeconds) : null,
    defaultMessageTimeToLive: toIsoDuration(queue.defaultMessageTtlSeconds),
    deadLetteringOnMessageExpiration: queue.deadLetteringOnMessageExpiration,
  };
}

/** The whole document, in topology order. */
export function renderQueuesDocument(queues: readonly QueueDefinition[] = QUEUES): QueuesDocument {
  return {
    $comment:
      "Generated from shared/bus/topology.ts by `npx tsx infra/generate-queues.ts`. Do not edit by hand.",
    queues: queues.map(toArmQueue),
  };
}

/** The file's exact text (two-space JSON, trailing newline, as Prettier keeps it). */
export function renderQueuesJson(queues: readonly QueueDefinition[] = QUEUES): string {
  return `${JSON.stringify(renderQueuesDocument(queues), null, 2)}\n`;
}

/** Writes the file and returns its path. */
export function writeQueuesJson(path: string = QUEUES_JSON_PATH): string {
  writeFileSync(path, renderQueuesJson(), "utf8");
  return path;
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const path = writeQueuesJson();
  createLogger().info("wrote queue definitions", { path, queues: QUEUES.map((queue) => queue.name) });
}
