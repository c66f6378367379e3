import { describe, expect, it } from "vitest";
import { purgeDeadLetters, replayDeadLetters } from "../../../shared/admin/deadletters/drain.js";
import { listDeadLetters, showDeadLetter } from "../../../shared/admin/deadletters/list.js";
import { MALFORMED_REASON, viewDeadLetter } from "../../../shared/admin/deadletters/view.js";
import { replayMessageId } from "../../../shared/bus/deadletter.js";
import { UNKNOWN_ACCOUNT_REASON, UNKNOWN_WAVE_REASON } from "../../../shared/admin/deadletters/diagnose.js";
import { deadLetter, memoryPorts, moveMessage, type MemoryPorts } from "../../fixtures/admin/ports.js";
import { T0, importedAccount } from "../../factories/index.js";

const operator = { actor: "ops@contoso.com", via: "cli" } as const;

/** Accounts the scene's well-formed messages name, so that they are what the broker says. */
async function importNamed(ports: MemoryPorts): Promise<void> {
  for (const [upn, waveId] of [
    ["a1@x.com", "w1"],
    ["a2@x.com", "w1"],
    ["a3@x.com", "w2"],
  ] as const) {
    await ports.store.accounts.upsertImported([importedAccount(0, { waveId, source: { upn } })], T0);
  }
}

async function scene(): Promise<MemoryPorts> {
  const ports = memoryPorts();
  await importNamed(ports);
  const queue = ports.deadLetters;
  queue.add(deadLetter(1, moveMessage({ accountId: "a1@x.com", waveId: "w1" })));
  queue.add(deadLetter(2, moveMessage({ accountId: "a2@x.com", waveId: "w1" })));
  queue.add(
    deadLetter(3, moveMessage({ accountId: "a3@x.com", waveId: "w2" }), {
      reason: "TTLExpiredException",
      description: "expired",
    }),
  );
  queue.add(
    deadLetter(4, { v: 1, waveId: "w2" }, { applicationProperties: { accountId: "a4@x.com", waveId: "w2" } }),
  );
  queue.add(deadLetter(5, { v: 7 }));
  return ports;
}

describe("dead-letter views", () => {
  it("show the schema error as the reason of a malformed body, keeping what the broker said", () => {
    const view = viewDeadLetter(
      deadLetter(4, { v: 1, waveId: "w2" }, { applicationProperties: { accountId: "a4@x.com" } }),
    );
    expect(view.reason).toBe(MALFORMED_REASON);
    expect(view.description).toContain("accountId: Invalid input");
    expect(view.brokerReason).toBe("MaxDeliveryCountExceeded");
    // The body has no account; the application properties name it.
    expect(view.accountId).toBe("a4@x.com");
    expect(viewDeadLetter(deadLetter(5, { v: 7 })).description).toBe("unsupported schema version 7");
  });

  it("derive replay ids from the original id and the dead-letter sequence number", () => {
    expect(replayMessageId("a1:1:initial:1", 17)).toBe("a1:1:initial:1:replay:17");
    // A copy dead-lettered again keeps the original base and takes its new sequence number.
    expect(replayMessageId("a1:1:initial:1:replay:17", 42)).toBe("a1:1:initial:1:replay:42");
    const long = replayMessageId("x".repeat(200), 3);
    expect(long.length).toBeLessThanOrEqual(128);
    expect(replayMessageId("x".repeat(200), 3)).toBe(long);
  });
});

describe("dead-letter listing", () => {
  it("groups by reason with counts, first and last time", async () => {
    const listing = await listDeadLetters(await scene(), {});
    expect(listing.matched).toBe(5);
    // Largest first; ties in group-id order.
    expect(listing.groups.map((g) => [g.reason, g.count])[0]).toEqual(["MaxDeliveryCountExceeded", 2]);
    expect(listing.groups.map((g) => `${g.reason ?? ""} ${g.count}`).sort()).toEqual([
      `${MALFORMED_REASON} 1`,
      `${MALFORMED_REASON} 1`,
      "MaxDeliveryCountExceeded 2",
      "TTLExpiredException 1",
    ]);
    const first = listing.groups[0];
    expect([first?.firstAt, first?.lastAt]).toEqual(["2025-03-03T12:01:00.000Z", "2025-03-03T12:02:00.000Z"]);
  });

  it("groups by wave and filters by wave, account, reason, group and time", async () => {
    const ports = await scene();
    const byWave = await listDeadLetters(ports, { groupBy: "wave" });
    expect(byWave.groups.map((g) => [g.key, g.count])).toEqual([
      ["w1", 2],
      ["w2", 2],
      ["(unknown wave)", 1],
    ]);
    expect((await listDeadLetters(ports, { waveId: "w1" })).matched).toBe(2);
    expect((await listDeadLetters(ports, { accountId: "a4@x.com" })).matched).toBe(1);
    expect((await listDeadLetters(ports, { reason: "malformedmessage" })).matched).toBe(2);
    expect((await listDeadLetters(ports, { reason: "MaxDeliveryCountExceeded" })).matched).toBe(4);
    expect(
      (await listDeadLetters(ports, { since: "2025-03-03T12:02:00Z", until: "2025-03-03T12:04:00Z" }))
        .matched,
    ).toBe(2);
    const group = (await listDeadLetters(ports, {})).groups[0]?.key ?? "";
    expect((await listDeadLetters(ports, { group })).matched).toBe(2);
  });

  it("shows one message with its body, or says it is not there", async () => {
    const ports = await scene();
    const detail = await showDeadLetter(ports, 3);
    expect(detail.body).toEqual({ json: moveMessage({ accountId: "a3@x.com", waveId: "w2" }) });
    await expect(showDeadLetter(ports, 99)).rejects.toMatchObject({ name: "DeadLetterNotFoundError" });
  });
});

