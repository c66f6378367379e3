import { describe, expect, it } from "vitest";
import { computeCeiling, importBodyBytes } from "../../../src/graph/counters.js";
import { deltaPage } from "../../../src/graph/delta.js";
import { GraphApiError } from "../../../src/graph/errors.js";
import { type ExportHeader, decodeExport, encodeExport } from "../../../src/graph/model/exportData.js";
import {
  addFolder,
  addItem,
  createMailbox,
  deleteFolder,
  findFolderByPath,
  folderPath,
  moveFolder,
  moveItem,
} from "../../../src/graph/model/mailbox.js";
import { MEGABYTE, PUBLISHED_LIMITS, scaleWindows } from "../../../src/graph/options.js";
import { Random } from "../../../src/graph/random.js";
import { type SeedOptions, seedWorld } from "../../../src/graph/seed/tenant.js";
import { MailboxThrottle } from "../../../src/graph/throttle/mailboxThrottle.js";
import { SlidingWindow } from "../../../src/graph/throttle/slidingWindow.js";

const header: ExportHeader = {
  tenantId: "t",
  mailboxId: "MBX:1@2",
  itemId: "AAMkAGitem",
  version: 3,
  itemClass: "IPM.Note",
  size: 50_000,
  receivedMs: Date.UTC(2024, 1, 2),
  createdMs: Date.UTC(2024, 1, 2),
  subject: "Minutes: Audit meeting",
};

describe("exported item data", () => {
  it("is deterministic, as long as the item, and decodes to its header", () => {
    const data = encodeExport(header);
    expect(data.length).toBe(header.size);
    expect(encodeExport(header).equals(data)).toBe(true);
    expect(decodeExport(data)).toEqual(header);
  });

  it("differs between versions and refuses any altered byte", () => {
    expect(encodeExport({ ...header, version: 4 }).equals(encodeExport(header))).toBe(false);
    const data = encodeExport(header);
    for (const offset of [2, 40, 20_000, data.length - 1]) {
      const altered = Buffer.from(data);
      altered[offset] = (altered[offset] ?? 0) ^ 0x01;
      expect(() => decodeExport(altered)).toThrow(GraphApiError);
    }
    expect(() => decodeExport(Buffer.from("not exported data at all, just text"))).toThrow(/not an exported/);
  });

  it("still carries its header for items smaller than the header", () => {
    const tiny = { ...header, size: 10 };
    expect(decodeExport(encodeExport(tiny))).toEqual(tiny);
  });
});

describe("sliding window", () => {
  it("sums what is inside the window and says when more fits", () => {
    const window = new SlidingWindow(1000, 10);
    window.add("k", 0, 3);
    window.add("k", 500, 2);
    expect(window.total("k", 600)).toBe(5);
    expect(window.msUntilFits("k", 600, 1, 6)).toBe(0);
    // The 3 recorded at t=0 leave when its slot ages out at t=1000.
    expect(window.msUntilFits("k", 600, 1, 5)).toBe(400);
    expect(window.msUntilFits("k", 600, 3, 5)).toBe(400);
    expect(window.msUntilFits("k", 600, 4, 5)).toBe(900);
    expect(window.total("k", 1000)).toBe(2);
    expect(window.total("other", 600)).toBe(0);
  });

  it("lets an amount larger than the whole limit into an empty window only", () => {
    const window = new SlidingWindow(1000, 10);
    expect(window.msUntilFits("k", 0, 50, 10)).toBe(0);
    window.add("k", 0, 1);
    expect(window.msUntilFits("k", 100, 50, 10)).toBe(900);
  });
});

describe("mailbox throttle", () => {
  const windows = { requestWindowMs: 1000, uploadWindowMs: 1000 };

  it("limits requests in flight per key", () => {
    const throttle = new MailboxThrottle({ ...PUBLISHED_LIMITS, concurrentRequests: 2 }, windows);
    const first = throttle.admit("app|mbx", 0, 0);
    const second = throttle.admit("app|mbx", 0, 0);
    expect(first.ok && second.ok).toBe(true);
    expect(throttle.admit("app|mbx", 0, 0)).toMatchObject({ ok: false, reason: "concurrency" });
    expect(throttle.admit("other|mbx", 0, 0).ok).toBe(true);
    if (first.ok) first.release();
    expect(throttle.admit("app|mbx", 0, 0).ok).toBe(true);
  });

  it("limits requests and upload bytes per window, with the wait in whole seconds", () => {
    const throttle = new MailboxThrottle(
      { ...PUBLISHED_LIMITS, requestsPerWindow: 3, uploadBytesPerWindow: 100 },
      windows,
    );
    for (let i = 0; i < 3; i += 1) {
      const admission = throttle.admit("a|m", 10, 0);
      if (admission.ok) admission.release();
    }
    expect(throttle.admit("a|m", 20, 0)).toEqual({ ok: false, reason: "requests", retryAfterSeconds: 1 });
    const upload = throttle.admit("a|n", 0, 60);
    if (upload.ok) upload.release();
    expect(throttle.admit("a|n", 0, 60)).toMatchObject({ ok: false, reason: "uploads" });
    expect(throttle.admit("a|n", 0, 40).ok).toBe(true);
  });
});

