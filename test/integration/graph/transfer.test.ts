import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphSimulator,
  type SimulatedAccount,
  startGraphSimulator,
} from "@mailferry/azure-local/graph";
import { createImportPoster } from "../../../shared/graph/client.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { copyMailbox, errorCode, exportBatch } from "./copying.js";
import {
  clientFor,
  itemPages,
  folderTree,
  graphError,
  mailboxIds,
  mailboxPath,
  rawCall,
  planted,
} from "./helpers.js";

describe("Graph simulator: export, import and inspection", () => {
  let simulator: GraphSimulator;
  let accounts: readonly SimulatedAccount[];
  const account = (expectation: SimulatedAccount["expectation"], index = 0): SimulatedAccount =>
    planted(accounts, expectation, index);
  const idsOf = async (upn: string, side: "source" | "target") =>
    mailboxIds(clientFor(simulator, side, { version: "beta" }), upn);

  beforeAll(async () => {
    simulator = await startGraphSimulator({
      mailboxes: 12,
      itemsPerMailbox: 30,
      seed: 5,
      logger: silentLogger,
    });
    accounts = simulator.inventory();
  });

  afterAll(async () => {
    await simulator.close();
  });

  it("copies a mailbox faithfully: the inspection finds every item exactly once", async () => {
    const { sourceUpn, targetUpn, itemCount } = account("ok");
    const result = await copyMailbox(
      simulator,
      (await idsOf(sourceUpn, "source")).primaryMailboxId,
      (await idsOf(targetUpn, "target")).primaryMailboxId,
    );
    expect(result.exportErrors).toEqual([]);
    expect(result.importErrors).toEqual([]);
    expect(result.copies.size).toBe(itemCount);
    const report = simulator.inspect(sourceUpn, targetUpn);
    expect(report).toMatchObject({
      ok: true,
      missing: [],
      duplicated: [],
      extra: [],
      altered: [],
      folderMismatches: [],
    });
    expect(report.compared.items).toBe(itemCount);
    const target = simulator.counters().mailboxes.find((entry) => entry.upn === targetUpn);
    expect(target?.itemsImported).toBe(itemCount);
    expect(target?.bytesUploaded).toBeGreaterThan(0);
  });

  it("copies the in-place archive too when asked", async () => {
    const { sourceUpn, targetUpn, archiveItemCount } = account("archive");
    const sourceIds = await idsOf(sourceUpn, "source");
    const targetIds = await idsOf(targetUpn, "target");
    await copyMailbox(simulator, sourceIds.primaryMailboxId, targetIds.primaryMailboxId);
    expect(simulator.inspect(sourceUpn, targetUpn).ok).toBe(true);
    expect(simulator.inspect(sourceUpn, targetUpn, { includeArchive: true }).ok).toBe(false);
    const archived = await copyMailbox(
      simulator,
      sourceIds.inPlaceArchiveMailboxId ?? "",
      targetIds.inPlaceArchiveMailboxId ?? "",
    );
    expect(archived.copies.size).toBe(archiveItemCount);
    expect(simulator.inspect(sourceUpn, targetUpn, { includeArchive: true }).ok).toBe(true);
  });

  it("returns per-item errors for bad items on export and import, and too-large items", async () => {
    const bad = account("badItems");
    const badResult = await copyMailbox(
      simulator,
      (await idsOf(bad.sourceUpn, "source")).primaryMailboxId,
      (await idsOf(bad.targetUpn, "target")).primaryMailboxId,
    );
    expect(badResult.exportErrors.length).toBeGreaterThan(0);
    expect(badResult.exportErrors.every((error) => error.code === "ErrorCorruptData")).toBe(true);
    expect(badResult.importErrors.length).toBeGreaterThan(0);
    expect(
      badResult.importErrors.every((error) => error.status === 400 && error.code === "ErrorCorruptData"),
    ).toBe(true);
    const badReport = simulator.inspect(bad.sourceUpn, bad.targetUpn);
    expect(badReport.ok).toBe(true);
    expect(badReport.unmovable).toHaveLength(bad.unmovableItemCount);

    const large = account("largeItems");
    const largeResult = await copyMailbox(
      simulator,
      (await idsOf(large.sourceUpn, "source")).primaryMailboxId,
      (await idsOf(large.targetUpn, "target")).primaryMailboxId,
    );
    expect(largeResult.exportErrors.map((error) => error.code)).toEqual(
      Array.from({ length: large.unmovableItemCount }, () => "ErrorMessageSizeExceeded"),
    );
    expect(simulator.inspect(large.sourceUpn, large.targetUpn).ok).toBe(true);
  });

  it("finds missing, duplicated, altered and extra items and stray folders in a deliberately broken copy", async () => {
    const { sourceUpn, targetUpn } = account("ok", 1);
    const other = account("ok", 2);
    const sourceMailboxId = (await idsOf(sourceUpn, "source")).primaryMailboxId;
    const targetMailboxId = (await idsOf(targetUpn, "target")).primaryMailboxId;
    const result = await copyMailbox(simulator, sourceMailboxId, targetMailboxId);
    expect(simulator.inspect(sourceUpn, targetUpn).ok).toBe(true);

    const [lost, twice, stale] = [...result.copies.entries()];
    if (!lost || !twice || !stale) throw new Error("the mailbox is too small for this test");
    simulator.mutate.deleteItem(targetUpn, lost[1].itemId);
    const source = clientFor(simulator, "source");
    const post = createImportPoster({ caCertPem: simulator.caCertPem });
    const session = (await clientFor(simulator, "target")
      .api(`${mailboxPath(targetMailboxId)}/createImportSession`)
      .post({})) as { importUrl: string };
    const [again] = await exportBatch(source, sourceMailboxId, [twice[0]]);
    const duplicate = await post(
      session.importUrl,
      JSON.stringify({ FolderId: twice[1].targetFolderId, Mode: "create", Data: again?.data }),
    );
    expect(duplicate.status).toBe(200);
    simulator.mutate.updateItem(sourceUpn, stale[0]);
    const otherMailboxId = (await idsOf(other.sourceUpn, "source")).primaryMailboxId;
    const otherInbox = (await folderTree(source, otherMailboxId)).get("Inbox");
    const otherItems = await itemPages(
      source,
      `${mailboxPath(otherMailboxId)}/folders/${otherInbox?.id ?? ""}/items`,
    );
    const [foreign] = await exportBatch(source, otherMailboxId, [otherItems.values[0]?.id ?? ""]);
    const stray = await post(
      session.importUrl,
      JSON.stringify({ FolderId: twice[1].targetFolderId, Mode: "create", Data: foreign?.data }),
    );
    expect(stray.status).toBe(200);
    simulator.mutate.addFolder(targetUpn, "", "Stray Folder");

    const report = simulator.inspect(sourceUpn, targetUpn);
    expect(report.ok).toBe(false);
    expect(report.missing.map((entry) => entry.sourceItemId)).toEqual([lost[0]]);
    expect(report.duplicated.map((entry) => entry.sourceItemId)).toEqual([twice[0]]);
    expect(report.duplicated[0]?.targetItemIds).toHaveLength(2);
    expect(report.altered.map((entry) => entry.sourceItemId)).toEqual([stale[0]]);
    expect(report.altered[0]?.reason).toMatch(/version 1, the source is at version 2/);
    expect(report.extra.map((entry) => entry.targetItemIds?.[0])).toEqual([
      (JSON.parse(stray.text) as { itemId: string }).itemId,
    ]);
    expect(report.folderMismatches).toEqual([{ path: "Stray Folder", problem: "extraInTarget" }]);

    // The HTTP inspection interface reports the same.
    const overHttp = await rawCall(
      simulator,
      `/_simulator/inspect?source=${encodeURIComponent(sourceUpn)}&target=${encodeURIComponent(targetUpn)}`,
    );
    expect(overHttp.status).toBe(200);
    expect(overHttp.json).toMatchObject({ ok: false, missing: [{ sourceItemId: lost[0] }] });

    // An update import with the current change key repairs the stale copy; a stale key is refused.
    const [fresh] = await exportBatch(source, sourceMailboxId, [stale[0]]);
    const update = {
      FolderId: stale[1].targetFolderId,
      Mode: "update",
      Data: fresh?.data,
      ItemId: stale[1].itemId,
    };
    const conflict = await post(session.importUrl, JSON.stringify({ ...update, ChangeKey: "CQAAABstale" }));
    expect(conflict.status).toBe(409);
    const repaired = await post(
      session.importUrl,
      JSON.stringify({ ...update, ChangeKey: stale[1].changeKey }),
    );
    expect(repaired.status).toBe(200);
    expect(simulator.inspect(sourceUpn, targetUpn).altered).toEqual([]);
  });

  it("enforces exportItems' 20-id limit and accepts only untampered data without an Authorization header", async () => {
    const { sourceUpn, targetUpn } = account("ok", 3);
    const source = clientFor(simulator, "source");
    const sourceMailboxId = (await idsOf(sourceUpn, "source")).primaryMailboxId;
    const targetMailboxId = (await idsOf(targetUpn, "target")).primaryMailboxId;
    const tooMany = await graphError(
      source
        .api(`${mailboxPath(sourceMailboxId)}/exportItems`)
        .post({ itemIds: Array.from({ length: 21 }, (_, index) => `id${index}`) }),
    );
    expect(tooMany.statusCode).toBe(400);

    const inbox = (await folderTree(source, sourceMailboxId)).get("Inbox");
    const items = await itemPages(source, `${mailboxPath(sourceMailboxId)}/folders/${inbox?.id ?? ""}/items`);
    const [exported, unknown] = await exportBatch(source, sourceMailboxId, [
      items.values[0]?.id ?? "",
      "AAMkAGnope",
    ]);
    expect(unknown?.error?.code).toBe("ErrorItemNotFound");
    const targetInbox = (await folderTree(clientFor(simulator, "target"), targetMailboxId)).get("Inbox");
    const session = (await clientFor(simulator, "target")
      .api(`${mailboxPath(targetMailboxId)}/createImportSession`)
      .post({})) as { importUrl: string; expirationDateTime: string };
    expect(Date.parse(session.expirationDateTime)).toBeGreaterThan(Date.now());
    const bytes = Buffer.from(exported?.data ?? "", "base64");
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    const post = createImportPoster({ caCertPem: simulator.caCertPem });
    const tampered = await post(
      session.importUrl,
      JSON.stringify({ FolderId: targetInbox?.id, Mode: "create", Data: bytes.toString("base64") }),
    );
    expect(tampered.status).toBe(400);
    expect(errorCode(tampered)).toBe("ErrorInvalidImportData");

    const path = session.importUrl.slice(simulator.baseUrl.length);
    const withToken = await rawCall(simulator, path, {
      method: "POST",
      headers: { Authorization: "Bearer something", "Content-Type": "application/json" },
      body: JSON.stringify({ FolderId: targetInbox?.id, Mode: "create", Data: exported?.data }),
    });
    expect(withToken.status).toBe(400);
    const forged = await post(
      session.importUrl.replace(/authtoken=[^&]+/, "authtoken=forged"),
      JSON.stringify({ FolderId: targetInbox?.id, Mode: "create", Data: exported?.data }),
    );
    expect(forged.status).toBe(401);
  });
});

