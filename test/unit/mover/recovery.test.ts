/**
 * The mover after a crash: a redelivered message takes over the lease its dead invocation held, a
 * message that finds another message's lease comes back when it lapses, a redelivery after its
 * slice was done re-sends the next slice, and a message for an account or wave that does not exist
 * is refused so that it is dead-lettered.
 */
import { describe, expect, it } from "vitest";
import { InMemoryActivityLog } from "../../../shared/activity/memory.js";
import { InMemoryMoveQueue } from "../../../shared/bus/memory.js";
import { moveMessageId, nextMoveMessage, type MoveMessage } from "../../../shared/bus/messages.js";
import { readPipelineSettings } from "../../../shared/config/pipeline.js";
import { accountIdFromUpn, type Account } from "../../../shared/domain/index.js";
import { UnknownMoveTargetError } from "../../../shared/mover/errors.js";
import { FolderMemory } from "../../../shared/mover/folder-memory.js";
import { LOCK_DURATION_MS } from "../../../shared/mover/lease.js";
import { MAX_CRASH_RECOVERIES, runMove } from "../../../shared/mover/mover.js";
import type { MoverPorts } from "../../../shared/mover/ports.js";
import { InMemoryReleaseLedger } from "../../../shared/releases/ledger.js";
import { createMemoryStore, type MemoryStore } from "../../../shared/store/memory/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { T0, importedAccount, waveRecord } from "../../factories/index.js";

/** Thrown by the copy engine's first Graph call: proof that the mover handed the message on. */
class EngineReached extends Error {}

interface Harness {
  readonly services: MoverPorts;
  readonly store: MemoryStore;
  readonly moves: InMemoryMoveQueue;
  readonly pipeline: ReturnType<typeof readPipelineSettings>;
}

async function harness(): Promise<Harness> {
  const store = createMemoryStore();
  const moves = new InMemoryMoveQueue();
  const pipeline = readPipelineSettings({});
  const graph = { api: new Proxy({}, { get: () => () => Promise.reject(new EngineReached()) }) };
  const services = {
    store,
    moves,
    releases: new InMemoryReleaseLedger(),
    activity: new InMemoryActivityLog(),
    logger: silentLogger,
    pipeline,
    source: graph,
    target: graph,
    transferState: graph.api,
    folderMemory: new FolderMemory(),
    now: () => T0,
  } as unknown as MoverPorts;
  await store.waves.create(waveRecord({ timeZone: "UTC" }, T0));
  await store.waves.updateStatus("w1", "Active", T0);
  return { services, store, moves, pipeline };
}

/** A Queued account and the message the scheduler sent for it. */
async function queued(h: Harness, n = 1): Promise<{ account: Account; message: MoveMessage }> {
  const row = importedAccount(n);
  await h.store.accounts.upsertImported([row], T0);
  const id = accountIdFromUpn(row.source.upn);
  const pending = await h.store.accounts.get(id);
  const account = await h.store.accounts.transition(id, pending.etag, "Queued", {
    reason: "released",
    actor: "test",
    at: T0,
  });
  return { account, message: nextMoveMessage(account) };
}

const delivery = (deliveryCount: number) => ({ invocationId: `invocation-${deliveryCount}`, deliveryCount });

