/**
 * Retry and dead-letter replay with the mover running: the whole pipeline on the embedded stack
 * with a tiny simulated tenant. The mover's claims can be made to fail for chosen accounts, which
 * makes the host abandon their messages until the broker dead-letters them, as a persistent
 * transient fault would.
 */
import type { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedStack } from "../../../local/stack.js";
import { startTestStack } from "../../e2e/support.js";
import { replayDeadLetters } from "../../../shared/admin/deadletters/drain.js";
import { ServiceBusDeadLetterQueue } from "../../../shared/bus/deadletter.js";
import { moveMessageId, nextMoveMessage } from "../../../shared/bus/messages.js";
import { MOVES_QUEUE } from "../../../shared/bus/topology.js";
import { accountIdFromUpn, defineWave, type Account } from "../../../shared/domain/index.js";
import { services } from "../../../functions/services.js";
import type { Services } from "../../../shared/runtime/services.js";
import type { AccountRepository } from "../../../shared/store/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { connect, crashBeforeComplete, until } from "../../fixtures/admin/bus.js";
import { call, OPERATOR } from "../../fixtures/admin/http.js";

const WAVE = "rr";
/** Accounts whose claims fail, so their messages end in the dead-letter queue. */
const failing = new Set<string>();

function failClaims(built: Services): Services {
  const accounts = built.store.accounts;
  const wrapped: AccountRepository = {
    get: (id) => accounts.get(id),
    find: (id) => accounts.find(id),
    peek: (id) => accounts.peek(id),
    upsertImported: (rows, now) => accounts.upsertImported(rows, now),
    transition: (id, etag, to, request) => accounts.transition(id, etag, to, request),
    transitionMany: (list, to, request) => accounts.transitionMany(list, to, request),
    claim: (id, owner, leaseMs, now, options) =>
      failing.has(id)
        ? Promise.reject(new Error("injected: storage unavailable"))
        : accounts.claim(id, owner, leaseMs, now, options),
    release: (id, owner, now) => accounts.release(id, owner, now),
    updateProgress: (id, etag, update) => accounts.updateProgress(id, etag, update),
    history: (id) => accounts.history(id),
    listByStatus: (waveId, status, page) => accounts.listByStatus(waveId, status, page),
    scanByStatus: (waveId, status, page) => accounts.scanByStatus(waveId, status, page),
  };
  return { ...built, store: { ...built.store, accounts: wrapped } };
}

let stack: EmbeddedStack;
let client: ServiceBusClient;
/** Account ids of the simulated tenant's mailboxes. */
let ids: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    graph: { mailboxes: 2, itemsPerMailbox: 6, plantTrouble: false, scaleWindows: 0.01, seed: 3 },
    settings: { MAILFERRY_SLICE_SECONDS: "5", MAILFERRY_LEASE_SECONDS: "15", MAILFERRY_LOG_LEVEL: "off" },
    decorateServices: failClaims,
    authentication: {},
    logger: silentLogger,
    stopGraceMs: 2_000,
  });
  client = connect(stack.settings.ServiceBusConnection ?? "");
  const { store } = await services();
  const now = new Date();
  // Scheduled, not Active: the scheduler leaves it alone and the tests release accounts themselves.
  await store.waves.create(defineWave({ id: WAVE, timeZone: "UTC" }, now));
  const inventory = stack.graph?.inventory() ?? [];
  await store.accounts.upsertImported(
    inventory.map((entry) => ({
      waveId: WAVE,
      source: { upn: entry.sourceUpn },
      target: { upn: entry.targetUpn },
      priority: 0,
    })),
    now,
  );
  ids = inventory.map((entry) => accountIdFromUpn(entry.sourceUpn));
});

afterAll(async () => {
  await client.close();
  await stack.close();
});

