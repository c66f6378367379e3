/**
 * The one definition of mailferry's Service Bus entities. The emulator creates its queues from it,
 * the functions bind to its names, and the Bicep templates are checked against it, so local and
 * production can never disagree on queue settings.
 */
export interface QueueDefinition {
  /** Entity name as it appears in the namespace. */
  readonly name: string;
  /** How long a peek-lock holds a message before it is redelivered. */
  readonly lockDurationSeconds: number;
  /** Deliveries after which the broker moves the message to the dead-letter sub-queue. */
  readonly maxDeliveryCount: number;
  /** Window in which a second message with the same MessageId is dropped; 0 turns detection off. */
  readonly duplicateDetectionWindowSeconds: number;
  /** Time to live of a message that sets none itself. */
  readonly defaultMessageTtlSeconds: number;
  /** Whether expired messages go to the dead-letter sub-queue instead of vanishing. */
  readonly deadLetteringOnMessageExpiration: boolean;
}

const DAY = 24 * 60 * 60;

/** Account moves: one message per slice of one account's transfer. */
export const MOVES_QUEUE: QueueDefinition = {
  name: "moves",
  // Short, because the host renews the lock while a slice runs; after a crashed instance the
  // message comes back this soon.
  lockDurationSeconds: 30,
  maxDeliveryCount: 5,
  duplicateDetectionWindowSeconds: 60 * 60,
  defaultMessageTtlSeconds: 14 * DAY,
  deadLetteringOnMessageExpiration: true,
};

/** Cutover notices for systems outside Graph (mail routing, directory sync). */
export const CUTOVERS_QUEUE: QueueDefinition = {
  name: "cutovers",
  lockDurationSeconds: 60,
  maxDeliveryCount: 10,
  duplicateDetectionWindowSeconds: 60 * 60,
  defaultMessageTtlSeconds: 14 * DAY,
  deadLetteringOnMessageExpiration: true,
};

/** Every queue mailferry uses. */
export const QUEUES: readonly QueueDefinition[] = [MOVES_QUEUE, CUTOVERS_QUEUE];

/** Renders seconds as the ISO 8601 duration Azure Resource Manager expects (e.g. `PT1M`, `P14D`). */
export function toIsoDuration(totalSeconds: number): string {
  if (!Number.isInteger(totalSeconds) || totalSeconds <= 0) {
    throw new RangeError(`duration must be a positive whole number of seconds, got ${totalSeconds}`);
  }
  const days = Math.floor(totalSeconds / DAY);
  let rest = totalSeconds % DAY;
  const hours = Math.floor(rest / 3600);
  rest %= 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest % 60;
  const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${seconds ? `${seconds}S` : ""}`;
  return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}
