/**
 * What every MoveQueue must do, run against the in-memory fake and the Service Bus adapter on the
 * emulator: slices delivered in the order sent, a re-sent slice (same MessageId) delivered once,
 * batches split where the broker's size limit says, and a scheduled slice held until its time.
 */
import { describe, expect, it } from "vitest";
import type { MoveMessage } from "../../shared/bus/messages.js";
import type { MoveQueue } from "../../shared/bus/port.js";

export interface MoveQueueFixture {
  readonly queue: MoveQueue;
  /** The next `count` slices the queue delivers now, in delivery order. */
  readonly receive: (count: number) => Promise<MoveMessage[]>;
  /** The slices waiting for a scheduled time, with that time. */
  readonly scheduled: () => Promise<{ message: MoveMessage; at: Date }[]>;
}

function slice(accountId: string, overrides: Partial<MoveMessage> = {}): MoveMessage {
  return { v: 1, waveId: "w1", accountId, attempt: 1, slice: 0, pass: "initial", round: 0, ...overrides };
}

/** Registers the contract suite for one MoveQueue implementation. */
export function moveQueueContract(name: string, create: () => Promise<MoveQueueFixture>): void {
  describe(`MoveQueue contract: ${name}`, () => {
    it("delivers every slice sent, in the order sent, body intact", async () => {
      const { queue, receive } = await create();
      const sent = [
        slice("a@contoso.com"),
        slice("b@contoso.com", { pass: "cutover", round: 3, slice: 7, waitingSince: 1_900_000_000 }),
        slice("c@contoso.com", { attempt: 2, resend: 1 }),
      ];
      await queue.send(sent);
      await queue.send([]);
      expect(await receive(3)).toEqual(sent);
      await queue.close();
    });

    it("delivers a re-sent slice once, re-sent in the same call or a later one", async () => {
      const { queue, receive } = await create();
      const [a, b, c] = [slice("a@contoso.com"), slice("b@contoso.com"), slice("c@contoso.com")];
      await queue.send([a, b, a]);
      await queue.send([b, a]);
      // The last slice sent shows nothing else came in between.
      await queue.send([c]);
      expect(await receive(3)).toEqual([a, b, c]);
      await queue.close();
    });

    it("treats the next attempt, pass, round, slice or a resend as a new slice", async () => {
      const { queue, receive } = await create();
      const first = slice("a@contoso.com");
      const others = [
        { ...first, attempt: 2 },
        { ...first, pass: "incremental" as const },
        { ...first, round: 1 },
        { ...first, slice: 1 },
        { ...first, resend: 1 },
      ];
      await queue.send([first]);
      await queue.send(others);
      expect(await receive(6)).toEqual([first, ...others]);
      await queue.close();
    });

    it("sends more slices than one batch holds, all of them, in order", async () => {
      const { queue, receive } = await create();
      // Long wave ids: a few hundred slices pass the broker's 256 KB batch limit.
      const sent = Array.from({ length: 600 }, (_, n) =>
        slice(`user${n}@contoso.com`, { waveId: `${"w".repeat(195)}${String(n).padStart(4, "0")}` }),
      );
      await queue.send(sent);
      expect(await receive(600)).toEqual(sent);
      await queue.close();
    });

    it("delivers a slice of the longest account id a message allows, once however often it is sent", async () => {
      const { queue, receive } = await create();
      const longest = slice(`${"x".repeat(188)}@contoso.com`, { resend: 12 });
      const other = slice(`${"x".repeat(188)}@contoso.org`, { resend: 12 });
      await queue.send([longest, longest]);
      await queue.send([longest, other]);
      expect(await receive(2)).toEqual([longest, other]);
      await queue.close();
    });

    it("holds a scheduled slice until its time, keeping the time", async () => {
      const { queue, receive, scheduled } = await create();
      const later = slice("later@contoso.com");
      const at = new Date(Date.now() + 60 * 60 * 1000);
      await queue.schedule(later, at);
      await queue.send([slice("now@contoso.com")]);
      expect(await receive(1)).toEqual([slice("now@contoso.com")]);
      expect(await scheduled()).toEqual([{ message: later, at }]);
      await queue.close();
    });
  });
}
