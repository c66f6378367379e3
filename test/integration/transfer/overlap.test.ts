/**
 * A slice keeps the target busy: a mailbox's new folders are created a level of the tree at a
 * time, and a folder's next delta page is read while the current page's items are imported.
 * Both must still copy every folder and item exactly once.
 */
import { describe, expect, it } from "vitest";
import { runTransferSlice } from "../../../shared/transfer/engine.js";
import type { MailboxApi } from "../../../shared/graph/mailbox-api.js";
import { mailboxPair, useTransferHarness } from "./harness.js";

/** Wraps one method of an API object, calling `around` with the original. */
function intercept<K extends keyof MailboxApi>(
  api: MailboxApi,
  name: K,
  around: (original: MailboxApi[K]) => MailboxApi[K],
): MailboxApi {
  const original = (api[name] as (...args: unknown[]) => unknown).bind(api) as MailboxApi[K];
  return Object.assign(Object.create(api) as MailboxApi, { [name]: around(original) });
}

describe("a slice's requests overlap", () => {
  const harness = useTransferHarness({
    mailboxes: 4,
    itemsPerMailbox: 40,
    seed: 7,
    latency: { perRequestMs: 20 },
  });

  it("creates sibling folders together, parents first, and none twice", async () => {
    const { graph, target } = harness();
    const [entry] = graph.inventory();
    if (!entry) throw new Error("no account");
    graph.mutate.addFolder(entry.sourceUpn, "", "Wards");
    for (const ward of ["North", "South", "East"]) graph.mutate.addFolder(entry.sourceUpn, "Wards", ward);
    graph.mutate.addFolder(entry.sourceUpn, "Wards/North", "Rota");
    const pair = await mailboxPair(harness(), entry);
    let inFlight = 0;
    let most = 0;
    let orphans = 0;
    const existing = await target.listFolders(pair.targetMailboxId, pair.request(0).target.governor);
    const created = new Set<string>(existing.map((folder) => folder.id));
    const counting = intercept(
      target,
      "createFolder",
      (original) =>
        async (mailboxId, parentId, name, ...rest) => {
          // A child is asked for only once its parent exists in the target.
          if (parentId !== undefined && !created.has(parentId)) orphans += 1;
          inFlight += 1;
          most = Math.max(most, inFlight);
          try {
            const folder = await original(mailboxId, parentId, name, ...rest);
            created.add(folder.id);
            return folder;
          } finally {
            inFlight -= 1;
          }
        },
    );
    const request = pair.request(Date.now() + 60_000);
    const outcome = await runTransferSlice({ ...request, target: { ...request.target, api: counting } });

    expect(outcome.kind).toBe("done");
    expect(created.size - existing.length).toBeGreaterThanOrEqual(5);
    expect(orphans).toBe(0);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ ok: report.ok, duplicated: report.duplicated, folders: report.folderMismatches }).toEqual({
      ok: true,
      duplicated: [],
      folders: [],
    });
  });

  it("reads a new mailbox's first pages while the target's folders are made", async () => {
    const { graph, source, target } = harness();
    const entry = graph.inventory()[3];
    if (!entry) throw new Error("no account");
    graph.mutate.addFolder(entry.sourceUpn, "", "Clinics");
    const pair = await mailboxPair(harness(), entry);
    let creating = 0;
    let createsStarted = 0;
    let readsWhileCreating = 0;
    const creatingApi = intercept(target, "createFolder", (original) => async (...args) => {
      creating += 1;
      createsStarted += 1;
      try {
        return await original(...args);
      } finally {
        creating -= 1;
      }
    });
    const readingApi = intercept(
      source,
      "itemDelta",
      (original) =>
        async (mailboxId, folderId, cursor, ...rest) => {
          if (cursor !== undefined) return original(mailboxId, folderId, cursor, ...rest);
          const before = createsStarted;
          const busy = creating > 0;
          const page = await original(mailboxId, folderId, cursor, ...rest);
          if (busy || creating > 0 || createsStarted > before) readsWhileCreating += 1;
          return page;
        },
    );
    const request = pair.request(Date.now() + 60_000);
    const outcome = await runTransferSlice({
      ...request,
      source: { ...request.source, api: readingApi },
      target: { ...request.target, api: creatingApi },
    });

    expect(outcome.kind).toBe("done");
    expect(readsWhileCreating).toBeGreaterThan(0);
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ ok: report.ok, missing: report.missing, duplicated: report.duplicated }).toEqual({
      ok: true,
      missing: [],
      duplicated: [],
    });
  });

  it("reads a folder's next page while this page's items are imported, copying each item once", async () => {
    const { graph, source, target } = harness();
    const entry = graph.inventory()[1];
    if (!entry) throw new Error("no account");
    const pair = await mailboxPair(harness(), entry);
    let outcome = await runTransferSlice(pair.request(Date.now() + 60_000));
    while (outcome.kind !== "done") outcome = await runTransferSlice(pair.request(Date.now() + 60_000));
    // The next pass has one folder with anything new in it, so imports are that folder's.
    const folderId = graph.mutate.addFolder(entry.sourceUpn, "", "Referrals");
    for (let n = 0; n < 30; n += 1)
      graph.mutate.addItem(entry.sourceUpn, "Referrals", { subject: `referral ${n}`, size: 2_000 });
    let importsStarted = 0;
    let importsDuringReads = 0;
    const importing = intercept(target, "importItem", (original) => (...args) => {
      importsStarted += 1;
      return original(...args);
    });
    const reading = intercept(
      source,
      "itemDelta",
      (original) =>
        async (mailboxId, folder, cursor, ...rest) => {
          if (folder !== folderId || cursor === undefined)
            return original(mailboxId, folder, cursor, ...rest);
          const before = importsStarted;
          // A slow read: long enough for a page's imports when they run alongside it.
          await new Promise((resolve) => setTimeout(resolve, 60));
          const page = await original(mailboxId, folder, cursor, ...rest);
          importsDuringReads += importsStarted - before;
          return page;
        },
    );
    const request = pair.request(Date.now() + 60_000, { pageSize: 5, round: 1 });
    outcome = await runTransferSlice({
      ...request,
      source: { ...request.source, api: reading },
      target: { ...request.target, api: importing },
    });

    expect(outcome.kind).toBe("done");
    expect(outcome.progress.items).toBe(30);
    expect(importsDuringReads).toBeGreaterThan(0);
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ ok: report.ok, missing: report.missing, duplicated: report.duplicated }).toEqual({
      ok: true,
      missing: [],
      duplicated: [],
    });
  });

  it("leaves a page read ahead unused when the slice ends, and the next slice copies the rest once", async () => {
    const { graph } = harness();
    const entry = graph.inventory()[2];
    if (!entry) throw new Error("no account");
    graph.mutate.addFolder(entry.sourceUpn, "", "Discharges");
    for (let n = 0; n < 25; n += 1)
      graph.mutate.addItem(entry.sourceUpn, "Discharges", { subject: `discharge ${n}`, size: 2_000 });
    const pair = await mailboxPair(harness(), entry);
    // Out of time almost at once: pages were read ahead that this slice never copies.
    const first = await runTransferSlice(pair.request(Date.now() + 150, { pageSize: 5 }));
    expect(first.kind).toBe("more");
    let outcome = first;
    while (outcome.kind !== "done")
      outcome = await runTransferSlice(pair.request(Date.now() + 60_000, { pageSize: 5 }));
    const report = graph.inspect(entry.sourceUpn, entry.targetUpn);
    expect({ ok: report.ok, missing: report.missing, duplicated: report.duplicated }).toEqual({
      ok: true,
      missing: [],
      duplicated: [],
    });
  });
});
