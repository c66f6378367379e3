/**
 * Dead-letter replay and purge through the real @azure/service-bus SDK against the embedded
 * Service Bus emulator (a fresh queue per test) and the operator-actions log on Azurite.
 */
import { randomUUID } from "node:crypto";
import type { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulators, type Emulators } from "../../../local/stack.js";
import { TablesOperatorActionLog } from "../../../shared/admin/actions/tables.js";
import { purgeDeadLetters, replayDeadLetters } from "../../../shared/admin/deadletters/drain.js";
import { listDeadLetters } from "../../../shared/admin/deadletters/list.js";
import { MALFORMED_REASON } from "../../../shared/admin/deadletters/view.js";
import type { AdminPorts } from "../../../shared/admin/ports.js";
import { ServiceBusDeadLetterQueue } from "../../../shared/bus/deadletter.js";
import { readTablesSettings } from "../../../shared/config/index.js";
import { createTableClient } from "../../../shared/azure/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import {
  connect,
  crashBeforeComplete,
  freshQueue,
  receiveAll,
  sendToDeadLetter,
} from "../../fixtures/admin/bus.js";
import { memoryPorts, moveMessage } from "../../fixtures/admin/ports.js";
import { importedAccount } from "../../factories/index.js";

const operator = { actor: "ops@contoso.com", via: "cli" } as const;

let stack: Emulators;
let client: ServiceBusClient;

beforeAll(async () => {
  stack = await startEmulators({ graph: false, logger: silentLogger });
  client = connect(stack.settings.ServiceBusConnection ?? "");
});

afterAll(async () => {
  await client.close();
  await stack.close();
});

/** Ports over a fresh queue's dead-letter sub-queue and a fresh operator-actions table. */
async function portsFor(queue: string, busClient: ServiceBusClient = client): Promise<AdminPorts> {
  const tables = readTablesSettings({
    MailferryTables: stack.settings.MailferryTables,
    MailferryTablePrefix: `t${randomUUID().replace(/-/g, "").slice(0, 12)}`,
  });
  const table = createTableClient(tables, "operatorActions");
  await table.createTable();
  return {
    ...memoryPorts(new Date()),
    deadLetters: new ServiceBusDeadLetterQueue(busClient, queue),
    operatorActions: new TablesOperatorActionLog(table),
    now: () => new Date(),
  };
}

const moves = (count: number, waveId = "w1") =>
  Array.from({ length: count }, (_, n) => {
    const body = moveMessage({ waveId, accountId: `user${n}@x.com` });
    return {
      body,
      messageId: `${waveId}:user${n}@x.com:1:initial:1`,
      contentType: "application/json",
      applicationProperties: { waveId, accountId: body.accountId, attempt: 1, n },
    };
  });

