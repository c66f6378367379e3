/**
 * A queue's settings as the emulator needs them, named as Service Bus names them. The application
 * that starts the emulator passes its own definitions (its topology); this is only their shape.
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