describe("replay and purge", () => {
  it("dry-runs without touching anything, then replays the selection with new ids and records it", async () => {
    const ports = await scene();
    const dry = await replayDeadLetters(ports, { waveId: "w1", dryRun: true }, operator);
    expect([dry.dryRun, dry.matched, ports.deadLetters.size]).toEqual([true, 2, 5]);
    const done = await replayDeadLetters(ports, { waveId: "w1" }, operator);
    expect(done.done).toBe(2);
    expect(ports.deadLetters.size).toBe(3);
    expect(ports.deadLetters.resent.map((m) => m.messageId)).toEqual([
      "a1@x.com:1:initial0:1:replay:1",
      "a2@x.com:1:initial0:1:replay:2",
    ]);
    const [action] = await ports.operatorActions.list(1);
    expect(action).toMatchObject({
      action: "deadletter.replay",
      count: 2,
      outcome: "completed",
      filter: { waveId: "w1" },
    });
  });

  it("records a replay stopped part-way as stopped, with what it did", async () => {
    const ports = await scene();
    const controller = new AbortController();
    const report = await replayDeadLetters(ports, { all: true }, operator, {
      signal: controller.signal,
      onMessage: (done) => {
        if (done === 2) controller.abort();
      },
    });
    expect([report.done, report.stopped]).toEqual([2, true]);
    expect(ports.deadLetters.size).toBe(3);
    expect((await ports.operatorActions.list(1))[0]).toMatchObject({ outcome: "stopped", count: 2 });
  });

  it("stops at max and says more may remain", async () => {
    const report = await replayDeadLetters(await scene(), { all: true, max: 3 }, operator);
    expect([report.done, report.more]).toEqual([3, true]);
  });

  it("purges only with the count confirmed, never more than it", async () => {
    const ports = await scene();
    await expect(
      purgeDeadLetters(ports, { reason: MALFORMED_REASON, confirm: true, expectedCount: 3 }, operator),
    ).rejects.toMatchObject({ name: "ConfirmationMismatchError", expected: 3, actual: 2 });
    expect(ports.deadLetters.size).toBe(5);
    const purged = await purgeDeadLetters(
      ports,
      { reason: MALFORMED_REASON, confirm: true, expectedCount: 2 },
      operator,
    );
    expect([purged.done, ports.deadLetters.size, ports.deadLetters.resent.length]).toEqual([2, 3, 0]);
    expect((await ports.operatorActions.list(1))[0]).toMatchObject({ action: "deadletter.purge", count: 2 });
  });
});

describe("dead letters for accounts or waves that do not exist", () => {
  it("say which does not exist instead of the broker's delivery count, and can be selected by it", async () => {
    const ports = await scene();
    ports.deadLetters.add(deadLetter(6, moveMessage({ accountId: "ghost@x.com", waveId: "w1" })));
    ports.deadLetters.add(deadLetter(7, moveMessage({ accountId: "a3@x.com", waveId: "w1" })));

    const listing = await listDeadLetters(ports, {});
    const reasons = listing.groups.map((group) => [group.reason, group.description, group.count]);
    expect(reasons).toContainEqual([UNKNOWN_ACCOUNT_REASON, 'account "ghost@x.com" does not exist', 1]);
    expect(reasons).toContainEqual([
      UNKNOWN_WAVE_REASON,
      'account "a3@x.com" is in wave "w2", not in wave "w1"',
      1,
    ]);
    expect((await showDeadLetter(ports, 6)).brokerReason).toBe("MaxDeliveryCountExceeded");

    const purged = await purgeDeadLetters(
      ports,
      { reason: UNKNOWN_ACCOUNT_REASON, expectedCount: 1 },
      operator,
    );
    expect(purged.done).toBe(1);
    expect((await listDeadLetters(ports, {})).matched).toBe(6);
  });
});
