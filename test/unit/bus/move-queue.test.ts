import { InMemoryMoveQueue } from "../../../shared/bus/memory.js";
import { moveQueueContract } from "../../contract/move-queue.contract.js";

moveQueueContract("in-memory fake", () => {
  const queue = new InMemoryMoveQueue();
  let delivered = 0;
  return Promise.resolve({
    queue,
    receive: (count: number) => {
      const next = queue.sent.slice(delivered, delivered + count);
      delivered += next.length;
      return Promise.resolve(next);
    },
    scheduled: () => Promise.resolve([...queue.scheduled]),
  });
});