describe("delta paging", () => {
  const entries = (ids: readonly [number, string][]) =>
    ids.map(([sortKey, id]) => ({ sortKey, id, value: id }));

  it("pages by cursor, so entries leaving the round do not shift the others", () => {
    const round = entries([
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [4, "d"],
    ]);
    const first = deltaPage(round, undefined, 2);
    expect(first.page.map((entry) => entry.id)).toEqual(["a", "b"]);
    expect(first.last).toBe(false);
    // "a" changed again and left the round; "c" must still come next.
    const second = deltaPage(round.slice(1), first.cursor, 2);
    expect(second.page.map((entry) => entry.id)).toEqual(["c", "d"]);
    expect(second.last).toBe(true);
  });
});

describe("mailbox operations", () => {
  it("keeps paths, refuses cycles and removes a deleted subtree with its items", () => {
    const mailbox = createMailbox({
      id: "MBX:a@b",
      tenantId: "t",
      side: "source",
      ownerUpn: "a@b",
      kind: "primary",
    });
    const inbox = addFolder(mailbox, mailbox.rootId, "Inbox", "IPF.Note");
    const projects = addFolder(mailbox, inbox.id, "Projects", "IPF.Note");
    const alpha = addFolder(mailbox, projects.id, "Alpha", "IPF.Note");
    const item = addItem(mailbox, alpha.id, { itemClass: "IPM.Note", size: 10, receivedMs: 0, subject: "s" });
    expect(folderPath(mailbox, alpha.id)).toBe("Inbox/Projects/Alpha");
    expect(findFolderByPath(mailbox, "inbox/PROJECTS/alpha")?.id).toBe(alpha.id);
    expect(() => moveFolder(mailbox, projects.id, alpha.id)).toThrow(GraphApiError);
    expect(() => addFolder(mailbox, inbox.id, "projects", "IPF.Note")).toThrow(/already exists/);
    moveItem(mailbox, item.id, inbox.id);
    expect(alpha.itemTombstones.has(item.id)).toBe(true);
    moveItem(mailbox, item.id, alpha.id);
    const seqBefore = mailbox.seq;
    deleteFolder(mailbox, projects.id);
    expect(mailbox.items.has(item.id)).toBe(false);
    expect(mailbox.folders.has(alpha.id)).toBe(false);
    expect(mailbox.folderTombstones.get(alpha.id)).toBe(seqBefore + 1);
  });
});

describe("folder moves", () => {
  it("leave a move to the current parent alone and refuse cycles as invalid requests", () => {
    const mailbox = createMailbox({
      id: "MBX:c@d",
      tenantId: "t",
      side: "target",
      ownerUpn: "c@d",
      kind: "primary",
    });
    const inbox = addFolder(mailbox, mailbox.rootId, "Inbox", "IPF.Note");
    const child = addFolder(mailbox, inbox.id, "Child", "IPF.Note");
    const seq = mailbox.seq;
    expect(moveFolder(mailbox, child.id, inbox.id)).toBe(child);
    expect(moveFolder(mailbox, inbox.id, mailbox.rootId)).toBe(inbox);
    expect(mailbox.seq).toBe(seq);
    for (const destination of [inbox.id, child.id]) {
      try {
        moveFolder(mailbox, inbox.id, destination);
        expect.unreachable("a folder moved into its own subtree");
      } catch (error) {
        expect(error).toMatchObject({ status: 400, code: "ErrorInvalidRequest" });
      }
    }
    moveFolder(mailbox, child.id, mailbox.rootId);
    expect(folderPath(mailbox, child.id)).toBe("Child");
    expect(child.changedSeq).toBe(seq + 1);
  });
});

