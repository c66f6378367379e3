/**
 * The simulator as Microsoft's metadata and documentation have it: no move action on folders or
 * items, items deleted through their folder with a disposalType, folders deleted by `$ref`,
 * receivedDateTime usable only in the item delta's filter, and every call outside the
 * description refused as Graph refuses it (and recorded).
 */
import { type Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphSimulator, startGraphSimulator } from "@mailferry/azure-local/graph";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import {
  type FolderInfo,
  appClient,
  clientFor,
  folderTree,
  graphError,
  itemPages,
  mailboxIds,
  mailboxPath,
} from "./helpers.js";

describe("Graph simulator: writes as Microsoft documents them", () => {
  let simulator: GraphSimulator;
  let target: Client;
  let upns: string[];

  beforeAll(async () => {
    simulator = await startGraphSimulator({
      mailboxes: 4,
      itemsPerMailbox: 10,
      seed: 31,
      plantTrouble: false,
      logger: silentLogger,
    });
    target = clientFor(simulator, "target");
    upns = simulator.inventory().map((entry) => entry.targetUpn);
  });

  afterAll(async () => {
    await simulator.close();
  });

  const mailboxOf = async (upn: string): Promise<string> => (await mailboxIds(target, upn)).primaryMailboxId;
  const folderUrl = (mailboxId: string, folderId: string): string =>
    `${mailboxPath(mailboxId)}/folders/${folderId}`;

  it("refuses move actions and mailbox-level item paths, naming the segment Graph cannot place", async () => {
    const upn = upns[0] ?? "";
    const mailboxId = await mailboxOf(upn);
    const projects = simulator.mutate.addFolder(upn, "", "Projects");
    const itemId = simulator.mutate.addItem(upn, "Inbox", { subject: "Stays" });
    simulator.resetCalls();
    const folderMove = await graphError(
      target.api(`${folderUrl(mailboxId, projects)}/move`).post({ destinationId: "inbox" }),
    );
    expect([folderMove.statusCode, folderMove.code, folderMove.message]).toEqual([
      400,
      "BadRequest",
      "Resource not found for the segment 'move'.",
    ]);
    const itemMove = await graphError(
      target.api(`${mailboxPath(mailboxId)}/items/${itemId}/move`).post({ destinationId: projects }),
    );
    expect([itemMove.statusCode, itemMove.message]).toEqual([
      400,
      "Resource not found for the segment 'items'.",
    ]);
    const mailboxDelete = await graphError(target.api(`${mailboxPath(mailboxId)}/items/${itemId}`).delete());
    expect([mailboxDelete.statusCode, mailboxDelete.message]).toEqual([
      400,
      "Resource not found for the segment 'items'.",
    ]);
    const calls = simulator.calls();
    expect(calls.refusedCount).toBe(3);
    expect(calls.refused.map((call) => `${call.method} ${call.status}`)).toEqual([
      "POST 400",
      "POST 400",
      "DELETE 400",
    ]);
  });

  it("deletes an item through its folder with a disposalType, leaving a tombstone for delta", async () => {
    const upn = upns[3] ?? "";
    const mailboxId = await mailboxOf(upn);
    const doomed = simulator.mutate.addItem(upn, "Inbox", { subject: "Doomed" });
    const kept = simulator.mutate.addItem(upn, "Inbox", { subject: "Kept" });
    const inbox = (await folderTree(target, mailboxId)).get("Inbox") as FolderInfo;
    const first = await itemPages(target, `${folderUrl(mailboxId, inbox.id)}/items/delta`);
    expect(first.values.map((item) => item.id).sort()).toEqual([doomed, kept].sort());
    const itemUrl = (id: string, folderId = inbox.id): string =>
      `${folderUrl(mailboxId, folderId)}/items/${id}`;

    const required = await graphError(target.api(itemUrl(doomed)).delete());
    expect([required.statusCode, required.code]).toEqual([400, "BadRequest"]);
    const wrongFolder = await graphError(
      target.api(itemUrl(doomed, "sentitems")).query({ disposalType: "softDelete" }).delete(),
    );
    expect([wrongFolder.statusCode, wrongFolder.code]).toEqual([404, "ErrorItemNotFound"]);

    const reply = (await target
      .api(itemUrl(doomed))
      .query({ disposalType: "softDelete" })
      .responseType(ResponseType.RAW)
      .delete()) as Response;
    expect(reply.status).toBe(204);
    const after = await itemPages(target, first.deltaLink ?? "");
    expect(after.values).toEqual([{ id: doomed, "@removed": { reason: "deleted" } }]);
    const listed = await itemPages(target, `${folderUrl(mailboxId, inbox.id)}/items`);
    expect(listed.values.map((item) => item.id)).toEqual([kept]);
    const again = await graphError(
      target.api(itemUrl(doomed)).query({ disposalType: "hardDelete" }).delete(),
    );
    expect([again.statusCode, again.code]).toEqual([404, "ErrorItemNotFound"]);

    // The page's permission is MailboxItem.ReadWrite.All; import/export rights are not it.
    const importer = appClient(simulator, "target", ["MailboxItem.ImportExport.All", "MailboxItem.Read.All"]);
    const denied = await graphError(
      importer.api(itemUrl(kept)).query({ disposalType: "softDelete" }).delete(),
    );
    expect([denied.statusCode, denied.code]).toEqual([403, "ErrorAccessDenied"]);
  });

  it("deletes a folder by $ref, as the page writes it, and not at the folder's own URL", async () => {
    const upn = upns[1] ?? "";
    const mailboxId = await mailboxOf(upn);
    const doomed = simulator.mutate.addFolder(upn, "", "Doomed");
    const plain = await graphError(target.api(folderUrl(mailboxId, doomed)).delete());
    expect(plain.statusCode).toBe(405);
    const reply = (await target
      .api(`${folderUrl(mailboxId, doomed)}/$ref`)
      .responseType(ResponseType.RAW)
      .delete()) as Response;
    expect(reply.status).toBe(204);
    expect((await folderTree(target, mailboxId)).has("Doomed")).toBe(false);
  });

  it("knows receivedDateTime only in the item delta's filter, and answers only described properties", async () => {
    const upn = upns[0] ?? "";
    const mailboxId = await mailboxOf(upn);
    const itemId = simulator.mutate.addItem(upn, "Sent Items", {
      receivedDateTime: "2021-02-03T04:05:06.789Z",
    });
    const sent = (await folderTree(target, mailboxId)).get("Sent Items") as FolderInfo;
    const refused = await graphError(
      target
        .api(`${folderUrl(mailboxId, sent.id)}/items/${itemId}`)
        .select("receivedDateTime")
        .get(),
    );
    expect([refused.statusCode, refused.code, refused.message]).toEqual([
      400,
      "BadRequest",
      "Could not find a property named 'receivedDateTime' on type 'microsoft.graph.mailboxItem'.",
    ]);
    const item = (await target.api(`${folderUrl(mailboxId, sent.id)}/items/${itemId}`).get()) as Record<
      string,
      unknown
    >;
    expect(
      Object.keys(item)
        .filter((name) => !name.startsWith("@"))
        .sort(),
    ).toEqual(["categories", "changeKey", "createdDateTime", "id", "lastModifiedDateTime", "size", "type"]);
    const since = await itemPages(
      target,
      `${folderUrl(mailboxId, sent.id)}/items/delta?$filter=receivedDateTime ge 2021-01-01T00:00:00Z`,
    );
    expect(since.values.map((entry) => entry.id)).toContain(itemId);
    const before = await itemPages(
      target,
      `${folderUrl(mailboxId, sent.id)}/items/delta?$filter=receivedDateTime gt 2021-02-04T00:00:00Z`,
    );
    expect(before.values.map((entry) => entry.id)).not.toContain(itemId);

    // The metadata's mailboxFolder has no wellKnownName or parentMailboxUrl (the docs show both).
    const folder = (await target.api(folderUrl(mailboxId, "inbox")).get()) as Record<string, unknown>;
    expect(folder).toMatchObject({ displayName: "Inbox" });
    expect(folder).not.toHaveProperty("wellKnownName");
    expect(folder).not.toHaveProperty("parentMailboxUrl");
    const noName = await graphError(target.api(folderUrl(mailboxId, "inbox")).select("wellKnownName").get());
    expect(noName.statusCode).toBe(400);
  });

  it("refuses body fields and query options the description lacks, matching parameter names as Graph does", async () => {
    const upn = upns[2] ?? "";
    const mailboxId = await mailboxOf(upn);
    const unknownField = await graphError(
      target
        .api(`${mailboxPath(mailboxId)}/folders`)
        .post({ displayName: "X", type: "IPF.Note", colour: "red" }),
    );
    expect([unknownField.statusCode, unknownField.code]).toEqual([400, "BadRequest"]);
    expect(unknownField.message).toMatch(
      /^The property 'colour' does not exist on type 'microsoft.graph.mailboxFolder'/,
    );
    const unknownParameter = await graphError(
      target.api(`${mailboxPath(mailboxId)}/createImportSession`).post({ folderId: "x" }),
    );
    expect(unknownParameter.message).toBe(
      "The parameter 'folderId' in the request payload is not a valid parameter for the operation 'createImportSession'.",
    );
    const unknownOption = await graphError(
      target.api(`/users/${upn}/settings/exchange`).select("primaryMailboxId").get(),
    );
    expect([unknownOption.statusCode, unknownOption.code]).toEqual([400, "BadRequest"]);

    // exportItems: the page writes `itemIds`, the metadata `ItemIds`; either is taken.
    const itemId = simulator.mutate.addItem(upn, "Inbox", { subject: "Either spelling" });
    const source = clientFor(simulator, "target");
    for (const body of [{ itemIds: [itemId] }, { ItemIds: [itemId] }]) {
      const exported = (await source.api(`${mailboxPath(mailboxId)}/exportItems`).post(body)) as {
        value: { itemId: string; data?: string }[];
      };
      expect(exported.value[0]?.data).toBeDefined();
    }
  });
});