/** Releases an account as the scheduler would: marked Queued, then its first slice sent. */
async function release(id: string): Promise<Account> {
  const { store, moves } = await services();
  const pending = await store.accounts.get(id);
  const queued = await store.accounts.transition(id, pending.etag, "Queued", {
    reason: "released by the test",
    actor: "test",
    at: new Date(),
  });
  await moves.send([
    {
      v: 1,
      waveId: WAVE,
      accountId: id,
      attempt: queued.attempt,
      slice: queued.slice + 1,
      pass: "initial",
      round: 0,
    },
  ]);
  return queued;
}

/**
 * Waits until the mover has synced the account, then starts its cutover as the scheduler would for
 * an Active wave (this wave stays Scheduled): marked Completing, then the cutover's slice sent.
 */
async function cutOverWhenSynced(id: string, what: string): Promise<void> {
  await until(async () => (await statusOf(id)) === "Synced", what);
  const { store, moves } = await services();
  const synced = await store.accounts.get(id);
  const completing = await store.accounts.transition(id, synced.etag, "Completing", {
    reason: "cutover started by the test",
    actor: "test",
    at: new Date(),
  });
  await moves.send([nextMoveMessage(completing)]);
}

async function statusOf(id: string): Promise<string> {
  const { store } = await services();
  return (await store.accounts.get(id)).status;
}

async function deadLettered(): Promise<number> {
  return Promise.resolve(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter);
}

function inspect(id: string): { missing: number; duplicated: number } {
  const entry = stack.graph?.inventory().find((account) => accountIdFromUpn(account.sourceUpn) === id);
  if (!entry || !stack.graph) throw new Error(`no simulated account for ${id}`);
  const report = stack.graph.inspect(entry.sourceUpn, entry.targetUpn);
  return { missing: report.missing.length, duplicated: report.duplicated.length };
}

async function transitionsTo(id: string, status: string): Promise<number> {
  const { store } = await services();
  return (await store.accounts.history(id)).filter((record) => record.to === status).length;
}

describe("retry of failed accounts", () => {
  it("queues a failed account as a new attempt that the mover then completes", async () => {
    const { store } = await services();
    const second = ids[0] ?? "";
    failing.add(second);
    await release(second);
    await until(async () => (await deadLettered()) === 1, "the dead-lettered first slice");
    failing.delete(second);
    // The broker gave up on the message and the account stayed Queued: an operator marks it
    // Failed (as the mover does on a permanent fault), drops the message, and later retries it.
    const stuck = await store.accounts.get(second);
    await store.accounts.transition(second, stuck.etag, "Failed", {
      reason: "storage kept failing",
      actor: "ops",
      at: new Date(),
      error: { class: "StorageUnavailable", code: "Injected", message: "storage kept failing" },
    });
    await call(stack, "ops/deadletters/purge", {
      principal: OPERATOR,
      body: { accountId: second, confirm: true, expectedCount: 1 },
    });

    const dry = await call(stack, "ops/retry", { principal: OPERATOR, body: { waveId: WAVE, dryRun: true } });
    expect(dry.json).toMatchObject({
      dryRun: true,
      matched: 1,
      retried: [{ accountId: second, nextAttempt: 2 }],
    });
    expect(await statusOf(second)).toBe("Failed");

    const retried = await call(stack, "ops/retry", {
      principal: OPERATOR,
      body: { waveId: WAVE, failureClass: "StorageUnavailable" },
    });
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({
      dryRun: false,
      matched: 1,
      retried: [{ accountId: second, nextAttempt: 2 }],
    });
    await cutOverWhenSynced(second, "the retried account synced");
    await until(async () => (await statusOf(second)) === "Completed", "the retried account");
    const account = await store.accounts.get(second);
    expect(account.attempt).toBe(2);
    const history = await store.accounts.history(second);
    expect(history.map((record) => [record.from, record.to, record.attempt])).toEqual([
      ["Pending", "Queued", 1],
      ["Queued", "Failed", 1],
      ["Failed", "Queued", 2],
      ["Queued", "Syncing", 2],
      ["Syncing", "Synced", 2],
      ["Synced", "Completing", 2],
      ["Completing", "Completed", 2],
    ]);
    expect(history[2]?.actor).toBe("ops@contoso.com");
    expect(inspect(second)).toEqual({ missing: 0, duplicated: 0 });
    // Retrying again finds nothing to do, and says so.
    const again = await call(stack, "ops/retry", { principal: OPERATOR, body: { accountIds: [second] } });
    expect(again.json).toMatchObject({
      retried: [],
      skipped: [{ accountId: second, why: "is Completed, not Failed" }],
    });
  });
});

