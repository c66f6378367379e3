/**
 * Pre-staging and the cutover evening, end to end through the local host: a wave copies its
 * accounts while its window is closed and cuts nothing over; the source then changes (new, moved,
 * updated and deleted items; new, renamed, moved and deleted folders); the window opens with room
 * for fewer accounts than are ready, and exactly that many are cut over, each with its final pass
 * and its finalize actions. Every cut-over account is compared with its source, archives and the
 * age policy included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NON_MAIL_SKU } from "@mailferry/azure-local/graph";
import type { SimulatedAccount } from "@mailferry/azure-local/graph";
import { createPrestagingWave, openWindowNow, prestagedCount, waitForWave } from "../../local/demo/wave.js";
import type { EmbeddedStack } from "../../local/stack.js";
import { accountIdFromUpn, type AccountStatus } from "../../shared/domain/index.js";
import { services } from "../../functions/services.js";
import { startSmallStack } from "./support.js";

const WAVE = "evening";
const AGE_MONTHS = 24;

/**
 * Waits until `count` scheduler runs that began after the call have finished (the host never
 * overlaps a timer with itself), so whatever they would have cut over is in the store.
 */
async function schedulerRuns(stack: EmbeddedStack, count: number): Promise<void> {
  const { started } = stack.host.runs("scheduler");
  await stack.host.waitForRuns("scheduler", started + count);
}

