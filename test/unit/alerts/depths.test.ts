import { randomUUID } from "node:crypto";
import { InMemoryQueueDepths } from "../../../shared/alerts/depths/memory.js";
import { queueDepthsContract } from "../../contract/queue-depths.contract.js";

queueDepthsContract("in-memory fake", () => {
  const depths = new InMemoryQueueDepths();
  return Promise.resolve({
    depths,
    queueWith: (_messages: number, deadLettered: number) => {
      const queue = `q-${randomUUID().slice(0, 8)}`;
      depths.set(queue, deadLettered);
      return Promise.resolve(queue);
    },
    missing: "no-such-queue",
  });
});
