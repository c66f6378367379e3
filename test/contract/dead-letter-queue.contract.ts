/**
 * What every DeadLetterQueue must do, run against the in-memory fake and the Service Bus adapter
 * on the emulator: browsing in sequence order without taking anything, finding by sequence
 * number, and replays and purges that act on exactly the matching messages, each once, within
 * the limits given, a replayed copy carrying a MessageId derived from its dead-lettered original.
 */
import { describe, expect, it } from "vitest";
import { replayMessageId, type DeadLetter, type DeadLetterQueue } from "../../shared/bus/deadletter.js";

/** A message as a test sends it before it is dead-lettered. */
export interface SentMessage {
  readonly messageId: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly subject: string;
  readonly applicationProperties: Readonly<Record<string, string | number | boolean>>;
}

/** A copy a replay re-sent to the queue, as a receiver of the queue sees it. */
export interface ResentCopy {
  readonly messageId: string;
  readonly body: unknown;
  readonly applicationProperties: Readonly<Record<string, unknown>>;
}

export interface DeadLetterQueueFixture {
  readonly queue: DeadLetterQueue;
  /** Sends `messages` and dead-letters each, in order, with this reason and description. */
  readonly deadLetter: (
    messages: readonly SentMessage[],
    reason: string,
    description: string,
  ) => Promise<void>;
  /** The next `count` copies re-sent to the queue, in the order sent. */
  readonly resent: (count: number) => Promise<ResentCopy[]>;
}

const REASON = "MaxDeliveryCountExceeded";
const DESCRIPTION = "the handler failed on every delivery";

function sent(n: number, waveId = "w1"): SentMessage {
  return {
    messageId: `${waveId}:user${n}@contoso.com:1:initial0:0`,
    body: { v: 1, waveId, accountId: `user${n}@contoso.com`, n },
    subject: "move.initial",
    applicationProperties: { waveId, n, flag: n % 2 === 0 },
  };
}

/** The body of a dead-lettered message or copy: the bytes of the JSON sent. */
function json(body: unknown): unknown {
  expect(Buffer.isBuffer(body)).toBe(true);
  return JSON.parse((body as Buffer).toString("utf8")) as unknown;
}

async function browseAll(queue: DeadLetterQueue): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for await (const message of queue.browse()) out.push(message);
  return out;
}

const inWave = (waveId: string) => (message: DeadLetter) => message.applicationProperties.waveId === waveId;

