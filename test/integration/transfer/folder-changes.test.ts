/**
 * The engine following the source's folder tree between passes, against the Graph simulator: a
 * folder deleted to Deleted Items and created again under its old name, then Deleted Items
 * emptied. Each copy must stay with its own source folder, and nothing may be lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSimulator, type GraphSimulator } from "../../../local/graph/index.js";
import { readGraphSettings } from "../../../shared/config/graph.js";
import { closeGraphTransports } from "../../../shared/graph/client.js";
import { MailboxGovernor, PUBLISHED_LIMITS } from "../../../shared/graph/governor.js";
import { createMailboxApi } from "../../../shared/runtime/create.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { runTransferSlice, type SliceRequest } from "../../../shared/transfer/engine.js";
import type { MailboxApi } from "../../../shared/transfer/mailbox-api.js";
import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";

describe("following the source's folder tree", () => {
  let graph: GraphSimulator;
  let source: MailboxApi;
  let target: MailboxApi;

  beforeAll(async () => {
    graph = await startGraphSimulator({
      mailboxes: 2,
      itemsPerMailbox: 8,
      seed: 13,
      plantTrouble: false,
      logger: silentLogger,
    });
    const settings = readGraphSettings(graph.settings());
    source = createMailboxApi(settings.source);
    target = createMailboxApi(settings.target);
  });

  afterAll(async () => {
    await graph.close();
    await closeGraphTransports();
  });

  it("keeps a re-created folder apart from the deleted one, and loses nothing when that is emptied", async () => {
    const [entry] = graph.inventory();
    if (!entry) throw new Error("no account");
    const upn = entry.sourceUpn;
    const [sourceUser, targetUser] = [await source.findUser(upn), await target.findUser(entry.targetUpn)];
    const sourceIds = sourceUser && (await source.mailboxIds(sourceUser.id, false));
    const targetIds = targetUser && (await target.mailboxIds(targetUser.id, false));
    if (!sourceIds || !targetIds) throw new Error("no mailboxes");
    const state = new InMemoryTransferState();
    const pass = async (round: number): Promise<void> => {
      const request: SliceRequest = {
        source: {
          api: source,
          mailboxId: sourceIds.primaryMailboxId,
          governor: new MailboxGovernor(PUBLISHED_LIMITS),
        },
        target: {
          api: target,
          mailboxId: targetIds.primaryMailboxId,
          governor: new MailboxGovernor(PUBLISHED_LIMITS),
        },
        key: upn,
        state,
        deadline: Date.now() + 30_000,
        round,
        mirrorDeletions: true,
        largeItemBytes: 150 * 1024 * 1024,
        logger: silentLogger,
      };
      let outcome = await runTransferSlice(request);
      while (outcome.kind !== "done")
        outcome = await runTransferSlice({ ...request, deadline: Date.now() + 30_000 });
    };
    graph.mutate.addFolder(upn, "", "Receipts");
    graph.mutate.addItem(upn, "Receipts", { subject: "old receipt" });
    await pass(0);
    expect(graph.inspect(upn, entry.targetUpn).ok).toBe(true);

    graph.mutate.moveFolder(upn, "Receipts", "Deleted Items");
    graph.mutate.addFolder(upn, "", "Receipts");
    graph.mutate.addItem(upn, "Receipts", { subject: "new receipt" });
    await pass(1);
    const moved = graph.inspect(upn, entry.targetUpn);
    expect({ ok: moved.ok, folders: moved.folderMismatches, altered: moved.altered }).toEqual({
      ok: true,
      folders: [],
      altered: [],
    });

    graph.mutate.deleteFolder(upn, "Deleted Items/Receipts");
    await pass(2);
    const emptied = graph.inspect(upn, entry.targetUpn);
    expect({ ok: emptied.ok, missing: emptied.missing, extra: emptied.extra }).toEqual({
      ok: true,
      missing: [],
      extra: [],
    });
  });
});
