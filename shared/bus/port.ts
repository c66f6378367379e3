import type { MoveMessage } from "./messages.js";

/** Sends work to the `moves` queue. Adapters own their connections. */
export interface MoveQueue {
  /** Sends slices now, in as few batches as fit; MessageId makes re-sends harmless. */
  send(messages: readonly MoveMessage[]): Promise<void>;
  /** Sends one slice to become visible at `at` (used for Retry-After). */
  schedule(message: MoveMessage, at: Date): Promise<void>;
  close(): Promise<void>;
}
