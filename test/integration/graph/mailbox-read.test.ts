import { type Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphSimulator,
  type SimulatedAccount,
  startGraphSimulator,
} from "@mailferry/azure-local/graph";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import {
  type FolderInfo,
  type ItemInfo,
  clientFor,
  folderPages,
  itemPages,
  folderTree,
  graphError,
  mailboxIds,
  mailboxPath,
  rawCall,
  planted,
} from "./helpers.js";

describe("Graph simulator: directory and mailbox reads", () => {
  let simulator: GraphSimulator;
  let source: Client;
  let target: Client;
  let accounts: readonly SimulatedAccount[];
  const account = (expectation: SimulatedAccount["expectation"], index = 0): SimulatedAccount =>
    planted(accounts, expectation, index);

  beforeAll(async () => {
    simulator = await startGraphSimulator({
      mailboxes: 12,
      itemsPerMailbox: 40,
      seed: 11,
      logger: silentLogger,
    });
    source = clientFor(simulator, "source");
    target = clientFor(simulator, "target");
    accounts = simulator.inventory();
  });

  afterAll(async () => {
    await simulator.close();
  });

  it("plants every kind of trouble once in a small tenant", () => {
    const kinds = new Set(accounts.map((entry) => entry.expectation));
    expect([...kinds].sort()).toEqual(
      [
        "archive",
        "badItems",
        "largeItems",
        "noLicence",
        "ok",
        "sourceUserMissing",
        "targetUserMissing",
      ].sort(),
    );
  });

  it("returns users with $select, and Graph's 404 for users that do not exist", async () => {
    const { sourceUpn } = account("ok");
    const user = (await source
      .api(`/users/${sourceUpn}`)
      .select("displayName,assignedLicenses,usageLocation")
      .get()) as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(
      ["@odata.context", "assignedLicenses", "displayName", "id", "usageLocation"].sort(),
    );
    expect(user.usageLocation).toBe("GB");
    expect(user.assignedLicenses).toHaveLength(1);

    const badSelect = await graphError(source.api(`/users/${sourceUpn}`).select("shoeSize").get());
    expect(badSelect.statusCode).toBe(400);

    const missing = await graphError(source.api(`/users/${account("sourceUserMissing").sourceUpn}`).get());
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe("Request_ResourceNotFound");
  });

  it("has no mailbox for an unlicensed user until a licence is assigned", async () => {
    const { targetUpn } = account("noLicence");
    const user = (await target.api(`/users/${targetUpn}`).select("assignedLicenses").get()) as {
      assignedLicenses: unknown[];
    };
    expect(user.assignedLicenses).toEqual([]);
    const noMailbox = await graphError(target.api(`/users/${targetUpn}/settings/exchange`).get());
    expect(noMailbox.statusCode).toBe(404);
    expect(noMailbox.code).toBe("MailboxNotEnabledForRESTAPI");

    const skus = (await target.api("/subscribedSkus").get()) as {
      value: { skuId: string; skuPartNumber: string }[];
    };
    const exchange = skus.value.find((sku) => sku.skuPartNumber === "ENTERPRISEPACK");
    await target
      .api(`/users/${targetUpn}/assignLicense`)
      .post({ addLicenses: [{ skuId: exchange?.skuId, disabledPlans: [] }], removeLicenses: [] });
    const ids = await mailboxIds(target, targetUpn);
    expect(ids.primaryMailboxId).toMatch(/^MBX:/);
  });

  it("exposes the archive mailbox id in beta only, and mailbox settings", async () => {
    const { sourceUpn } = account("archive");
    const v1 = await mailboxIds(source, sourceUpn);
    expect(v1).not.toHaveProperty("inPlaceArchiveMailboxId");
    const beta = await mailboxIds(clientFor(simulator, "source", { version: "beta" }), sourceUpn);
    expect(beta.inPlaceArchiveMailboxId).toMatch(/^MBX:/);
    expect(beta.inPlaceArchiveMailboxId).not.toBe(beta.primaryMailboxId);

    const settings = (await source.api(`/users/${sourceUpn}/mailboxSettings`).get()) as { timeZone: string };
    expect(settings.timeZone).toBe("GMT Standard Time");
  });

  it("accepts sendMail with 202 and keeps what was sent for inspection", async () => {
    const sender = simulator.target.serviceUpn;
    const reply: unknown = await clientFor(simulator, "target")
      .api(`/users/${sender}/sendMail`)
      .responseType(ResponseType.RAW)
      .post({
        message: {
          subject: "Your mailbox moves tonight",
          body: { contentType: "Text", content: "Please log out by 18:00." },
          toRecipients: [{ emailAddress: { address: account("ok").targetUpn } }],
        },
        saveToSentItems: false,
      });
    expect((reply as Response).status).toBe(202);
    expect(simulator.sentMail()).toContainEqual(
      expect.objectContaining({
        from: sender,
        to: [account("ok").targetUpn],
        subject: "Your mailbox moves tonight",
        body: "Please log out by 18:00.",
      }),
    );
    const listed = await rawCall(simulator, "/_simulator/sent-mail");
    expect(listed.json).toMatchObject({ value: [{ from: sender, subject: "Your mailbox moves tonight" }] });
    expect(JSON.stringify(listed.json)).not.toContain("log out");
    const noRecipients = await graphError(
      target.api(`/users/${sender}/sendMail`).post({ message: { subject: "nobody", toRecipients: [] } }),
    );
    expect(noRecipients.statusCode).toBe(400);
  });

  it("sends a draft once: sending it again finds nothing, as does another user's draft", async () => {
    const sender = simulator.target.serviceUpn;
    const to = account("ok").targetUpn;
    const draft = (await target.api(`/users/${sender}/messages`).post({
      subject: "Your mailbox has moved",
      body: { contentType: "Text", content: "Hello." },
      toRecipients: [{ emailAddress: { address: to } }],
    })) as { id: string; isDraft: boolean };
    expect(draft.isDraft).toBe(true);
    expect(simulator.sentMail().filter((mail) => mail.subject === "Your mailbox has moved")).toEqual([]);
    const sendPath = `/users/${sender}/messages/${encodeURIComponent(draft.id)}/send`;
    const reply: unknown = await target.api(sendPath).responseType(ResponseType.RAW).post({});
    expect((reply as Response).status).toBe(202);
    expect(simulator.sentMail().filter((mail) => mail.subject === "Your mailbox has moved")).toEqual([
      expect.objectContaining({ from: sender, to: [to], body: "Hello." }),
    ]);
    const again = await graphError(target.api(sendPath).post({}));
    expect(again.statusCode).toBe(404);
    expect(simulator.sentMail().filter((mail) => mail.subject === "Your mailbox has moved")).toHaveLength(1);

    const other = (await target.api(`/users/${sender}/messages`).post({
      subject: "Not yours",
      toRecipients: [{ emailAddress: { address: to } }],
    })) as { id: string };
    const asSomeoneElse = await graphError(
      target.api(`/users/${to}/messages/${encodeURIComponent(other.id)}/send`).post({}),
    );
    expect(asSomeoneElse.statusCode).toBe(404);
    const noRecipients = (await target.api(`/users/${sender}/messages`).post({ subject: "nobody" })) as {
      id: string;
    };
    const refused = await graphError(
      target.api(`/users/${sender}/messages/${encodeURIComponent(noRecipients.id)}/send`).post({}),
    );
    expect(refused.statusCode).toBe(400);
  });

  it("pages folders with $top and nextLink, and folder delta lists the same tree", async () => {
    const { sourceUpn } = account("ok");
    const { primaryMailboxId } = await mailboxIds(source, sourceUpn);
    const topLevel = await folderPages(source, `${mailboxPath(primaryMailboxId)}/folders?$top=3`);
    expect(topLevel.pages).toBeGreaterThan(3);
    const names = topLevel.values.map((folder) => folder.displayName);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["Inbox", "Sent Items", "Calendar", "Contacts", "Tasks"]));
    expect(topLevel.values.find((folder) => folder.displayName === "Calendar")?.type).toBe("IPF.Appointment");

    const tree = await folderTree(source, primaryMailboxId);
    const delta = await folderPages(
      source,
      `${mailboxPath(primaryMailboxId)}/folders/delta`,
      "odata.maxpagesize=4",
    );
    expect(delta.deltaLink).toBeDefined();
    expect(delta.values.map((folder) => folder.id).sort()).toEqual(
      [...tree.values()].map((folder) => folder.id).sort(),
    );
  });

  it("creates folders and child folders, refusing duplicate names", async () => {
    const { targetUpn } = account("ok");
    const { primaryMailboxId } = await mailboxIds(target, targetUpn);
    const created = (await target
      .api(`${mailboxPath(primaryMailboxId)}/folders`)
      .post({ displayName: "Projects", type: "IPF.Note" })) as FolderInfo;
    expect(created.displayName).toBe("Projects");
    const child = (await target
      .api(`${mailboxPath(primaryMailboxId)}/folders/${created.id}/childFolders`)
      .post({ displayName: "Alpha" })) as FolderInfo;
    expect(child.parentFolderId).toBe(created.id);
    const clash = await graphError(
      target.api(`${mailboxPath(primaryMailboxId)}/folders`).post({ displayName: "projects" }),
    );
    expect(clash.statusCode).toBe(409);
    expect(clash.code).toBe("ErrorFolderExists");
  });

  it("runs an item delta round trip: full sync, then only what changed after the deltaLink", async () => {
    const { sourceUpn } = account("ok");
    const { primaryMailboxId } = await mailboxIds(source, sourceUpn);
    const tree = await folderTree(source, primaryMailboxId);
    const inbox = tree.get("Inbox");
    const sent = tree.get("Sent Items");
    expect(inbox && sent).toBeTruthy();
    const inboxDelta = `${mailboxPath(primaryMailboxId)}/folders/${inbox?.id ?? ""}/items/delta`;

    const listed = await itemPages(
      source,
      `${mailboxPath(primaryMailboxId)}/folders/${inbox?.id ?? ""}/items?$top=7`,
    );
    const first = await itemPages(source, inboxDelta, "odata.maxpagesize=4");
    expect(first.pages).toBeGreaterThan(1);
    expect(first.values.map((item) => item.id).sort()).toEqual(listed.values.map((item) => item.id).sort());
    expect(first.deltaLink).toContain("$deltatoken=");
    expect(listed.values.length).toBeGreaterThanOrEqual(4);

    const [updated, movedOut, deleted] = listed.values;
    const sentItems = await itemPages(
      source,
      `${mailboxPath(primaryMailboxId)}/folders/${sent?.id ?? ""}/items`,
    );
    const movedIn = sentItems.values[0];
    const added = simulator.mutate.addItem(sourceUpn, "Inbox", { subject: "New after first sync" });
    simulator.mutate.updateItem(sourceUpn, updated?.id ?? "");
    simulator.mutate.moveItem(sourceUpn, movedOut?.id ?? "", "Deleted Items");
    simulator.mutate.deleteItem(sourceUpn, deleted?.id ?? "");
    simulator.mutate.moveItem(sourceUpn, movedIn?.id ?? "", "Inbox");

    const second = await itemPages(source, first.deltaLink ?? "");
    const changed = second.values.filter((item) => !item["@removed"]).map((item) => item.id);
    const removed = second.values.filter((item) => item["@removed"]).map((item) => item.id);
    expect(changed.sort()).toEqual([added, updated?.id, movedIn?.id].sort());
    expect(removed.sort()).toEqual([movedOut?.id, deleted?.id].sort());
    const newVersion = second.values.find((item) => item.id === updated?.id);
    expect(newVersion?.changeKey).not.toBe(updated?.changeKey);

    const third = await itemPages(source, second.deltaLink ?? "");
    expect(third.values).toEqual([]);
  });

  it("loses nothing when items change while a round is being paged", async () => {
    const { sourceUpn } = accounts.filter((entry) => entry.expectation === "ok")[1] ?? account("ok");
    const { primaryMailboxId } = await mailboxIds(source, sourceUpn);
    const inbox = (await folderTree(source, primaryMailboxId)).get("Inbox");
    const url = `${mailboxPath(primaryMailboxId)}/folders/${inbox?.id ?? ""}/items/delta`;
    const page1 = (await source.api(url).header("Prefer", "odata.maxpagesize=2").get()) as {
      value: ItemInfo[];
      "@odata.nextLink": string;
    };
    const all = await itemPages(source, `${mailboxPath(primaryMailboxId)}/folders/${inbox?.id ?? ""}/items`);
    const seen = page1.value[0]?.id ?? "";
    const unseen =
      all.values.map((item) => item.id).find((id) => !page1.value.some((item) => item.id === id)) ?? "";
    simulator.mutate.updateItem(sourceUpn, seen);
    simulator.mutate.updateItem(sourceUpn, unseen);

    const rest = await itemPages(source, page1["@odata.nextLink"]);
    const round = [...page1.value, ...rest.values].map((item) => item.id);
    expect(new Set(round).size).toBe(round.length);
    const next = await itemPages(source, rest.deltaLink ?? "");
    const union = new Set([...round, ...next.values.map((item) => item.id)]);
    expect([...union].sort()).toEqual(all.values.map((item) => item.id).sort());
    expect(next.values.map((item) => item.id).sort()).toEqual([seen, unseen].sort());
  });

  it("filters items delta by receivedDateTime and rejects other filters", async () => {
    const { sourceUpn } = account("ok");
    const { primaryMailboxId } = await mailboxIds(source, sourceUpn);
    const inbox = (await folderTree(source, primaryMailboxId)).get("Inbox");
    const base = `${mailboxPath(primaryMailboxId)}/folders/${inbox?.id ?? ""}/items`;
    const everything = await itemPages(source, `${base}/delta`);
    const cutoff = "2024-01-01T00:00:00Z";
    const recent = await itemPages(source, `${base}/delta?$filter=receivedDateTime ge ${cutoff}`);
    // Seeded items were created when they were received.
    const expected = everything.values.filter((item) => item.createdDateTime >= "2024-01-01T00:00:00.000Z");
    expect(recent.values.map((item) => item.id).sort()).toEqual(expected.map((item) => item.id).sort());
    const bad = await graphError(source.api(`${base}/delta?$filter=size gt 10`).get());
    expect(bad.statusCode).toBe(400);
  });

  it("reports folder additions, renames, moves and deletions after a folder deltaLink", async () => {
    const { sourceUpn } = accounts.filter((entry) => entry.expectation === "ok")[2] ?? account("ok");
    const { primaryMailboxId } = await mailboxIds(source, sourceUpn);
    const first = await folderPages(source, `${mailboxPath(primaryMailboxId)}/folders/delta`);
    const added = simulator.mutate.addFolder(sourceUpn, "Inbox", "Added Later");
    const doomed = simulator.mutate.addFolder(sourceUpn, "", "Short Lived");
    const doomedChild = simulator.mutate.addFolder(sourceUpn, "Short Lived", "Child");
    const between = await folderPages(source, first.deltaLink ?? "");
    expect(between.values.map((folder) => folder.id).sort()).toEqual([added, doomed, doomedChild].sort());

    simulator.mutate.renameFolder(sourceUpn, "Inbox/Added Later", "Renamed");
    simulator.mutate.moveFolder(sourceUpn, "Inbox/Renamed", "Archive");
    simulator.mutate.deleteFolder(sourceUpn, "Short Lived");
    const after = await folderPages(source, between.deltaLink ?? "");
    const present = after.values.filter((folder) => !folder["@removed"]);
    const removed = after.values.filter((folder) => folder["@removed"]).map((folder) => folder.id);
    expect(present).toHaveLength(1);
    expect(present[0]).toMatchObject({ id: added, displayName: "Renamed" });
    expect(removed.sort()).toEqual([doomed, doomedChild].sort());
  });
});
