/**
 * What every QueueDepths must do, run against the in-memory fake and the peeking adapter on the
 * Service Bus emulator: count only the dead-letter sub-queue, take nothing while counting, and
 * report a queue it cannot measure as a QueueDepthError rather than as an empty one.
 */
import { describe, expect, it } from "vitest";
import { QueueDepthError } from "../../shared/alerts/errors.js";
import type { QueueDepths } from "../../shared/alerts/depths/port.js";

export interface QueueDepthsFixture {
  readonly depths: QueueDepths;
  /** A queue holding `messages` messages, `deadLettered` of them moved to its dead-letter sub-queue. */
  readonly queueWith: (messages: number, deadLettered: number) => Promise<string>;
  /** The name of a queue the namespace does not have. */
  readonly missing: string;
}

/** Registers the contract suite for one QueueDepths implementation. */
export function queueDepthsContract(name: string, create: () => Promise<QueueDepthsFixture>): void {
  describe(`QueueDepths contract: ${name}`, () => {
    it("counts the dead-letter sub-queue, not the live messages, and counting takes nothing", async () => {
      const { depths, queueWith } = await create();
      const queue = await queueWith(9, 7);
      expect(await depths.deadLetterDepth(queue)).toBe(7);
      expect(await depths.deadLetterDepth(queue)).toBe(7);
      await depths.close();
    });

    it("counts a dead-letter sub-queue deeper than one page", async () => {
      const { depths, queueWith } = await create();
      const queue = await queueWith(300, 260);
      expect(await depths.deadLetterDepth(queue)).toBe(260);
      await depths.close();
    });

    it("reads zero for a queue without dead letters", async () => {
      const { depths, queueWith } = await create();
      expect(await depths.deadLetterDepth(await queueWith(2, 0))).toBe(0);
      await depths.close();
    });

    it("keeps the queues apart", async () => {
      const { depths, queueWith } = await create();
      const first = await queueWith(3, 1);
      const second = await queueWith(3, 3);
      expect([await depths.deadLetterDepth(first), await depths.deadLetterDepth(second)]).toEqual([1, 3]);
      await depths.close();
    });

    it("reports a queue the namespace does not have as a QueueDepthError naming it", async () => {
      const { depths, missing } = await create();
      const measured = depths.deadLetterDepth(missing);
      await expect(measured).rejects.toBeInstanceOf(QueueDepthError);
      await expect(measured).rejects.toMatchObject({ name: "QueueDepthError", queue: missing });
      await depths.close();
    });
  });
}
