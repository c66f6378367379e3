import { describe, expect, it } from "vitest";
import { MailboxGovernor, PUBLISHED_LIMITS } from "../../../shared/graph/governor.js";
import { runTransferSlice } from "../../../shared/transfer/engine.js";
import { mailboxPair, useTransferHarness } from "./harness.js";

/**
 * A process that dies after an import reached the target but before the engine recorded it is
 * reproduced exactly: the item is imported by hand, and the engine then runs to the end.
 */
describe("an import interrupted before it was recorded", () => {
  const harness = useTransferHarness({ mailboxes: 4, itemsPerMailbox: 20, seed: 9 });

  async function scenario(
    index: number,
    writeIntent: boolean,
  ): Promise<{ duplicated: number; missing: number }> {
    const { graph, source, target } = harness();
    const entry = [...graph.inventory()].sort((a, b) => b.itemCount - a.itemCount)[index];
    if (!entry) throw new Error("no account");
    const governor = (): MailboxGovernor => new MailboxGovernor(PUBLISHED_LIMITS);
    const { state, sourceMailboxId, targetMailboxId, request } = await mailboxPair(harness(), entry);
    // A slice whose time is up at once only maps the folders.
    expect((await runTransferSlice(request(Date.now()))).kind).toBe("more");
    const folder = (await state.loadFolders(entry.sourceUpn)).find((f) => f.path.toLowerCase() === "inbox");
    if (!folder) throw new Error("no inbox");
    const page = await source.itemDelta(sourceMailboxId, folder.sourceFolderId, undefined, 5, governor());
    const item = page.items[0];
    if (!item) throw new Error("empty inbox");
    const [exported] = await source.exportItems(sourceMailboxId, [item.id], governor());
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
    const session = await target.createImportSession(targetMailboxId, governor());
    await target.importItem(session, { folderId: folder.targetFolderId, data: exported.data }, governor());
    let outcome = await runTransferSlice(request(Date.now() + 30_000));
    while (outcome.kind !== "done") outcome = await runTransferSlice(request(Date.now() + 30_000));
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    return { duplicated: report.duplicated.length, missing: report.missing.length };
  }

  it("finds the copy through the intent and imports nothing twice", async () => {
    expect(await scenario(0, true)).toEqual({ duplicated: 0, missing: 0 });
  });

  it("finds it without the intent too: the target folder holds more than the map knows", async () => {
    expect(await scenario(1, false)).toEqual({ duplicated: 0, missing: 0 });
  });
});
