/**
 * The hybrid engine against in-memory fakes: releasing into evenings, pre-flight and submission
 * (once, however often a message comes), retries that resume or remake a move, and the watcher's
 * audited transitions, approvals, re-planning and removal.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryActivityLog } from "../../../../shared/activity/memory.js";
import { InMemoryMoveQueue } from "../../../../shared/bus/memory.js";
import { nextMoveMessage } from "../../../../shared/bus/messages.js";
import { readPipelineSettings } from "../../../../shared/config/index.js";
import {
  accountIdFromUpn,
  defineWave,
  type Account,
  type HybridSettings,
  type Wave,
  WEEKDAYS,
} from "../../../../shared/domain/index.js";
import { readHybridCheckpoint } from "../../../../shared/mover/hybrid/checkpoint.js";
import { forgetEndpointChecks, submitAccount } from "../../../../shared/mover/hybrid/submit.js";
import { forgetWatchState, runHybridWatch } from "../../../../shared/mover/hybrid/watch.js";
import { InMemoryHybridExchange } from "../../../../shared/exchange/memory.js";
import { ZERO_GUID } from "../../../../shared/exchange/port.js";
import { MoveFailedError } from "../../../../shared/mover/errors.js";
import type { MoverPorts } from "../../../../shared/mover/ports.js";
import { InMemoryReleaseLedger } from "../../../../shared/releases/ledger.js";
import { releaseHybridWave } from "../../../../shared/scheduler/hybrid.js";
import type { SchedulerPorts } from "../../../../shared/scheduler/scheduler.js";
import { createMemoryStore, type MemoryStore } from "../../../../shared/store/memory/index.js";
import { silentLogger } from "../../../../shared/telemetry/logger.js";

const DOMAIN = "fabrikam.example";
const guidOf = (n: number): string => `${String(n).padStart(8, "0")}-0000-4000-8000-000000000000`;
const upnOf = (n: number): string => `user${n}@${DOMAIN}`;

interface Harness {
  services: MoverPorts & SchedulerPorts;
  store: MemoryStore;
  exchange: InMemoryHybridExchange;
  moves: InMemoryMoveQueue;
  releases: InMemoryReleaseLedger;
  setNow(at: string): void;
}

function harness(): Harness {
  const store = createMemoryStore();
  const exchange = new InMemoryHybridExchange();
  const moves = new InMemoryMoveQueue();
  const releases = new InMemoryReleaseLedger();
  let now = new Date("2026-03-02T09:00:00Z");
  exchange.endpoints.set("onprem", {
    identity: "onprem",
    maxConcurrentMigrations: 4,
    maxConcurrentIncrementalSyncs: 2,
  });
  const services = {
    store,
    moves,
    releases,
    exchange,
    activity: new InMemoryActivityLog(),
    logger: silentLogger,
    pipeline: readPipelineSettings({
      MAILFERRY_HYBRID_SYNCED_SECONDS: "60",
      MAILFERRY_HYBRID_PROGRESS_SECONDS: "60",
    }),
    cutovers: { announce: () => Promise.resolve(), close: () => Promise.resolve() },
    now: () => now,
  } as unknown as MoverPorts & SchedulerPorts;
  return { services, store, exchange, moves, releases, setNow: (at) => (now = new Date(at)) };
}

const HYBRID: Partial<HybridSettings> = {
  endpoint: "onprem",
  targetDeliveryDomain: "fabrikam.mail.onmicrosoft.com",
  maxConcurrentMigrations: 4,
};

async function hybridWave(
  h: Harness,
  capacity: number,
  extra: Partial<HybridSettings> = {},
  finalize = false,
): Promise<Wave> {
  await h.store.waves.create(
    defineWave(
      {
        id: "h1",
        timeZone: "UTC",
        windows: [{ days: [...WEEKDAYS], start: "19:00", end: "23:00", capacity }],
        engine: "hybrid",
        hybrid: { ...HYBRID, ...extra },
        ...(finalize ? { finalize: { announce: true } } : {}),
      },
      new Date("2026-03-02T08:00:00Z"),
    ),
  );
  return h.store.waves.updateStatus("h1", "Active", new Date("2026-03-02T08:00:00Z"));
}

function mailUser(h: Harness, n: number, guids: { exchangeGuid?: string; archiveGuid?: string } = {}): void {
  h.exchange.mailUsers.set(upnOf(n), {
    identity: `user${n}`,
    userPrincipalName: upnOf(n),
    exchangeGuid: guids.exchangeGuid ?? guidOf(n),
    archiveGuid: guids.archiveGuid ?? ZERO_GUID,
    externalDirectoryObjectId: guidOf(1000 + n),
    recipientTypeDetails: "MailUser",
  });
}

async function importAccounts(h: Harness, count: number, archive = false): Promise<void> {
  await h.store.accounts.upsertImported(
    Array.from({ length: count }, (_, i) => ({
      waveId: "h1",
      source: {
        upn: upnOf(i),
        exchangeGuid: guidOf(i),
        ...(archive ? { archiveGuid: guidOf(500 + i) } : {}),
      },
      target: { upn: upnOf(i) },
      priority: 0,
    })),
    new Date("2026-03-02T08:00:00Z"),
  );
}

async function submit(h: Harness, account: Account): Promise<string> {
  const wave = await h.store.waves.get(account.waveId);
  return submitAccount({
    services: h.services,
    account,
    wave,
    message: nextMoveMessage(account),
    invocation: { invocationId: "test", deliveryCount: 1, leaseOwner: "test" },
    log: silentLogger,
  });
}

const get = (h: Harness, n: number): Promise<Account> => h.store.accounts.get(accountIdFromUpn(upnOf(n)));

describe("the hybrid engine", () => {
  let h: Harness;

  beforeEach(() => {
    h = harness();
    forgetEndpointChecks();
    forgetWatchState();
  });

  it("releases MaxConcurrentMigrations and a margin, each into the earliest evening with room", async () => {
    await hybridWave(h, 5);
    await importAccounts(h, 10);
    const first = await releaseHybridWave(
      h.services,
      await h.store.waves.get("h1"),
      h.services.now(),
      "test",
    );
    expect(first.released).toBe(6);
    expect(h.moves.sent).toHaveLength(6);
    const queued = (await h.store.accounts.listByStatus("h1", "Queued", { limit: 100 })).items;
    const evenings = queued.map((account) => readHybridCheckpoint(account.checkpoint)?.evening);
    expect(evenings.filter((evening) => evening === "2026-03-02T19:00:00.000Z")).toHaveLength(5);
    expect(evenings.filter((evening) => evening === "2026-03-03T19:00:00.000Z")).toHaveLength(1);
    expect((await h.releases.get("h1", "2026-03-02T19:00:00.000Z"))?.released).toBe(5);
    const again = await releaseHybridWave(
      h.services,
      await h.store.waves.get("h1"),
      h.services.now(),
      "test",
    );
    expect(again.released).toBe(0);
  });

  it("submits a pre-flighted account once, however often its message comes", async () => {
    await hybridWave(h, 10);
    await importAccounts(h, 1);
    mailUser(h, 0);
    await releaseHybridWave(h.services, await h.store.waves.get("h1"), h.services.now(), "test");
    const queued = await get(h, 0);
    // A host that died after Exchange took the user and before anything was recorded.
    const plan = readHybridCheckpoint(queued.checkpoint);
    await h.exchange.addToBatch({
      name: plan?.batch ?? "",
      endpoint: "onprem",
      targetDeliveryDomain: "fabrikam.mail.onmicrosoft.com",
      primaryOnly: false,
      completeAfter: new Date(plan?.evening ?? ""),
      users: [{ email: upnOf(0) }],
    });
    const adds = h.exchange.calls.filter((call) => call === "Set-MigrationBatch").length;
    expect(await submit(h, queued)).toBe("submitted");
    expect(h.exchange.calls.filter((call) => call === "Set-MigrationBatch")).toHaveLength(adds);
    const recorded = await get(h, 0);
    expect(readHybridCheckpoint(recorded.checkpoint)).toMatchObject({
      submittedAttempt: 1,
      exchangeGuid: guidOf(0),
      batch: plan?.batch,
    });
    expect(recorded.slice).toBe(1);
    expect(h.exchange.moves.size).toBe(1);
  });

  it.each([
    ["MailUserNotFound", (x: Harness) => x.exchange.mailUsers.delete(upnOf(0))],
    ["ExchangeGuidMismatch", (x: Harness) => mailUser(x, 0, { exchangeGuid: guidOf(77) })],
    ["ExchangeGuidMissing", (x: Harness) => mailUser(x, 0, { exchangeGuid: ZERO_GUID })],
    ["ArchiveGuidMissing", (x: Harness) => mailUser(x, 0, { archiveGuid: ZERO_GUID })],
    ["ArchiveGuidMismatch", (x: Harness) => mailUser(x, 0, { archiveGuid: guidOf(99) })],
    [
      "TargetAlreadyMailbox",
      (x: Harness) => {
        x.exchange.mailUsers.delete(upnOf(0));
        x.exchange.mailboxes.set(upnOf(0), {
          identity: "user0",
          userPrincipalName: upnOf(0),
          exchangeGuid: guidOf(0),
          archiveGuid: ZERO_GUID,
          recipientTypeDetails: "UserMailbox",
        });
      },
    ],
    [
      "MoveAlreadyExists",
      (x: Harness) => {
        x.exchange.moves.set(upnOf(0), {
          email: upnOf(0),
          identity: upnOf(0),
          exchangeGuid: guidOf(0),
          status: "InProgress",
          batch: "someone-elses",
          statusDetail: "",
          percentComplete: 0,
          bytesTransferred: 0,
          itemsTransferred: 0,
        });
      },
    ],
  ])("fails pre-flight with %s before any move is made", async (failureClass, plant) => {
    await hybridWave(h, 10);
    await importAccounts(h, 1, true);
    mailUser(h, 0, { archiveGuid: guidOf(500) });
    plant(h);
    await releaseHybridWave(h.services, await h.store.waves.get("h1"), h.services.now(), "test");
    const error = await submit(h, await get(h, 0)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MoveFailedError);
    expect((error as MoveFailedError).failureClass).toBe(failureClass);
    expect(h.exchange.calls).not.toContain("Set-MigrationBatch");
  });

  it("resumes a move that failed on something passing, and remakes one that will not pass", async () => {
    await hybridWave(h, 10);
    await importAccounts(h, 2);
    mailUser(h, 0);
    mailUser(h, 1);
    await releaseHybridWave(h.services, await h.store.waves.get("h1"), h.services.now(), "test");
    for (const n of [0, 1]) await submit(h, await get(h, n));
    h.exchange.setMove(upnOf(0), { status: "Failed", failureType: "CommunicationErrorTransientException" });
    h.exchange.setMove(upnOf(1), { status: "Failed", failureType: "TooManyMissingItemsPermanentException" });
    await runHybridWatch(h.services, "watcher");
    for (const n of [0, 1]) {
      const failed = await get(h, n);
      expect(failed.status).toBe("Failed");
      await h.store.accounts.transition(failed.id, failed.etag, "Queued", {
        reason: "retried",
        actor: "op",
        at: h.services.now(),
      });
    }
    h.exchange.calls.length = 0;
    expect(await submit(h, await get(h, 0))).toBe("submitted");
    expect(h.exchange.calls).toContain("Start-MigrationUser");
    expect(h.exchange.calls).not.toContain("Remove-MigrationUser");
    h.exchange.calls.length = 0;
    expect(await submit(h, await get(h, 1))).toBe("submitted");
    expect(h.exchange.calls).toContain("Remove-MigrationUser");
    expect(h.exchange.calls).toContain("Set-MigrationBatch");
    expect((await get(h, 1)).attempt).toBe(2);
  });

  it("records Exchange's states as audited transitions, approving what the policy allows", async () => {
    await hybridWave(h, 10, { autoApprove: "Investigate" });
    await importAccounts(h, 3);
    for (const n of [0, 1, 2]) mailUser(h, n);
    await releaseHybridWave(h.services, await h.store.waves.get("h1"), h.services.now(), "test");
    for (const n of [0, 1, 2]) await submit(h, await get(h, n));
    h.exchange.setMove(upnOf(0), {
      status: "InProgress",
      statusDetail: "StalledDueToTarget_MdbAvailability",
      bytesTransferred: 5_000,
      itemsTransferred: 10,
    });
    h.exchange.setMove(upnOf(1), {
      status: "Synced",
      score: "Investigate",
      bytesTransferred: 9_000,
      itemsTransferred: 20,
    });
    h.exchange.setMove(upnOf(2), { status: "Synced", score: "Poor" });
    const [report] = await runHybridWatch(h.services, "watcher");
    expect(report?.approved).toBe(1);
    // A move that just started syncing has its figures read on the next look.
    await runHybridWatch(h.services, "watcher");
    const syncing = await get(h, 0);
    expect(syncing.status).toBe("Syncing");
    expect(syncing.progress.bytes).toBe(5_000);
    expect(readHybridCheckpoint(syncing.checkpoint)?.waiting).toBe(
      "stalled: StalledDueToTarget_MdbAvailability",
    );
    const approved = await get(h, 1);
    expect(approved.status).toBe("Synced");
    expect(readHybridCheckpoint(approved.checkpoint)?.approvedBy).toMatch(/policy/);
    const waiting = await get(h, 2);
    expect(readHybridCheckpoint(waiting.checkpoint)?.waiting).toMatch(/wait for approval/);
    expect((await h.store.accounts.history(waiting.id)).map((record) => record.to)).toEqual([
      "Queued",
      "Syncing",
      "Synced",
    ]);

    h.exchange.setMove(upnOf(1), { status: "CompletedWithSkippedItems" });
    h.exchange.setMove(upnOf(0), {
      status: "Failed",
      failureType: "CommunicationErrorTransientException",
      message: "no answer",
    });
    h.setNow("2026-03-02T19:05:00Z");
    await runHybridWatch(h.services, "watcher");
    const done = await get(h, 1);
    expect(done.status).toBe("CompletedWithWarnings");
    expect((await h.store.accounts.history(done.id)).at(-1)?.reason).toMatch(/approved by the wave's policy/);
    const failed = await get(h, 0);
    expect(failed.lastError).toEqual({
      class: "CommunicationErrorTransientException",
      code: "CommunicationErrorTransientException",
      message: "no answer",
    });
  });

  it("records Exchange's statistics on the account as the per-user statistics, warnings included", async () => {
    await hybridWave(h, 10, { autoApprove: "Investigate" });
    await importAccounts(h, 2);
    for (const n of [0, 1]) mailUser(h, n);
    await releaseHybridWave(h.services, await h.store.waves.get("h1"), h.services.now(), "test");
    for (const n of [0, 1]) await submit(h, await get(h, n));
    const moving = {
      status: "InProgress" as const,
      statusDetail: "StalledDueToTarget_DiskLatency",
      percentComplete: 37,
      bytesTransferred: 4_000,
      itemsTransferred: 40,
      totalBytes: 10_000,
      totalItems: 100,
      badItems: 2,
      largeItems: 1,
      startedAt: "2026-03-02T09:01:00Z",
    };
    h.exchange.setMove(upnOf(0), moving);
    h.exchange.setMove(upnOf(1), {
      ...moving,
      status: "Synced",
      statusDetail: "",
      percentComplete: 95,
      score: "Investigate",
      initialSyncedAt: "2026-03-02T09:10:00Z",
      lastSyncAt: "2026-03-02T09:40:00Z",
    });
    await runHybridWatch(h.services, "watcher");
    await runHybridWatch(h.services, "watcher");
    const syncing = await get(h, 0);
    expect(syncing.progress).toMatchObject({ items: 40, bytes: 4_000, badItems: 2, largeItemsSkipped: 1 });
    expect(syncing.stats).toMatchObject({
      sourceItems: 100,
      sourceBytes: 10_000,
      percentComplete: 37,
      startedAt: "2026-03-02T09:01:00.000Z",
      waiting: "stalled: StalledDueToTarget_DiskLatency",
    });
    expect(syncing.stats?.stalledSince).toBeDefined();
    const synced = await get(h, 1);
    expect(synced.stats).toMatchObject({
      score: "Investigate",
      lastSyncAt: "2026-03-02T09:40:00.000Z",
      lastIncrementalSyncAt: "2026-03-02T09:40:00.000Z",
    });
    expect(synced.stats?.waiting).toBeUndefined();

    h.exchange.setMove(upnOf(1), { status: "CompletedWithSkippedItems" });
    h.setNow("2026-03-02T19:05:00Z");
    await runHybridWatch(h.services, "watcher");
    const done = await get(h, 1);
    expect(done.status).toBe("CompletedWithWarnings");
    expect(done.stats?.warnings).toEqual([
      "skipped items (data consistency score Investigate, approved by the wave's policy (auto-approve Investigate))",
    ]);
    expect(done.stats?.finishedAt).toBe("2026-03-02T19:05:00.000Z");
  });

  it("leaves the finalize actions to the mover, moves late syncs to the next evening, and removes old moves", async () => {
    await hybridWave(h, 10, { retentionDays: 1 }, true);
    await importAccounts(h, 2);
    mailUser(h, 0);
    mailUser(h, 1);
    await releaseHybridWave(h.services, await h.store.waves.get("h1"), h.services.now(), "test");
    for (const n of [0, 1]) await submit(h, await get(h, n));
    h.exchange.setMove(upnOf(0), { status: "Completed" });
    h.exchange.setMove(upnOf(1), { status: "InProgress" });
    h.setNow("2026-03-02T19:01:00Z");
    const sent = h.moves.sent.length;
    await runHybridWatch(h.services, "watcher");
    const completing = await get(h, 0);
    expect(completing.status).toBe("Completing");
    expect(h.moves.sent.slice(sent).map((message) => message.accountId)).toEqual([completing.id]);
    const late = readHybridCheckpoint((await get(h, 1)).checkpoint);
    expect(late?.evening).toBe("2026-03-03T19:00:00.000Z");
    expect(late?.waiting).toMatch(/not synced when its evening began/);
    expect(h.exchange.moves.get(upnOf(1))?.userCompleteAfter).toBe("2026-03-03T19:00:00.000Z");

    // Completed (as the mover would have it after the finalize actions), then older than retention.
    await h.store.accounts.transition(completing.id, completing.etag, "Completed", {
      reason: "finalized",
      actor: "mover",
      at: h.services.now(),
    });
    h.setNow("2026-03-04T20:00:00Z");
    forgetWatchState();
    await runHybridWatch(h.services, "watcher");
    expect(readHybridCheckpoint((await get(h, 0)).checkpoint)?.removedAt).toBeDefined();
    expect(h.exchange.moves.has(upnOf(0))).toBe(false);
  });
});
