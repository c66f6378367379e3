/**
 * What every CutoverAnnouncer must do, run against the in-memory fake and the Service Bus adapter
 * on the emulator: one notice per account and attempt, however often it is announced.
 */
import { describe, expect, it } from "vitest";
import type { CutoverAnnouncer, CutoverNotice } from "../../shared/bus/cutovers.js";

export interface CutoverAnnouncerFixture {
  readonly announcer: CutoverAnnouncer;
  /** The next `count` notices the queue delivers, in delivery order. */
  readonly receive: (count: number) => Promise<CutoverNotice[]>;
}

function notice(accountId: string, attempt = 1): CutoverNotice {
  return {
    v: 1,
    waveId: "w1",
    accountId,
    attempt,
    sourceUpn: `${accountId}@source.contoso.com`,
    targetUpn: `${accountId}@contoso.com`,
    targetUserId: `0000-${accountId}`,
    cutoverAt: "2030-03-05T19:00:00.000Z",
  };
}

/** Registers the contract suite for one CutoverAnnouncer implementation. */
export function cutoverAnnouncerContract(name: string, create: () => Promise<CutoverAnnouncerFixture>): void {
  describe(`CutoverAnnouncer contract: ${name}`, () => {
    it("delivers each notice, body intact, in the order announced", async () => {
      const { announcer, receive } = await create();
      await announcer.announce(notice("a"));
      await announcer.announce(notice("b"));
      expect(await receive(2)).toEqual([notice("a"), notice("b")]);
      await announcer.close();
    });

    it("delivers an account's notice once however often it is announced, and a new attempt's again", async () => {
      const { announcer, receive } = await create();
      await announcer.announce(notice("a"));
      // A repeated announcement after a redelivered final slice, even with a later cutover time.
      await announcer.announce({ ...notice("a"), cutoverAt: "2030-03-05T20:00:00.000Z" });
      await announcer.announce(notice("a", 2));
      // The last notice shows nothing else came in between.
      await announcer.announce(notice("z"));
      expect(await receive(3)).toEqual([notice("a"), notice("a", 2), notice("z")]);
      await announcer.close();
    });

    it("delivers a notice of the longest account id a message allows, once", async () => {
      const { announcer, receive } = await create();
      const longest = notice(`${"x".repeat(188)}@contoso.com`);
      await announcer.announce(longest);
      await announcer.announce(longest);
      await announcer.announce(notice(`${"x".repeat(188)}@contoso.org`));
      expect(await receive(2)).toEqual([longest, notice(`${"x".repeat(188)}@contoso.org`)]);
      await announcer.close();
    });
  });
}
