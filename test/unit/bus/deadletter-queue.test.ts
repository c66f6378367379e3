import { InMemoryDeadLetterQueue } from "../../../shared/bus/deadletter-memory.js";
import { deadLetterQueueContract } from "../../contract/dead-letter-queue.contract.js";

deadLetterQueueContract("in-memory fake", () => {
  const queue = new InMemoryDeadLetterQueue();
  let sequenceNumber = 0;
  let delivered = 0;
  return Promise.resolve({
    queue,
    deadLetter: (messages, reason, description) => {
      for (const message of messages) {
        sequenceNumber += 1;
        queue.add({
          sequenceNumber,
          messageId: message.messageId,
          deliveryCount: 1,
          reason,
          description,
          subject: message.subject,
          contentType: "application/json",
          // What the broker keeps: the sent JSON's bytes, and the properties dead-lettering adds.
          body: Buffer.from(JSON.stringify(message.body)),
          applicationProperties: {
            ...message.applicationProperties,
            DeadLetterReason: reason,
            DeadLetterErrorDescription: description,
          },
        });
      }
      return Promise.resolve();
    },
    resent: (count) => {
      const next = queue.resent.slice(delivered, delivered + count);
      delivered += next.length;
      return Promise.resolve(next);
    },
  });
});