describe("Graph simulator: import session lifetime", () => {
  it("refuses an import URL after it expires", async () => {
    const simulator = await startGraphSimulator({
      mailboxes: 1,
      itemsPerMailbox: 5,
      plantTrouble: false,
      importSessionSeconds: 0.5,
      logger: silentLogger,
    });
    try {
      const [entry] = simulator.inventory();
      const source = clientFor(simulator, "source");
      const target = clientFor(simulator, "target");
      const sourceMailboxId = (await mailboxIds(source, entry?.sourceUpn ?? "")).primaryMailboxId;
      const targetMailboxId = (await mailboxIds(target, entry?.targetUpn ?? "")).primaryMailboxId;
      const inbox = (await folderTree(source, sourceMailboxId)).get("Inbox");
      const targetInbox = (await folderTree(target, targetMailboxId)).get("Inbox");
      const items = await itemPages(
        source,
        `${mailboxPath(sourceMailboxId)}/folders/${inbox?.id ?? ""}/items`,
      );
      const [exported] = await exportBatch(source, sourceMailboxId, [items.values[0]?.id ?? ""]);
      const session = (await target.api(`${mailboxPath(targetMailboxId)}/createImportSession`).post({})) as {
        importUrl: string;
      };
      await sleep(700);
      const post = createImportPoster({ caCertPem: simulator.caCertPem });
      const reply = await post(
        session.importUrl,
        JSON.stringify({ FolderId: targetInbox?.id, Mode: "create", Data: exported?.data }),
      );
      expect(reply.status).toBe(401);
      expect(reply.text).toMatch(/expired/);
    } finally {
      await simulator.close();
    }
  });
});
