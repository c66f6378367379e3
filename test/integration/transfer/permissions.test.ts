/**
 * The permissions docs/deploy.md lists are enough, and each is needed: apps registered with
 * exactly those roles run a migration through every call mailferry makes on each side (folders,
 * items, exports, imports, a crash recovery that looks for a copy in the target, a moved item's
 * old copy deleted, a licence, a notice), and the simulator refuses none of them. Without the
 * target's item permissions (as the guide once had it) the recovery and the deletes are refused.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readGraphSettings } from "../../../shared/config/graph.js";
import { createMailboxApi } from "../../../shared/runtime/create.js";
import { TransientTransferError } from "../../../shared/graph/errors.js";
import type { MailboxApi } from "../../../shared/graph/mailbox-api.js";
import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";
import { MailboxGovernor, PUBLISHED_LIMITS } from "../../../shared/graph/governor.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { runTransferSlice, type SliceRequest } from "../../../shared/transfer/engine.js";
import { useTransferHarness, untilDone } from "./harness.js";
import type { GraphSimulator, SimulatedAccount } from "@mailferry/azure-local/graph";
import { EXCHANGE_SKU } from "@mailferry/azure-local/graph";

/** The permissions each app's table in docs/deploy.md lists. */
function documentedPermissions(): { source: string[]; target: string[]; notices: string[] } {
  const guide = readFileSync(new URL("../../../docs/deploy.md", import.meta.url), "utf8");
  const start = guide.indexOf("## Entra app registrations and Graph permissions");
  const section = guide.slice(start, guide.indexOf("\n## ", start + 1));
  const table = (heading: string): string[] => {
    const from = section.indexOf(heading);
    if (from < 0) throw new Error(`docs/deploy.md has no ${heading} table`);
    const rest = section.slice(from);
    const lines = rest.split("\n").slice(1);
    const rows: string[] = [];
    let inTable = false;
    for (const line of lines) {
      if (line.startsWith("|")) inTable = true;
      else if (inTable) break;
      const name = /^\| `([A-Za-z.]+)`/.exec(line)?.[1];
      if (name) rows.push(name);
    }
    return rows;
  };
  return {
    source: table("**Source tenant**"),
    target: table("**Target tenant**"),
    notices: table("**Notices**"),
  };
}

function api(graph: GraphSimulator, side: "source" | "target", roles: readonly string[]): MailboxApi {
  const app = graph.registerApp(side, roles);
  const settings = graph.settings();
  const prefix = side === "source" ? "GRAPH_SOURCE_" : "GRAPH_TARGET_";
  return createMailboxApi(
    readGraphSettings({
      ...settings,
      [`${prefix}CLIENT_ID`]: app.clientId,
      [`${prefix}CLIENT_SECRET`]: app.clientSecret,
    })[side],
  );
}

async function migrate(
  graph: GraphSimulator,
  entry: SimulatedAccount,
  source: MailboxApi,
  target: MailboxApi,
): Promise<void> {
  const ids = async (client: MailboxApi, upn: string) => {
    const user = await client.findUser(upn);
    const found = user && (await client.mailboxIds(user.id, false));
    if (!found) throw new Error(`no mailbox for ${upn}`);
    return found.primaryMailboxId;
  };
  const [sourceId, targetId] = [await ids(source, entry.sourceUpn), await ids(target, entry.targetUpn)];
  const state = new InMemoryTransferState();
  const governor = (): MailboxGovernor => new MailboxGovernor(PUBLISHED_LIMITS);
  const request = (round: number, deadline = Date.now() + 30_000): SliceRequest => ({
    source: { api: source, mailboxId: sourceId, governor: governor() },
    target: { api: target, mailboxId: targetId, governor: governor() },
    key: entry.sourceUpn,
    state,
    deadline,
    now: () => new Date(),
    round,
    mirrorDeletions: true,
    largeItemBytes: 150 * 1024 * 1024,
    logger: silentLogger,
  });
  const upn = entry.sourceUpn;
  graph.mutate.addFolder(upn, "", "Filed");
  const moving = graph.mutate.addItem(upn, "Inbox", { subject: "moves later" });
  // A slice whose time is up at once only maps the folders; then a crash is reproduced: an item
  // imported whose record says only that its import was intended. The engine must look for it.
  expect((await runTransferSlice(request(0, Date.now()))).kind).toBe("more");
  const inbox = (await state.loadFolders(upn)).find((folder) => folder.path === "Inbox");
  if (!inbox) throw new Error("no Inbox");
  const [exported] = await source.exportItems(sourceId, [moving], governor());
  if (!exported?.data) throw new Error("the export failed");
  const [listed] = (
    await source.itemDelta(sourceId, inbox.sourceFolderId, undefined, 100, governor())
  ).items.filter((item) => item.id === moving);
  await state.putItems(upn, [
    {
      sourceItemId: moving,
      targetItemId: "",
      pending: true,
      sourceVersion: listed?.changeKey ?? "",
      sizeBytes: listed?.size ?? 0,
      sourceFolderId: inbox.sourceFolderId,
      targetFolderId: inbox.targetFolderId,
      ...(listed?.createdDateTime ? { createdDateTime: listed.createdDateTime } : {}),
    },
  ]);
  const session = await target.createImportSession(targetId, governor());
  await target.importItem(session, { folderId: inbox.targetFolderId, data: exported.data }, governor());
  await untilDone(() => request(0));
  graph.mutate.moveItem(upn, moving, "Filed");
  await untilDone(() => request(1));
}

describe("the permissions docs/deploy.md lists", () => {
  const harness = useTransferHarness({
    mailboxes: 3,
    itemsPerMailbox: 20,
    seed: 67,
    realism: { idsChangeOnMove: true },
  });

  it("name the call that needs each, and are enough for every call mailferry makes", async () => {
    const { graph } = harness();
    const documented = documentedPermissions();
    expect(documented.target).toContain("MailboxItem.Read.All");
    const entry = graph.inventory()[0];
    if (!entry) throw new Error("no account");
    const source = api(graph, "source", documented.source);
    const target = api(graph, "target", [...documented.target, ...documented.notices]);
    graph.resetCalls();
    await migrate(graph, entry, source, target);
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ ok: report.ok, duplicated: report.duplicated, missing: report.missing }).toEqual({
      ok: true,
      duplicated: [],
      missing: [],
    });
    await target.assignLicense((await target.findUser(entry.targetUpn))?.id ?? "", EXCHANGE_SKU.skuId);
    const draft = await target.createDraft(
      graph.target.serviceUpn,
      entry.targetUpn,
      "Your mailbox moved",
      "Hello",
    );
    await target.sendDraft(graph.target.serviceUpn, draft);
    expect(graph.calls().refusedCount).toBe(0);
  });

  it("are needed: without the target's item permissions a crash recovery is refused", async () => {
    const { graph } = harness();
    const documented = documentedPermissions();
    const entry = graph.inventory()[1];
    if (!entry) throw new Error("no account");
    const source = api(graph, "source", documented.source);
    const withoutItems = documented.target.filter((role) => !role.startsWith("MailboxItem.Read"));
    const target = api(graph, "target", withoutItems);
    const failure = await migrate(graph, entry, source, target).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(failure).toBeInstanceOf(TransientTransferError);
    expect((failure as TransientTransferError).status).toBe(403);
  });
});