describe("the mover after a crash", () => {
  it("takes over at once the lease its message's dead invocation held, and sends the slice on afresh", async () => {
    const h = await harness();
    const { account, message } = await queued(h);
    // The invocation that first had this message claimed the account, then its instance died; the
    // lock lapsed a lock duration after its last renewal, and the message came back.
    const renewed = new Date(T0.getTime() - LOCK_DURATION_MS - 1_000);
    await h.store.accounts.claim(account.id, `slice ${moveMessageId(message)}`, h.pipeline.leaseMs, renewed);

    await expect(runMove(h.services, message, delivery(2))).resolves.toBe("recovered");

    // The same slice under a new MessageId, so its delivery count starts again, and the account
    // free for it to claim at once.
    expect(h.moves.scheduled).toEqual([]);
    expect(h.moves.sent).toEqual([{ ...message, recovered: 1 }]);
    expect(moveMessageId(h.moves.sent[0] ?? message)).not.toBe(moveMessageId(message));
    expect((await h.store.accounts.get(account.id)).lease).toBeUndefined();
    await expect(runMove(h.services, h.moves.sent[0], delivery(1))).rejects.toBeInstanceOf(EngineReached);
  });

  it("sends the same recovery once however often its message comes back", async () => {
    const h = await harness();
    const { account, message } = await queued(h);
    const renewed = new Date(T0.getTime() - LOCK_DURATION_MS - 1_000);
    const owner = `slice ${moveMessageId(message)}`;
    await h.store.accounts.claim(account.id, owner, h.pipeline.leaseMs, renewed);
    await expect(runMove(h.services, message, delivery(2))).resolves.toBe("recovered");
    // The instance died again after sending, before the message was completed.
    await h.store.accounts.claim(account.id, owner, h.pipeline.leaseMs, renewed);
    await expect(runMove(h.services, message, delivery(3))).resolves.toBe("recovered");

    // Both sends carry one MessageId, so the queue (as Service Bus's duplicate detection) keeps one.
    expect(new Set(h.moves.sent.map(moveMessageId)).size).toBe(1);
    expect(h.moves.sent).toEqual([{ ...message, recovered: 1 }]);
    expect(h.moves.scheduled).toEqual([]);
  });

  it("goes on under its message once a slice has been recovered as often as allowed", async () => {
    const h = await harness();
    const { account } = await queued(h);
    const message = { ...nextMoveMessage(account), recovered: MAX_CRASH_RECOVERIES };
    const renewed = new Date(T0.getTime() - LOCK_DURATION_MS - 1_000);
    await h.store.accounts.claim(account.id, `slice ${moveMessageId(message)}`, h.pipeline.leaseMs, renewed);

    // Its deliveries now count towards the dead-letter queue: a message that kills its instance
    // every time ends there.
    await expect(runMove(h.services, message, delivery(2))).rejects.toBeInstanceOf(EngineReached);
    expect(h.moves.sent).toEqual([]);
  });

  it("leaves a lease its message's holder renewed within a lock duration, and comes back after it", async () => {
    const h = await harness();
    const { account, message } = await queued(h);
    // The lock was lost while the holder still worked (a starved instance): it renewed a moment
    // ago, and renews again while the redelivery waits (this clock stands still).
    const renewed = new Date(T0.getTime() - LOCK_DURATION_MS + 50);
    await h.store.accounts.claim(account.id, `slice ${moveMessageId(message)}`, h.pipeline.leaseMs, renewed);

    await expect(runMove(h.services, message, delivery(2))).resolves.toBe("busy");

    const [back] = h.moves.scheduled;
    expect(back?.at.getTime()).toBeGreaterThan(renewed.getTime() + LOCK_DURATION_MS);
    expect(back?.at.getTime()).toBeLessThan(renewed.getTime() + h.pipeline.leaseMs);
  });

  it("brings a message back when another message's lease lapses, instead of dropping it", async () => {
    const h = await harness();
    const { account, message } = await queued(h);
    const held = await h.store.accounts.claim(account.id, "slice another", h.pipeline.leaseMs, T0);

    await expect(runMove(h.services, message, delivery(1))).resolves.toBe("busy");

    expect(h.moves.scheduled).toHaveLength(1);
    const [back] = h.moves.scheduled;
    expect(back?.at.getTime()).toBeGreaterThan(Date.parse(held.lease?.expiresAt ?? ""));
    expect(back?.message).toMatchObject({ ...message, resend: expect.any(Number) as number });
    expect(moveMessageId(back?.message ?? message)).not.toBe(moveMessageId(message));
  });

  it("re-sends the next slice when its message comes back after the slice was done", async () => {
    const h = await harness();
    const { account, message } = await queued(h);
    // The slice ran and moved the account on; the instance died before sending the next slice.
    const syncing = await h.store.accounts.transition(account.id, account.etag, "Syncing", {
      reason: "copy started",
      actor: "test",
      at: T0,
    });
    const moved = await h.store.accounts.updateProgress(syncing.id, syncing.etag, {
      slice: message.slice,
      at: T0,
    });

    await expect(runMove(h.services, message, delivery(2))).resolves.toBe("stale");

    expect(h.moves.sent.map(moveMessageId)).toEqual([moveMessageId(nextMoveMessage(moved))]);
  });

  it("leaves an older slice's message without effect", async () => {
    const h = await harness();
    const { account, message } = await queued(h);
    const syncing = await h.store.accounts.transition(account.id, account.etag, "Syncing", {
      reason: "copy started",
      actor: "test",
      at: T0,
    });
    await h.store.accounts.updateProgress(syncing.id, syncing.etag, { slice: message.slice + 3, at: T0 });

    await expect(runMove(h.services, message, delivery(1))).resolves.toBe("stale");
    expect(h.moves.sent).toEqual([]);
  });

  it("refuses a message for an account that does not exist, naming it", async () => {
    const h = await harness();
    const { message } = await queued(h);
    const stray = { ...message, accountId: "nobody@source.contoso.com" };

    const refused = runMove(h.services, stray, delivery(1));
    await expect(refused).rejects.toBeInstanceOf(UnknownMoveTargetError);
    await expect(refused).rejects.toThrow(/account "nobody@source\.contoso\.com", which does not exist/);
  });

  it("refuses a message naming a wave the account is not in", async () => {
    const h = await harness();
    const { message } = await queued(h);

    await expect(runMove(h.services, { ...message, waveId: "w9" }, delivery(1))).rejects.toThrow(
      /wave "w9", which does not exist/,
    );
  });
});