describe("seeded tenants", () => {
  const options: SeedOptions = {
    seed: 42,
    mailboxes: 30,
    itemsPerMailbox: 60,
    plantTrouble: true,
    anchorMs: Date.UTC(2026, 0, 1),
    maxItemBytes: 150 * MEGABYTE,
  };

  it("are the same for the same seed and differ for another", () => {
    const a = seedWorld(options);
    const b = seedWorld(options);
    expect(b.accounts).toEqual(a.accounts);
    expect(b.source.tenantId).toBe(a.source.tenantId);
    const firstItems = (world: typeof a): string[] =>
      [...world.source.mailboxes.values()].flatMap((mailbox) => [...mailbox.items.keys()]).slice(0, 50);
    expect(firstItems(b)).toEqual(firstItems(a));
    const c = seedWorld({ ...options, seed: 43 });
    expect(c.accounts).not.toEqual(a.accounts);
  });

  it("have long-tailed mailbox and item sizes, items spanning years, and every mailbox type", () => {
    const world = seedWorld(options);
    const counts = world.accounts.filter((entry) => entry.itemCount > 0).map((entry) => entry.itemCount);
    const sorted = [...counts].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const mean = counts.reduce((sum, value) => sum + value, 0) / counts.length;
    expect(mean).toBeGreaterThan(median);
    expect(Math.max(...counts)).toBeGreaterThan(2 * median);
    const items = [...world.source.mailboxes.values()].flatMap((mailbox) => [...mailbox.items.values()]);
    const years = new Set(items.map((item) => new Date(item.receivedMs).getUTCFullYear()));
    expect(years.size).toBeGreaterThanOrEqual(5);
    expect(new Set(items.map((item) => item.itemClass))).toEqual(
      new Set(["IPM.Note", "IPM.Appointment", "IPM.Contact", "IPM.Task"]),
    );
    const sizes = items.map((item) => item.size).sort((x, y) => x - y);
    expect(sizes[sizes.length - 1] ?? 0).toBeGreaterThan(20 * (sizes[Math.floor(sizes.length / 2)] ?? 0));
  });

  it("plant trouble as the inventory says, and none when asked not to", () => {
    const world = seedWorld(options);
    for (const account of world.accounts) {
      const sourceUser = world.source.usersByUpn.get(account.sourceUpn);
      const targetUser = world.target.usersByUpn.get(account.targetUpn);
      expect(sourceUser === undefined).toBe(account.expectation === "sourceUserMissing");
      expect(targetUser === undefined).toBe(account.expectation === "targetUserMissing");
      if (account.expectation === "noLicence") expect(targetUser?.primaryMailboxId).toBeUndefined();
      if (account.expectation === "archive") expect(sourceUser?.archiveMailboxId).toBeDefined();
      expect(account.unmovableItemCount > 0).toBe(
        account.expectation === "badItems" || account.expectation === "largeItems",
      );
    }
    const calm = seedWorld({ ...options, plantTrouble: false });
    expect(calm.accounts.every((account) => account.expectation === "ok")).toBe(true);
    const tiny = seedWorld({ ...options, mailboxes: 4 });
    expect(tiny.accounts.filter((account) => account.expectation !== "ok").length).toBeLessThanOrEqual(2);
  });
});

describe("theoretical ceiling", () => {
  const published = scaleWindows(PUBLISHED_LIMITS, 1);

  it("is bound by uploads for typical items under the published limits", () => {
    const ceiling = computeCeiling(
      PUBLISHED_LIMITS,
      published,
      { perRequestMs: 0, perMegabyteMs: 0 },
      60_000,
    );
    const expectedItems = (150 * MEGABYTE) / 300 / importBodyBytes(60_000);
    expect(ceiling.limitedBy).toBe("uploads");
    expect(ceiling.itemsPerSecond).toBeCloseTo(expectedItems, 6);
    expect(ceiling.megabytesPerSecond).toBeCloseTo((expectedItems * 60_000) / MEGABYTE, 6);
  });

  it("is bound by the request budget for tiny items and by concurrency under heavy latency", () => {
    const tiny = computeCeiling(PUBLISHED_LIMITS, published, { perRequestMs: 0, perMegabyteMs: 0 }, 500);
    expect(tiny.limitedBy).toBe("requests");
    expect(tiny.itemsPerSecond).toBeCloseTo(10_000 / 600, 6);
    const slow = computeCeiling(PUBLISHED_LIMITS, published, { perRequestMs: 2000, perMegabyteMs: 0 }, 500);
    expect(slow).toMatchObject({ limitedBy: "concurrency", itemsPerSecond: 2 });
  });
});

describe("seeded random numbers", () => {
  it("repeat for a seed and forks are independent of later use", () => {
    const a = new Random(7);
    const b = new Random(7);
    expect([a.next(), a.next(), a.int(1, 6)]).toEqual([b.next(), b.next(), b.int(1, 6)]);
    const forkNow = new Random(9).fork("x").next();
    const used = new Random(9);
    const forkLater = used.fork("x").next();
    used.next();
    expect(forkLater).toBe(forkNow);
  });
});