/** Registers the contract suite for one DeadLetterQueue implementation. */
export function deadLetterQueueContract(name: string, create: () => Promise<DeadLetterQueueFixture>): void {
  describe(`DeadLetterQueue contract: ${name}`, () => {
    it("browses every message in sequence order, as sent, without taking any", async () => {
      const { queue, deadLetter } = await create();
      const messages = [sent(1), sent(2), sent(3)];
      await deadLetter(messages, REASON, DESCRIPTION);
      const browsed = await browseAll(queue);
      expect(browsed.map((message) => message.messageId)).toEqual(
        messages.map((message) => message.messageId),
      );
      const sequence = browsed.map((message) => message.sequenceNumber);
      expect([...sequence].sort((a, b) => a - b)).toEqual(sequence);
      expect(new Set(sequence).size).toBe(3);
      expect(browsed[1]).toMatchObject({
        reason: REASON,
        description: DESCRIPTION,
        subject: "move.initial",
        applicationProperties: sent(2).applicationProperties,
      });
      expect(browsed.map((message) => json(message.body))).toEqual(messages.map((message) => message.body));
      expect((await browseAll(queue)).map((message) => message.sequenceNumber)).toEqual(sequence);
      await queue.close();
    });

    it("browses nothing when nothing is dead-lettered", async () => {
      const { queue } = await create();
      expect(await browseAll(queue)).toEqual([]);
      await queue.close();
    });

    it("finds a message by its sequence number, and nothing for a number not dead-lettered", async () => {
      const { queue, deadLetter } = await create();
      await deadLetter([sent(1), sent(2)], REASON, DESCRIPTION);
      const [first, second] = await browseAll(queue);
      if (!first || !second) throw new Error("expected two dead-lettered messages");
      expect(await queue.find(second.sequenceNumber)).toEqual(second);
      expect(await queue.find(first.sequenceNumber)).toEqual(first);
      expect(await queue.find(second.sequenceNumber + 1_000)).toBeUndefined();
      await queue.close();
    });

    it("replays exactly the matching messages, each re-sent once with a derived MessageId", async () => {
      const { queue, deadLetter, resent } = await create();
      await deadLetter([sent(1, "w1"), sent(2, "w2"), sent(3, "w1")], REASON, DESCRIPTION);
      const before = await browseAll(queue);
      const seen: number[] = [];
      const result = await queue.replay({
        match: (message) => Promise.resolve(inWave("w1")(message)),
        onMessage: (message) => seen.push(message.sequenceNumber),
      });
      const replayed = before.filter(inWave("w1"));
      const ids = replayed.map((message) => replayMessageId(message.messageId, message.sequenceNumber));
      expect(result).toEqual({
        examined: 3,
        drained: replayed.map((message, n) => ({
          sequenceNumber: message.sequenceNumber,
          messageId: message.messageId,
          resentAs: ids[n],
        })),
        stopped: false,
        reachedMax: false,
      });
      expect(seen).toEqual(replayed.map((message) => message.sequenceNumber));
      const copies = await resent(2);
      expect(copies.map((copy) => copy.messageId)).toEqual(ids);
      expect(copies.map((copy) => json(copy.body))).toEqual([sent(1).body, sent(3).body]);
      expect(copies.map((copy) => copy.applicationProperties)).toEqual([
        sent(1).applicationProperties,
        sent(3).applicationProperties,
      ]);
      expect((await browseAll(queue)).map((message) => message.messageId)).toEqual([sent(2, "w2").messageId]);
      await queue.close();
    });

    it("acts on at most `max` messages, the earliest first, and says it reached the limit", async () => {
      const { queue, deadLetter } = await create();
      await deadLetter([sent(1), sent(2), sent(3)], REASON, DESCRIPTION);
      const before = await browseAll(queue);
      const result = await queue.purge({ match: () => true, max: 2 });
      expect(result.reachedMax).toBe(true);
      expect(result.drained.map((message) => message.sequenceNumber)).toEqual(
        before.slice(0, 2).map((message) => message.sequenceNumber),
      );
      expect((await browseAll(queue)).map((message) => message.messageId)).toEqual([sent(3).messageId]);
      await queue.close();
    });

    it("purges the matching messages for good, re-sending nothing", async () => {
      const { queue, deadLetter, resent } = await create();
      await deadLetter([sent(1, "w1"), sent(2, "w2"), sent(3, "w1")], REASON, DESCRIPTION);
      const purged = await queue.purge({ match: inWave("w1") });
      expect(purged.drained.map((message) => message.messageId)).toEqual([
        sent(1, "w1").messageId,
        sent(3, "w1").messageId,
      ]);
      expect(purged.drained.every((message) => message.resentAs === undefined)).toBe(true);
      // The one replay after the purge is the first copy on the queue: the purge sent none.
      const replayed = await queue.replay({ match: () => true });
      expect(replayed.drained.map((message) => message.messageId)).toEqual([sent(2, "w2").messageId]);
      expect((await resent(1)).map((copy) => copy.messageId)).toEqual([replayed.drained[0]?.resentAs]);
      expect(await browseAll(queue)).toEqual([]);
      await queue.close();
    });

    it("stops after the message in hand when asked to, leaving the rest dead-lettered", async () => {
      const { queue, deadLetter } = await create();
      await deadLetter([sent(1), sent(2), sent(3)], REASON, DESCRIPTION);
      const stop = new AbortController();
      const result = await queue.purge({
        match: () => true,
        signal: stop.signal,
        onMessage: () => stop.abort(),
      });
      expect(result).toMatchObject({ stopped: true, reachedMax: false });
      expect(result.drained.map((message) => message.messageId)).toEqual([sent(1).messageId]);
      expect((await browseAll(queue)).map((message) => message.messageId)).toEqual([
        sent(2).messageId,
        sent(3).messageId,
      ]);

      const none = await queue.replay({ match: () => true, signal: AbortSignal.abort() });
      expect(none).toMatchObject({ drained: [], stopped: true });
      expect(await browseAll(queue)).toHaveLength(2);
      await queue.close();
    });
  });
}
