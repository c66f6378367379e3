import { QUEUES } from "../../bus/topology.js";
import { QueueDepthError } from "../errors.js";
import type { QueueDepths } from "./port.js";

/** QueueDepths a unit test sets by hand. */
export class InMemoryQueueDepths implements QueueDepths {
  private readonly depths = new Map<string, number>();
  private readonly broken = new Set<string>();

  /** `queues`: the namespace's queues, empty until set; any other is missing, as on the broker. */
  constructor(queues: readonly string[] = QUEUES.map((queue) => queue.name)) {
    for (const queue of queues) this.depths.set(queue, 0);
  }

  /** Sets a queue's dead-letter depth (adding the queue if the namespace did not have it). */
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
    const depth = this.depths.get(queue);
    if (depth === undefined)
      return Promise.reject(new QueueDepthError(queue, "the namespace has no such queue"));
    return Promise.resolve(depth);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
