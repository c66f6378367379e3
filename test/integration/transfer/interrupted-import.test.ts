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

/**
 * A process that dies after an import reached the target but before the engine recorded it is
 * reproduced exactly: the item is imported by hand, and the engine then runs to the end.
 */
describe("an import interrupted before it was recorded", () => {
  let graph: GraphSimulator;
  let source: MailboxApi;
  let target: MailboxApi;

  beforeAll(async () => {
    graph = await startGraphSimulator({
      mailboxes: 4,
      itemsPerMailbox: 20,
      seed: 9,
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

  async function scenario(
    index: number,
    writeIntent: boolean,
  ): Promise<{ duplicated: number; missing: number }> {
    const entry = [...graph.inventory()].sort((a, b) => b.itemCount - a.itemCount)[index];
    if (!entry) throw new Error("no account");
    const governor = (): MailboxGovernor => new MailboxGovernor(PUBLISHED_LIMITS);
    const [sourceUser, targetUser] = [
      await source.findUser(entry.sourceUpn),
      await target.findUser(entry.targetUpn),
    ];
    const sourceIds = sourceUser && (await source.mailboxIds(sourceUser.id, false));
    const targetIds = targetUser && (await target.mailboxIds(targetUser.id, false));
    if (!sourceIds || !targetIds) throw new Error("no mailboxes");
    const state = new InMemoryTransferState();
    const request = (deadline: number): SliceRequest => ({
      source: { api: source, mailboxId: sourceIds.primaryMailboxId, governor: governor() },
      target: { api: target, mailboxId: targetIds.primaryMailboxId, governor: governor() },
      key: entry.sourceUpn,
      state,
      deadline,
      round: 0,
      largeItemBytes: 150 * 1024 * 1024,
      logger: silentLogger,
    });
    // A slice whose time is up at once only maps the folders.
    expect((await runTransferSlice(request(Date.now()))).kind).toBe("more");
    const folder = (await state.loadFolders(entry.sourceUpn)).find((f) => f.path.toLowerCase() === "inbox");
    if (!folder) throw new Error("no inbox");
    const page = await source.itemDelta(
      sourceIds.primaryMailboxId,
      folder.sourceFolderId,
      undefined,
      5,
      governor(),
    );
    const item = page.items[0];
    if (!item) throw new Error("empty inbox");
    const [exported] = await source.exportItems(sourceIds.primaryMailboxId, [item.id], governor());
    if (!exported?.data) throw new Error("export failed");
    if (writeIntent) {
      await state.putItems(entry.sourceUpn, [
        {
          sourceItemId: item.id,
          targetItemId: "",
          pending: true,
          sourceVersion: item.changeKey ?? "",
          sizeBytes: item.size ?? 0,
          ...(item.createdDateTime ? { createdDateTime: item.createdDateTime } : {}),
        },
      ]);
    }
    // The import reaches the target; then the process dies before recording it.
    const session = await target.createImportSession(targetIds.primaryMailboxId, governor());
    await target.importItem(session, { folderId: folder.targetFolderId, data: exported.data }, governor());
    let outcome = await runTransferSlice(request(Date.now() + 30_000));
    while (outcome.kind !== "done") outcome = await runTransferSlice(request(Date.now() + 30_000));
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    return { duplicated: report.duplicated.length, missing: report.missing.length };
  }

  it("finds the copy through the intent and imports nothing twice", async () => {
    expect(await scenario(0, true)).toEqual({ duplicated: 0, missing: 0 });
  });

  it("would have imported it twice without the intent (the check above can fail)", async () => {
    expect(await scenario(1, false)).toEqual({ duplicated: 1, missing: 0 });
  });
});
