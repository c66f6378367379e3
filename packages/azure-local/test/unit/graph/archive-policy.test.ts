import { describe, expect, it } from "vitest";
import { resolveArchivePolicy } from "../../../src/graph/archivePolicy.js";
import { SimulatorInputError } from "../../../src/graph/errors.js";
import { compareFolders, pathsOf } from "../../../src/graph/inspectFolders.js";
import { addFolder, createMailbox, findFolderByPath } from "../../../src/graph/model/mailbox.js";
import type { FolderClass, Mailbox } from "../../../src/graph/model/types.js";
import { MEGABYTE } from "../../../src/graph/options.js";
import { type SeedOptions, seedWorld } from "../../../src/graph/seed/tenant.js";

const iso = (ms: number): string => new Date(ms).toISOString();

/** The simulator's own cutoff `months` before `nowMs`, as the inspection applies it. */
function cutoff(nowMs: number, months: number): number {
  const policy = resolveArchivePolicy({ includeArchive: true, archiveAgeMonths: months, now: nowMs });
  if (!policy) throw new Error("no policy resolved");
  return policy.cutoffMs;
}

describe("archive age cutoff", () => {
  it("counts back calendar months, across years, keeping the time of day", () => {
    expect(iso(cutoff(Date.UTC(2026, 0, 1), 24))).toBe("2024-01-01T00:00:00.000Z");
    expect(iso(cutoff(Date.UTC(2026, 1, 15, 13, 14, 15, 16), 3))).toBe("2025-11-15T13:14:15.016Z");
    expect(iso(cutoff(Date.UTC(2025, 6, 10), 0))).toBe("2025-07-10T00:00:00.000Z");
    expect(iso(cutoff(Date.UTC(2025, 6, 10), 120))).toBe("2015-07-10T00:00:00.000Z");
  });

  it("clamps to the last day of a shorter month instead of spilling into the next", () => {
    expect(iso(cutoff(Date.UTC(2025, 2, 31), 1))).toBe("2025-02-28T00:00:00.000Z");
    expect(iso(cutoff(Date.UTC(2024, 2, 31), 1))).toBe("2024-02-29T00:00:00.000Z");
    expect(iso(cutoff(Date.UTC(2025, 4, 31), 1))).toBe("2025-04-30T00:00:00.000Z");
    expect(iso(cutoff(Date.UTC(2026, 2, 29), 25))).toBe("2024-02-29T00:00:00.000Z");
  });

  it("resolves only with includeArchive and a whole number of months, from now or the given time", () => {
    expect(resolveArchivePolicy({ includeArchive: true })).toBeUndefined();
    expect(
      resolveArchivePolicy({
        includeArchive: true,
        archiveAgeMonths: 6,
        now: new Date(Date.UTC(2025, 5, 30)),
      }),
    ).toEqual({
      months: 6,
      cutoffMs: Date.UTC(2024, 11, 30),
    });
    const before = Date.now();
    const fromNow = resolveArchivePolicy({ includeArchive: true, archiveAgeMonths: 0 });
    expect(fromNow?.cutoffMs).toBeGreaterThanOrEqual(before);
    expect(fromNow?.cutoffMs).toBeLessThanOrEqual(Date.now());
    for (const bad of [
      { includeArchive: true, archiveAgeMonths: -1 },
      { includeArchive: true, archiveAgeMonths: 2.5 },
      { includeArchive: true, archiveAgeMonths: Number.NaN },
      { includeArchive: true, archiveAgeMonths: 3, now: Number.NaN },
      { includeArchive: false, archiveAgeMonths: 3 },
      { archiveAgeMonths: 3 },
    ]) {
      expect(() => resolveArchivePolicy(bad)).toThrow(SimulatorInputError);
    }
  });
});

/** A mailbox with these folders, parents listed before their children. */
function mailboxWith(
  kind: "primary" | "archive",
  folders: readonly (readonly [string, FolderClass])[],
): Mailbox {
  const mailbox = createMailbox({
    id: `MBX:${kind}@t`,
    tenantId: "t",
    side: "target",
    ownerUpn: "a@t",
    kind,
  });
  for (const [path, folderClass] of folders) {
    const cut = path.lastIndexOf("/");
    const parent = cut < 0 ? undefined : findFolderByPath(mailbox, path.slice(0, cut));
    addFolder(mailbox, parent?.id ?? mailbox.rootId, path.slice(cut + 1), folderClass);
  }
  return mailbox;
}