describe("replay of a replay", () => {
  it("runs the account once: a re-sent copy that fails again, and a replay repeated after a crash", async () => {
    const id = ids[1] ?? "";
    failing.add(id);
    const queued = await release(id);
    const original = moveMessageId({
      accountId: id,
      attempt: queued.attempt,
      pass: "initial",
      round: 0,
      slice: 1,
    });
    await until(async () => (await deadLettered()) === 1, "the dead-lettered first slice");

    // 1. Replayed while the fault persists: the copy is dead-lettered again under its new id.
    const first = await call(stack, "ops/deadletters/replay", {
      principal: OPERATOR,
      body: { accountId: id },
    });
    expect(first.json).toMatchObject({ done: 1, messages: [{ messageId: original }] });
    const firstCopy = (first.json as { messages: { resentAs: string }[] }).messages[0]?.resentAs ?? "";
    expect(firstCopy).toMatch(new RegExp(`^${original.replace(/[.]/g, "\\.")}:replay:\\d+$`));
    await until(async () => (await deadLettered()) === 1, "the copy dead-lettered again");
    const listing = await call(stack, `ops/deadletters?accountId=${encodeURIComponent(id)}`, {
      principal: OPERATOR,
    });
    const example = (
      listing.json as { groups: { examples: { messageId: string; sequenceNumber: number }[] }[] }
    ).groups[0]?.examples[0];
    expect(example?.messageId).toBe(firstCopy);

    // 2. The fault is gone; the replay of the replay dies after re-sending and before completing.
    failing.delete(id);
    const ports = await services();
    const crashing = {
      ...ports,
      deadLetters: new ServiceBusDeadLetterQueue(crashBeforeComplete(client, 1), MOVES_QUEUE.name),
    };
    await expect(
      replayDeadLetters(crashing, { accountId: id }, { actor: "ops@contoso.com", via: "cli" }),
    ).rejects.toThrow(/crashed/);
    await cutOverWhenSynced(id, "the account synced by the copy");
    await until(async () => (await statusOf(id)) === "Completed", "the account moved by the copy");
    expect(await deadLettered()).toBe(1);

    // 3. Replayed again: the same copy id is re-sent and dropped by duplicate detection.
    const again = await call(stack, "ops/deadletters/replay", {
      principal: OPERATOR,
      body: { accountId: id },
    });
    const secondCopy = `${original}:replay:${example?.sequenceNumber ?? -1}`;
    expect(again.json).toMatchObject({ done: 1, messages: [{ messageId: firstCopy, resentAs: secondCopy }] });
    expect(await deadLettered()).toBe(0);
    await until(() => stack.serviceBus.queueStats(MOVES_QUEUE.name).active === 0, "an empty moves queue");

    // 4. A stale copy of the first slice sent now is ignored by the mover.
    await client.createSender(MOVES_QUEUE.name).sendMessages({
      body: { v: 1, waveId: WAVE, accountId: id, attempt: 1, slice: 1, pass: "initial", round: 0 },
      messageId: `${original}:late`,
    });
    await until(() => {
      const stats = stack.serviceBus.queueStats(MOVES_QUEUE.name);
      return stats.active === 0 && stats.locked === 0;
    }, "the late copy handled");

    expect(await statusOf(id)).toBe("Completed");
    expect(await transitionsTo(id, "Syncing")).toBe(1);
    expect(await transitionsTo(id, "Completed")).toBe(1);
    expect(inspect(id)).toEqual({ missing: 0, duplicated: 0 });
    expect(await deadLettered()).toBe(0);
  });
});
