import { QueueDepthError } from "../errors.js";
import type { QueueDepths } from "./port.js";

/** QueueDepths a unit test sets by hand. */
export class InMemoryQueueDepths implements QueueDepths {
  private readonly depths = new Map<string, number>();
  private readonly broken = new Set<string>();

  /** Sets a queue's dead-letter depth. */
  set(queue: string, depth: number): void {
    this.depths.set(queue, depth);
    this.broken.delete(queue);
  }

  /** Makes measuring a queue fail, as an unreachable namespace would. */
  fail(queue: string): void {
    this.broken.add(queue);
  }

  deadLetterDepth(queue: string): Promise<number> {
    if (this.broken.has(queue)) return Promise.reject(new QueueDepthError(queue, "unreachable"));
    return Promise.resolve(this.depths.get(queue) ?? 0);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