describe("dead-letter replay on Service Bus", () => {
  it("re-sends body and application properties as they were, drops the dead-letter ones, with a new MessageId", async () => {
    const queue = freshQueue(stack.serviceBus);
    const ports = await portsFor(queue);
    const raw = Buffer.from([0xff, 0x00, 0x7b, 0x80]);
    await sendToDeadLetter(
      client,
      queue,
      [
        {
          body: moveMessage(),
          messageId: "user1@source.contoso.com:1:initial:1",
          contentType: "application/json",
          subject: "move.initial",
          correlationId: "corr-1",
          timeToLive: 3_600_000,
          applicationProperties: {
            waveId: "w1",
            accountId: "user1@source.contoso.com",
            attempt: 1,
            custom: "kept",
            flag: true,
            sentAt: new Date("2025-03-03T12:00:00.000Z"),
          },
        },
        { body: raw, messageId: "binary-1", applicationProperties: { kind: "bytes" } },
      ],
      "HandlerCrashed",
      "the handler threw on every delivery",
    );
    const before = await listDeadLetters(ports, {});
    const sequence = new Map(
      before.groups.flatMap((g) => g.examples.map((e) => [e.messageId, e.sequenceNumber])),
    );

    const report = await replayDeadLetters(ports, { all: true }, operator);
    expect([report.done, stack.serviceBus.queueStats(queue).deadLetter]).toEqual([2, 0]);

    const receiver = client.createReceiver(queue, {
      receiveMode: "receiveAndDelete",
      skipParsingBodyAsJson: true,
      skipConvertingDate: true,
    });
    const copies = await receiveAll(receiver, 2);
    await receiver.close();
    const move = copies.find((m) => m.subject === "move.initial");
    expect(move?.messageId).toBe(
      `user1@source.contoso.com:1:initial:1:replay:${sequence.get("user1@source.contoso.com:1:initial:1") ?? -1}`,
    );
    expect(JSON.parse((move?.body as Buffer).toString("utf8"))).toEqual(moveMessage());
    expect(move?.applicationProperties).toEqual({
      waveId: "w1",
      accountId: "user1@source.contoso.com",
      attempt: 1,
      custom: "kept",
      flag: true,
      sentAt: new Date("2025-03-03T12:00:00.000Z"),
    });
    expect([move?.contentType, move?.correlationId, move?.timeToLive]).toEqual([
      "application/json",
      "corr-1",
      3_600_000,
    ]);
    expect(move?.deadLetterReason).toBeUndefined();
    const binary = copies.find((m) => m.applicationProperties?.kind === "bytes");
    expect(binary?.messageId).toBe(`binary-1:replay:${sequence.get("binary-1") ?? -1}`);
    expect(Buffer.compare(binary?.body as Buffer, raw)).toBe(0);
    expect(Object.keys(binary?.applicationProperties ?? {})).toEqual(["kind"]);
  });

  it("loses nothing and delivers nothing twice when stopped half-way, even between a send and its completion", async () => {
    const queue = freshQueue(stack.serviceBus);
    const ports = await portsFor(queue);
    await sendToDeadLetter(
      client,
      queue,
      moves(12),
      "MaxDeliveryCountExceeded",
      "gave up after 5 deliveries",
    );

    // 1. Stopped on request after 5 messages.
    const controller = new AbortController();
    const first = await replayDeadLetters(ports, { all: true }, operator, {
      signal: controller.signal,
      onMessage: (done) => {
        if (done === 5) controller.abort();
      },
    });
    expect([first.done, first.stopped]).toEqual([5, true]);
    expect(stack.serviceBus.queueStats(queue)).toMatchObject({ active: 5, deadLetter: 7, locked: 0 });

    // 2. The process dies after re-sending the next message and before completing it.
    const crashing = {
      ...ports,
      deadLetters: new ServiceBusDeadLetterQueue(crashBeforeComplete(client, 1), queue),
    };
    await expect(replayDeadLetters(crashing, { all: true }, operator)).rejects.toThrow(/crashed/);
    expect(stack.serviceBus.queueStats(queue)).toMatchObject({ active: 6, deadLetter: 7, locked: 0 });

    // 3. Run again to the end: the half-done message is re-sent under the same id and dropped.
    const last = await replayDeadLetters(ports, { all: true }, operator);
    expect([last.done, last.stopped]).toEqual([7, false]);
    expect(stack.serviceBus.queueStats(queue)).toMatchObject({ active: 12, deadLetter: 0 });

    const receiver = client.createReceiver(queue, { receiveMode: "receiveAndDelete" });
    const delivered = await receiveAll(receiver, 13, 2_000);
    await receiver.close();
    const indexes = delivered.map((m) => Number(m.applicationProperties?.n)).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 12 }, (_, n) => n));
    expect(new Set(delivered.map((m) => m.messageId)).size).toBe(12);

    const actions = await ports.operatorActions.list(10);
    expect(actions.map((a) => [a.outcome, a.count])).toEqual([
      ["completed", 7],
      ["failed", 0],
      ["stopped", 5],
    ]);
  });

  it("groups by reason with the schema error of malformed bodies, and replays or purges only the selection", async () => {
    const queue = freshQueue(stack.serviceBus);
    const ports = await portsFor(queue);
    // The accounts the w1 moves name exist: the broker's reason is the one shown for them.
    await ports.store.accounts.upsertImported(
      [0, 1, 2].map((n) => importedAccount(n, { waveId: "w1", source: { upn: `user${n}@x.com` } })),
      new Date(),
    );
    await sendToDeadLetter(
      client,
      queue,
      moves(3, "w1"),
      "MaxDeliveryCountExceeded",
      "gave up after 5 deliveries",
    );
    await sendToDeadLetter(client, queue, moves(2, "w2"), "TTLExpiredException", "expired");
    await sendToDeadLetter(
      client,
      queue,
      [{ body: { v: 1, waveId: "w3", accountId: "bad@x.com", attempt: 0 }, messageId: "bad-1" }],
      "MaxDeliveryCountExceeded",
      "gave up after 5 deliveries",
    );

    const byReason = await listDeadLetters(ports, {});
    expect(byReason.matched).toBe(6);
    expect(byReason.groups.map((g) => [g.reason, g.count])).toEqual([
      ["MaxDeliveryCountExceeded", 3],
      ["TTLExpiredException", 2],
      [MALFORMED_REASON, 1],
    ]);
    const malformed = byReason.groups[2];
    expect(malformed?.description).toContain("attempt: Too small");
    expect(byReason.groups[0]?.firstAt).toBeDefined();
    const byWave = await listDeadLetters(ports, { groupBy: "wave" });
    expect(byWave.groups.map((g) => [g.key, g.count])).toEqual([
      ["w1", 3],
      ["w2", 2],
      ["w3", 1],
    ]);
    expect((await listDeadLetters(ports, { accountId: "user1@x.com" })).matched).toBe(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await listDeadLetters(ports, { since: future })).matched).toBe(0);
    expect((await listDeadLetters(ports, { until: future })).matched).toBe(6);

    // A dry run changes nothing; a replay of one group touches only it.
    const dry = await replayDeadLetters(
      ports,
      { group: byReason.groups[1]?.key ?? "", dryRun: true },
      operator,
    );
    expect([dry.matched, stack.serviceBus.queueStats(queue).deadLetter]).toEqual([2, 6]);
    const replayed = await replayDeadLetters(
      ports,
      { group: byReason.groups[1]?.key ?? "", max: 1 },
      operator,
    );
    expect([replayed.done, replayed.more]).toEqual([1, true]);
    expect(stack.serviceBus.queueStats(queue)).toMatchObject({ active: 1, deadLetter: 5 });

    // A purge confirmed for the wrong count removes nothing; the right count removes just that.
    await expect(
      purgeDeadLetters(ports, { waveId: "w1", confirm: true, expectedCount: 2 }, operator),
    ).rejects.toMatchObject({ name: "ConfirmationMismatchError", actual: 3 });
    const purged = await purgeDeadLetters(ports, { waveId: "w1", confirm: true, expectedCount: 3 }, operator);
    expect(purged.done).toBe(3);
    expect(stack.serviceBus.queueStats(queue)).toMatchObject({ active: 1, deadLetter: 2, locked: 0 });
    const remaining = await listDeadLetters(ports, {});
    expect(remaining.groups.map((g) => g.reason).sort()).toEqual([MALFORMED_REASON, "TTLExpiredException"]);
    expect((await ports.operatorActions.list(10)).map((a) => a.action)).toEqual([
      "deadletter.purge",
      "deadletter.replay",
    ]);
  });
});