describe("pre-staging, then a cutover window", () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startSmallStack({
      mailboxes: 12,
      itemsPerMailbox: 12,
      seed: 21,
      plantTrouble: true,
      archiveAllTargets: true,
    });
  }, 60_000);

  afterAll(async () => {
    await stack.close();
  });

  it("copies before the window, follows the source's changes, and cuts over within capacity", async () => {
    const graph = stack.graph;
    if (!graph) throw new Error("the stack has no Graph simulator");
    const { store, target } = await services();
    const inventory = graph.inventory();
    const healthy = inventory.filter((entry) =>
      ["ok", "archive", "badItems", "largeItems"].includes(entry.expectation),
    );
    const failing = inventory.length - healthy.length;
    const changed = healthy.filter((entry) => entry.expectation === "ok").slice(0, 2);
    const archived = healthy.find((entry) => entry.expectation === "archive");
    expect(changed).toHaveLength(2);
    expect(archived?.archiveItemCount).toBeGreaterThan(0);
    // Changed and archive accounts first in line, so the capacity limit leaves out others.
    const first = new Set([...changed, archived].map((entry) => entry?.sourceUpn));

    // Content the changes below will act on, present before pre-staging.
    const plan = changed.map((entry) => {
      const upn = entry.sourceUpn;
      graph.mutate.addFolder(upn, "", "Projects");
      graph.mutate.addFolder(upn, "Projects", "Alpha");
      graph.mutate.addFolder(upn, "", "Old");
      return {
        upn,
        inAlpha: graph.mutate.addItem(upn, "Projects/Alpha", { subject: "alpha" }),
        toMove: graph.mutate.addItem(upn, "Inbox", { subject: "to be moved" }),
        toUpdate: graph.mutate.addItem(upn, "Inbox", { subject: "to be changed" }),
        toDelete: graph.mutate.addItem(upn, "Inbox", { subject: "to be deleted" }),
        inOld: graph.mutate.addItem(upn, "Old", { subject: "in a deleted folder" }),
      };
    });

    await createPrestagingWave(
      store,
      {
        waveId: WAVE,
        capacity: healthy.length - 2,
        settings: {
          incrementalHours: 0,
          mirrorDeletions: true,
          archiveAgeMonths: AGE_MONTHS,
          finalize: {
            licenseSkuId: NON_MAIL_SKU.skuId,
            notify: {
              from: graph.target.serviceUpn,
              subject: "Your mailbox has moved, {displayName}",
              body: "Hello {displayName}, your mailbox {upn} moved at {cutoverTime}.",
            },
            announce: true,
          },
        },
      },
      new Date(),
    );
    await store.accounts.upsertImported(
      inventory.map((entry) => ({
        waveId: WAVE,
        source: { upn: entry.sourceUpn },
        target: { upn: entry.targetUpn },
        priority: first.has(entry.sourceUpn) ? 10 : 0,
      })),
      new Date(),
    );

    const prestaged = await waitForWave(store, WAVE, inventory.length, {
      timeoutMs: 120_000,
      reached: prestagedCount,
    });
    expect(prestaged.byStatus).toMatchObject({ Synced: healthy.length, Failed: failing });
    // The scheduler keeps running while the window is closed; still nothing is cut over.
    await schedulerRuns(stack, 2);
    const waiting = await store.counters.waveCounts(WAVE);
    expect(waiting.byStatus).toMatchObject({ Synced: healthy.length, Completing: 0, Completed: 0 });

    // The day's changes at the source.
    for (const change of plan) {
      graph.mutate.addItem(change.upn, "Inbox", { subject: "new today" });
      graph.mutate.updateItem(change.upn, change.toUpdate);
      graph.mutate.deleteItem(change.upn, change.toDelete);
      graph.mutate.renameFolder(change.upn, "Projects", "Programmes");
      graph.mutate.moveItem(change.upn, change.toMove, "Programmes");
      graph.mutate.moveFolder(change.upn, "Programmes/Alpha", "Inbox");
      graph.mutate.deleteFolder(change.upn, "Old");
      graph.mutate.addFolder(change.upn, "Programmes", "Beta");
      graph.mutate.addItem(change.upn, "Programmes/Beta", { subject: "in a new folder" });
    }

    const opened = new Date();
    await openWindowNow(store, WAVE, healthy.length - 2, opened);
    await waitForWave(store, WAVE, healthy.length - 2 + failing, { timeoutMs: 120_000 }).catch(
      async (error: unknown) => {
        const states = await Promise.all(
          healthy.map(async (entry) => {
            const account = await store.accounts.get(accountIdFromUpn(entry.sourceUpn));
            return `${account.id} ${account.status} round ${account.round} slice ${account.slice} ${account.lastError?.message ?? ""}`;
          }),
        );
        throw new Error(`${String(error)}\n${states.join("\n")}`, { cause: error });
      },
    );
    // More scheduler runs: the window has no room left for the other two.
    await schedulerRuns(stack, 2);
    const after = await store.counters.waveCounts(WAVE);
    const cutOver = after.byStatus.Completed + after.byStatus.CompletedWithWarnings;
    expect(cutOver).toBe(healthy.length - 2);
    expect(after.byStatus).toMatchObject({ Synced: 2, Completing: 0 });

    const completed: SimulatedAccount[] = [];
    for (const entry of healthy) {
      const account = await store.accounts.get(accountIdFromUpn(entry.sourceUpn));
      const ended: AccountStatus[] = ["Completed", "CompletedWithWarnings"];
      if (!ended.includes(account.status)) continue;
      completed.push(entry);
      // The copy engine's per-user statistics: when it started, synced and ended, the source's
      // items, and for CompletedWithWarnings what the warnings were.
      for (const field of ["startedAt", "lastSyncAt", "lastIncrementalSyncAt", "finishedAt"] as const)
        expect(Date.parse(account.stats?.[field] ?? ""), field).not.toBeNaN();
      expect(account.stats?.sourceItems).toBeGreaterThan(0);
      if (account.status === "CompletedWithWarnings")
        expect(account.stats?.warnings?.length).toBeGreaterThan(0);
      // Cut over only once the window was open.
      const history = await store.accounts.history(account.id);
      const cutover = history.find((record) => record.to === "Completing");
      expect(
        Date.parse(cutover?.at ?? ""),
        `${opened.toISOString()} ${history.map((r) => `${r.at} ${r.from}>${r.to} ${r.actor} ${r.reason}`).join("; ")}`,
      ).toBeGreaterThanOrEqual(opened.getTime() - 1_000);
      const report = graph.inspect(entry.sourceUpn, entry.targetUpn, {
        includeArchive: true,
        archiveAgeMonths: AGE_MONTHS,
      });
      expect({
        upn: entry.sourceUpn,
        ok: report.ok,
        problems: [
          ...report.missing,
          ...report.extra,
          ...report.altered,
          ...report.duplicated,
          ...report.folderMismatches,
        ],
      }).toEqual({ upn: entry.sourceUpn, ok: true, problems: [] });
      const user = await target.api.findUser(entry.targetUpn);
      expect(user?.assignedLicenses?.map((licence) => licence.skuId)).toContain(NON_MAIL_SKU.skuId);
    }
    for (const entry of [...first]) expect(completed.map((c) => c.sourceUpn)).toContain(entry);

    // One notice per cut-over user, addressed to them and filled in; none for the others.
    const notices = graph.sentMail().filter((mail) => mail.subject.startsWith("Your mailbox has moved"));
    expect(
      notices
        .map((mail) => mail.to)
        .flat()
        .sort(),
    ).toEqual(completed.map((entry) => entry.targetUpn).sort());
    expect(notices.every((mail) => !mail.subject.includes("{") && !mail.body.includes("{"))).toBe(true);
    // One cutover message per account for the systems outside Graph.
    expect(stack.serviceBus.queueStats("cutovers").active).toBe(completed.length);
  }, 300_000);
});