describe("folder comparison with policy folders", () => {
  const sourceArchive = mailboxWith("archive", [
    ["Inbox", "IPF.Note"],
    ["Inbox/2019", "IPF.Note"],
  ]);
  const sourcePrimary = mailboxWith("primary", [
    ["Inbox", "IPF.Note"],
    ["Inbox/Projects", "IPF.Note"],
    ["Calendar", "IPF.Appointment"],
  ]);

  it("requires the source archive's paths and accepts source primary paths with their types", () => {
    const required = pathsOf(sourceArchive);
    const allowed = new Map([...pathsOf(sourcePrimary), ...required]);
    const good = mailboxWith("archive", [
      ["Inbox", "IPF.Note"],
      ["Inbox/2019", "IPF.Note"],
      ["Inbox/Projects", "IPF.Note"],
      ["Calendar", "IPF.Appointment"],
    ]);
    expect(compareFolders(required, allowed, pathsOf(good), "archive:")).toEqual([]);

    const bad = mailboxWith("archive", [
      ["Inbox", "IPF.Note"],
      ["Calendar", "IPF.Note"],
      ["Stray", "IPF.Note"],
    ]);
    expect(compareFolders(required, allowed, pathsOf(bad), "archive:")).toEqual([
      { path: "archive:Inbox/2019", problem: "missingInTarget" },
      {
        path: "archive:Calendar",
        problem: "typeDiffers",
        sourceType: "IPF.Appointment",
        targetType: "IPF.Note",
      },
      { path: "archive:Stray", problem: "extraInTarget" },
    ]);
    // Without the policy the primary's paths are extra in the archive.
    expect(compareFolders(required, required, pathsOf(good), "archive:").map((m) => m.path)).toEqual([
      "archive:Inbox/Projects",
      "archive:Calendar",
    ]);
  });
});

describe("seeding an archive for every target", () => {
  const options: SeedOptions = {
    seed: 42,
    mailboxes: 30,
    itemsPerMailbox: 20,
    plantTrouble: true,
    anchorMs: Date.UTC(2026, 0, 1),
    maxItemBytes: 150 * MEGABYTE,
  };

  it("leaves the default seed as it was and changes nothing but the target archives", () => {
    const plain = seedWorld(options);
    const explicit = seedWorld({ ...options, archiveAllTargets: false });
    const archived = seedWorld({ ...options, archiveAllTargets: true });
    for (const world of [explicit, archived]) {
      expect(world.accounts).toEqual(plain.accounts);
      expect([...world.source.mailboxes.keys()]).toEqual([...plain.source.mailboxes.keys()]);
      const items = (mailboxes: ReadonlyMap<string, Mailbox>): string[] =>
        [...mailboxes.values()].flatMap((mailbox) => [...mailbox.items.keys()]);
      expect(items(world.source.mailboxes)).toEqual(items(plain.source.mailboxes));
      expect([...world.target.users.keys()]).toEqual([...plain.target.users.keys()]);
      for (const user of world.target.users.values()) {
        expect(user.primaryMailboxId).toBe(plain.target.users.get(user.id)?.primaryMailboxId);
      }
    }
    const archiveOwners = (world: typeof plain): number =>
      [...world.target.users.values()].filter((user) => user.archiveMailboxId !== undefined).length;
    expect(archiveOwners(explicit)).toBe(archiveOwners(plain));
    expect(archiveOwners(plain)).toBe(
      plain.accounts.filter((entry) => entry.expectation === "archive").length,
    );
  });

  it("gives every licensed target user an archive, and the unlicensed one on their licence", () => {
    const world = seedWorld({ ...options, archiveAllTargets: true });
    for (const user of world.target.users.values()) {
      expect(user.archiveMailboxId !== undefined).toBe(user.assignedLicenses.length > 0);
      expect(user.wantsArchive).toBe(true);
    }
    expect([...world.target.users.values()].some((user) => user.assignedLicenses.length === 0)).toBe(true);
    for (const user of world.source.users.values()) {
      const account = world.accounts.find((entry) => entry.sourceUpn === user.userPrincipalName);
      expect(user.archiveMailboxId !== undefined).toBe(account?.expectation === "archive");
    }
  });
});
