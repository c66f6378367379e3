/** Message annotation keys Service Bus sets on the messages it hands out. */
export const ANNOTATION = {
  sequenceNumber: "x-opt-sequence-number",
  enqueueSequenceNumber: "x-opt-enqueue-sequence-number",
  enqueuedTime: "x-opt-enqueued-time",
  lockedUntil: "x-opt-locked-until",
  messageState: "x-opt-message-state",
  scheduledEnqueueTime: "x-opt-scheduled-enqueue-time",
  deadLetterSource: "x-opt-deadletter-source",
} as const;

/** Values of `x-opt-message-state`. */
export const MESSAGE_STATE = { active: 0, deferred: 1, scheduled: 2 } as const;

/** Application properties that carry why a message was dead-lettered. */
export const DEAD_LETTER_PROPERTY = {
  reason: "DeadLetterReason",
  description: "DeadLetterErrorDescription",
} as const;

/** Message format of a batch: an envelope whose body holds one data section per encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;
