/**
 * The scheduler's outbox: a run that dies between marking accounts and sending their messages
 * leaves an intent, and the next run sends what those accounts still wait for, under the
 * MessageIds the lost sends had; a run that sent everything leaves nothing behind.
 */
import { describe, expect, it } from "vitest";
import { InMemoryActivityLog } from "../../../shared/activity/memory.js";
import { InMemoryMoveQueue } from "../../../shared/bus/memory.js";
import { moveMessageId, nextMoveMessage, type MoveMessage } from "../../../shared/bus/messages.js";
import { readPipelineSettings } from "../../../shared/config/pipeline.js";
import { WEEKDAYS } from "../../../shared/domain/index.js";
import { InMemoryReleaseLedger } from "../../../shared/releases/ledger.js";
import { runScheduler, type SchedulerPorts } from "../../../shared/scheduler/scheduler.js";
import { createMemoryStore } from "../../../shared/store/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { importedAccount, waveRecord } from "../../factories/index.js";

const EVENING = new Date("2030-03-05T20:00:00Z");

/** A queue whose sends fail while `down` is set, as when the instance dies before sending. */
class FailingMoveQueue extends InMemoryMoveQueue {
  down = false;
  override send(messages: readonly MoveMessage[]): Promise<void> {
    if (this.down) return Promise.reject(new Error("instance stopped"));
    return super.send(messages);
  }
}

async function harness(accounts: number) {
  const store = createMemoryStore();
  const moves = new FailingMoveQueue();
  const releases = new InMemoryReleaseLedger();
  const ports: SchedulerPorts = {
    store,
    moves,
    releases,
    activity: new InMemoryActivityLog(),
    pipeline: { ...readPipelineSettings({}), releaseMin: 50, releaseMax: 50 },
    logger: silentLogger,
    now: () => EVENING,
  };
  await store.waves.create(
    waveRecord(
      {
        timeZone: "UTC",
        windows: [{ days: [...WEEKDAYS], start: "19:00", end: "07:00", capacity: 100 }],
        inFlightCap: 1000,
      },
      EVENING,
    ),
  );
  await store.waves.updateStatus("w1", "Active", EVENING);
  await store.accounts.upsertImported(
    Array.from({ length: accounts }, (_, n) => importedAccount(n)),
    EVENING,
  );
  return { ports, store, moves, releases };
}

describe("the scheduler's outbox", () => {
  it("sends, on its next run, the messages of accounts a dead run marked and never sent", async () => {
    const h = await harness(5);
    h.moves.down = true;
    await expect(runScheduler(h.ports, "scheduler")).rejects.toThrow("instance stopped");
    const marked = await h.store.accounts.listByStatus("w1", "Queued");
    expect(marked.items).toHaveLength(5);
    expect(h.moves.sent).toEqual([]);

    h.moves.down = false;
    await runScheduler(h.ports, "scheduler");

    expect(h.moves.sent.map(moveMessageId).sort()).toEqual(
      marked.items.map((account) => moveMessageId(nextMoveMessage(account))).sort(),
    );
    expect(await h.releases.unsentIntents("w1")).toEqual([]);
  });

  it("leaves no intent behind when a run sent what it marked", async () => {
    const h = await harness(3);
    await runScheduler(h.ports, "scheduler");
    expect(h.moves.sent).toHaveLength(3);
    expect(await h.releases.unsentIntents("w1")).toEqual([]);
  });

  it("re-sends nothing for an account that has moved on since it was marked", async () => {
    const h = await harness(2);
    h.moves.down = true;
    await expect(runScheduler(h.ports, "scheduler")).rejects.toThrow("instance stopped");
    const [first] = (await h.store.accounts.listByStatus("w1", "Queued")).items;
    if (!first) throw new Error("nothing was marked");
    // An operator stopped it meanwhile.
    await h.store.accounts.transition(first.id, first.etag, "Stopped", {
      reason: "operator",
      actor: "test",
      at: EVENING,
    });

    h.moves.down = false;
    await runScheduler(h.ports, "scheduler");

    expect(h.moves.sent.map((message) => message.accountId)).not.toContain(first.id);
    expect(h.moves.sent).toHaveLength(1);
  });
});
