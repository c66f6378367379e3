import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphSimulator,
  type SimulatedAccount,
  SimulatorInputError,
  startGraphSimulator,
} from "@mailferry/azure-local/graph";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { type CopiedItem, copyMailbox } from "./copying.js";
import { clientFor, mailboxIds, rawCall, planted } from "./helpers.js";

/** The policy under test: mail older than 24 months, counted back from the seed's last day. */
const NOW = Date.UTC(2026, 0, 1);
const CUTOFF = Date.UTC(2024, 0, 1);
const POLICY = { includeArchive: true, archiveAgeMonths: 24, now: NOW } as const;

const CUTOFF_ISO = new Date(CUTOFF).toISOString();

describe("Graph simulator: archives for every target and the archive age policy", () => {
  let simulator: GraphSimulator;
  let accounts: readonly SimulatedAccount[];
  const account = (expectation: SimulatedAccount["expectation"], index = 0): SimulatedAccount =>
    planted(accounts, expectation, index);
  const idsOf = async (upn: string, side: "source" | "target") =>
    mailboxIds(clientFor(simulator, side, { version: "beta" }), upn);
  const archivedIds = (copies: ReadonlyMap<string, CopiedItem>, archiveId: string): string[] =>
    [...copies].filter(([, copy]) => copy.targetMailboxId === archiveId).map(([id]) => id);

  beforeAll(async () => {
    simulator = await startGraphSimulator({
      mailboxes: 12,
      itemsPerMailbox: 30,
      seed: 23,
      archiveAllTargets: true,
      logger: silentLogger,
    });
    accounts = simulator.inventory();
  });

  afterAll(async () => {
    await simulator.close();
  });

  it("gives every licensed target user an archive, and an unlicensed one on licence assignment", async () => {
    const licensed = accounts.filter(
      (entry) => entry.expectation !== "targetUserMissing" && entry.expectation !== "noLicence",
    );
    for (const { sourceUpn, targetUpn, expectation } of licensed) {
      const target = await idsOf(targetUpn, "target");
      expect(target.inPlaceArchiveMailboxId).toMatch(/^MBX:/);
      if (expectation === "sourceUserMissing") continue;
      // The source tenant is as seeded: only "archive" accounts have one there.
      const source = await idsOf(sourceUpn, "source");
      expect(source.inPlaceArchiveMailboxId !== null).toBe(expectation === "archive");
    }
    expect((await idsOf(simulator.target.serviceUpn, "target")).inPlaceArchiveMailboxId).toMatch(/^MBX:/);

    const { targetUpn } = account("noLicence");
    const target = clientFor(simulator, "target");
    const skus = (await target.api("/subscribedSkus").get()) as { value: { skuId: string }[] };
    await target
      .api(`/users/${targetUpn}/assignLicense`)
      .post({ addLicenses: [{ skuId: skus.value[0]?.skuId, disabledPlans: [] }], removeLicenses: [] });
    expect((await idsOf(targetUpn, "target")).inPlaceArchiveMailboxId).toMatch(/^MBX:/);
  });

  it("expects mail older than the cutoff in the target archive, in the same folder path", async () => {
    const { sourceUpn, targetUpn } = account("ok");
    // Items the seed may not have: old mail in a nested folder and the calendar, and one on the cutoff.
    simulator.mutate.addFolder(sourceUpn, "Inbox", "Old Projects");
    simulator.mutate.addItem(sourceUpn, "Inbox/Old Projects", { receivedDateTime: "2018-03-04T05:06:07Z" });
    simulator.mutate.addItem(sourceUpn, "Calendar", { receivedDateTime: "2019-01-01T00:00:00Z" });
    const onCutoff = simulator.mutate.addItem(sourceUpn, "Inbox", { receivedDateTime: new Date(CUTOFF) });
    const lastYear = simulator.mutate.addItem(sourceUpn, "Inbox", {
      receivedDateTime: "2024-06-01T00:00:00Z",
    });
    const source = await idsOf(sourceUpn, "source");
    const target = await idsOf(targetUpn, "target");
    const archiveId = target.inPlaceArchiveMailboxId ?? "";
    const result = await copyMailbox(simulator, source.primaryMailboxId, target.primaryMailboxId, {
      cutoff: CUTOFF_ISO,
      destinationFor: (_item, _path, young) => (young ? undefined : archiveId),
    });
    const archived = archivedIds(result.copies, archiveId);
    expect(archived.length).toBeGreaterThan(2);
    expect(archived.length).toBeLessThan(result.copies.size);
    expect(result.copies.get(onCutoff)?.targetMailboxId).toBe(target.primaryMailboxId);

    const report = simulator.inspect(sourceUpn, targetUpn, POLICY);
    expect(report).toMatchObject({ ok: true, missing: [], extra: [], altered: [], folderMismatches: [] });
    expect(report.compared.items).toBe(result.copies.size);

    // Without the policy the archived copies are not where a plain copy puts them.
    const plain = simulator.inspect(sourceUpn, targetUpn, { includeArchive: true });
    expect(plain.missing.map((entry) => entry.sourceItemId).sort()).toEqual(archived.sort());
    expect(simulator.inspect(sourceUpn, targetUpn).missing).toHaveLength(archived.length);

    // A year later, last year's mail is old too: its copy in the primary is now misplaced.
    const later = simulator.inspect(sourceUpn, targetUpn, { ...POLICY, now: new Date(Date.UTC(2027, 0, 1)) });
    expect(later.ok).toBe(false);
    expect(later.altered.map((entry) => entry.sourceItemId)).toContain(lastYear);
    expect(later.altered.find((entry) => entry.sourceItemId === lastYear)).toMatchObject({
      folderPath: "Inbox",
      expectedIn: "archive:Inbox",
    });

    const query = (extra: string): string =>
      `/_simulator/inspect?source=${encodeURIComponent(sourceUpn)}&target=${encodeURIComponent(targetUpn)}${extra}`;
    const overHttp = await rawCall(
      simulator,
      query("&includeArchive=true&archiveAgeMonths=24&now=2026-01-01T00:00:00Z"),
    );
    expect(overHttp.status).toBe(200);
    expect(overHttp.json).toMatchObject({ ok: true, compared: { items: result.copies.size } });
    for (const bad of [
      "&includeArchive=true&archiveAgeMonths=soon",
      "&includeArchive=true&archiveAgeMonths=",
      "&includeArchive=true&archiveAgeMonths=-1",
      "&includeArchive=true&archiveAgeMonths=24&now=yesterday",
      "&archiveAgeMonths=24",
    ]) {
      const refused = await rawCall(simulator, query(bad));
      expect([bad, refused.status]).toEqual([bad, 400]);
    }
    expect(() => simulator.inspect(sourceUpn, targetUpn, { ...POLICY, archiveAgeMonths: 1.5 })).toThrow(
      SimulatorInputError,
    );
  });

  it("reports mail copied into the wrong mailbox, with the received time and the cutoff", async () => {
    const { sourceUpn, targetUpn } = account("ok", 1);
    const old = simulator.mutate.addItem(sourceUpn, "Inbox", { receivedDateTime: "2019-07-08T09:10:11Z" });
    const young = simulator.mutate.addItem(sourceUpn, "Inbox", { receivedDateTime: "2025-06-07T08:09:10Z" });
    const source = await idsOf(sourceUpn, "source");
    const target = await idsOf(targetUpn, "target");
    const archiveId = target.inPlaceArchiveMailboxId ?? "";
    await copyMailbox(simulator, source.primaryMailboxId, target.primaryMailboxId, {
      cutoff: CUTOFF_ISO,
      // Right for every item but these two, which are swapped.
      destinationFor: (item, _path, recent) =>
        (item.id === young || !recent) && item.id !== old ? archiveId : undefined,
    });
    simulator.mutate.addFolder(targetUpn, "archive:", "Stray");

    const report = simulator.inspect(sourceUpn, targetUpn, POLICY);
    expect(report).toMatchObject({ ok: false, missing: [], duplicated: [], extra: [] });
    expect(report.folderMismatches).toEqual([{ path: "archive:Stray", problem: "extraInTarget" }]);
    const byId = new Map(report.altered.map((entry) => [entry.sourceItemId, entry]));
    expect([...byId.keys()].sort()).toEqual([old, young].sort());
    expect(byId.get(old)).toMatchObject({ folderPath: "Inbox", expectedIn: "archive:Inbox" });
    expect(byId.get(old)?.reason).toBe(
      "copy is in the target primary mailbox at Inbox but belongs in archive:Inbox: received " +
        "2019-07-08T09:10:11.000Z, before the 24-month archive cutoff 2024-01-01T00:00:00.000Z",
    );
    expect(byId.get(young)).not.toHaveProperty("expectedIn");
    expect(byId.get(young)?.reason).toBe(
      "copy is in the target archive at archive:Inbox but belongs in Inbox: received " +
        "2025-06-07T08:09:10.000Z, not before the 24-month archive cutoff 2024-01-01T00:00:00.000Z",
    );
  });

  it("applies the policy to the primary alongside a copied source archive", async () => {
    const { sourceUpn, targetUpn, archiveItemCount } = account("archive");
    const source = await idsOf(sourceUpn, "source");
    const target = await idsOf(targetUpn, "target");
    const archiveId = target.inPlaceArchiveMailboxId ?? "";
    const primary = await copyMailbox(simulator, source.primaryMailboxId, target.primaryMailboxId, {
      cutoff: CUTOFF_ISO,
      destinationFor: (_item, _path, young) => (young ? undefined : archiveId),
    });
    const archive = await copyMailbox(simulator, source.inPlaceArchiveMailboxId ?? "", archiveId);
    expect(archive.copies.size).toBe(archiveItemCount);
    const fromPrimary = archivedIds(primary.copies, archiveId);
    expect(fromPrimary.length).toBeGreaterThan(0);

    const report = simulator.inspect(sourceUpn, targetUpn, POLICY);
    expect(report).toMatchObject({ ok: true, folderMismatches: [], altered: [] });
    expect(report.compared.items).toBe(primary.copies.size + archiveItemCount);

    // Without the policy, primary mail in the target archive is in the wrong mailbox.
    const plain = simulator.inspect(sourceUpn, targetUpn, { includeArchive: true });
    expect(plain.ok).toBe(false);
    expect(plain.altered.map((entry) => entry.sourceItemId).sort()).toEqual(fromPrimary.sort());
    expect(plain.altered[0]?.reason).toMatch(
      /^copy is in the target archive at archive:.* the source primary mailbox$/,
    );
  });
});
