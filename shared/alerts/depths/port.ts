/** How many messages wait in a queue's dead-letter sub-queue. */
export interface QueueDepths {
  /** The dead-letter depth of `queue` now (QueueDepthError when it cannot be measured). */
  deadLetterDepth(queue: string): Promise<number>;
  close(): Promise<void>;
}
