/**
 * The admin HTTP API on the embedded stack: function keys, App Service principals and roles,
 * request validation, wave operations, reports and the dead-letter queue of `moves`.
 */
import type { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type EmbeddedStack } from "../../../local/stack.js";
import { MOVES_QUEUE } from "../../../shared/bus/topology.js";
import { defineWave } from "../../../shared/domain/index.js";
import { services } from "../../../functions/services.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { connect, until } from "../../fixtures/admin/bus.js";
import { call, errorOf, OPERATOR, READER } from "../../fixtures/admin/http.js";

let stack: EmbeddedStack;
let client: ServiceBusClient;

beforeAll(async () => {
  stack = await startStack({
    graph: { mailboxes: 1, itemsPerMailbox: 2, plantTrouble: false, scaleWindows: 0.01 },
    logger: silentLogger,
    stopGraceMs: 2_000,
    // App Service authentication on; each call names its principal.
    authentication: {},
    settings: { MAILFERRY_LOG_LEVEL: "off" },
  });
  client = connect(stack.settings.ServiceBusConnection ?? "");
  const { store } = await services();
  const now = new Date();
  await store.waves.create(defineWave({ id: "api", timeZone: "UTC" }, now));
  await store.accounts.upsertImported(
    [1, 2].map((n) => ({
      waveId: "api",
      source: { upn: `user${n}@source.example` },
      target: { upn: `user${n}@target.example` },
      priority: n,
    })),
    now,
  );
});

afterAll(async () => {
  await client.close();
  await stack.close();
});

const ROUTES: readonly [string, string][] = [
  ["GET", "ops/status"],
  ["GET", "ops/accounts/user1@source.example"],
  ["POST", "ops/accounts/user1@source.example/complete"],
  ["GET", "ops/failures"],
  ["POST", "ops/retry"],
  ["GET", "ops/deadletters"],
  ["GET", "ops/deadletters/1"],
  ["POST", "ops/deadletters/replay"],
  ["POST", "ops/deadletters/purge"],
  ["POST", "ops/waves/api/pause"],
  ["GET", "ops/waves/api/report"],
  ["GET", "ops/actions"],
];

const CHANGES: readonly [string, unknown][] = [
  ["ops/retry", { all: true }],
  ["ops/deadletters/replay", { all: true }],
  ["ops/deadletters/purge", { all: true, confirm: true, expectedCount: 0 }],
  ["ops/waves/api/pause", {}],
  ["ops/accounts/user1@source.example/complete", {}],
];

describe("admin API access", () => {
  it("refuses every route without a function key, even with a principal", async () => {
    for (const [method, path] of ROUTES) {
      const answer = await call(stack, path, { method, key: false, principal: OPERATOR });
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
  });

  it("answers 401 with a clear body when the principal is missing or unreadable", async () => {
    for (const [method, path] of ROUTES) {
      const answer = await call(stack, path, { method });
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(errorOf(answer)).toMatchObject({
        code: "Unauthenticated",
        message: expect.stringContaining("x-ms-client-principal") as unknown,
      });
    }
    const garbled = await call(stack, "ops/status", { principal: "not-base64-json" });
    expect([garbled.status, errorOf(garbled).code]).toEqual([401, "Unauthenticated"]);
  });

  it("lets a reader read but refuses every change with 403 naming the role", async () => {
    for (const path of [
      "ops/status",
      "ops/failures",
      "ops/deadletters",
      "ops/actions",
      "ops/waves/api/report",
    ]) {
      expect((await call(stack, path, { principal: READER })).status, path).toBe(200);
    }
    for (const [path, body] of CHANGES) {
      const answer = await call(stack, path, { principal: READER, body });
      expect(answer.status, path).toBe(403);
      expect(errorOf(answer)).toMatchObject({ code: "Forbidden", requiredRole: "Migration.Operator" });
    }
    const stranger = await call(stack, "ops/status", {
      principal: Buffer.from(JSON.stringify({ claims: [{ typ: "roles", val: "Other" }] })).toString("base64"),
    });
    expect([stranger.status, errorOf(stranger).code]).toEqual([403, "Forbidden"]);
    // Nothing was changed by the refused calls.
    const { store } = await services();
    expect((await store.waves.get("api")).status).toBe("Scheduled");
    expect((await store.accounts.get("user1@source.example")).completeNow).toBeUndefined();
  });
});

describe("admin API validation", () => {
  const cases: readonly { what: string; path: string; body?: unknown; method?: string; field: string }[] = [
    { what: "wave id", path: "ops/status?wave=Not_A_Wave", field: "query.wave" },
    { what: "unknown query parameter", path: "ops/status?colour=red", field: "query.colour" },
    { what: "negative examples", path: "ops/failures?examples=-1", field: "query.examples" },
    { what: "examples not a number", path: "ops/failures?examples=many", field: "query.examples" },
    { what: "empty account id", path: "ops/accounts/%20", field: "route.accountId" },
    { what: "unknown grouping", path: "ops/deadletters?groupBy=colour", field: "query.groupBy" },
    { what: "since not a time", path: "ops/deadletters?since=yesterday", field: "query.since" },
    {
      what: "until before since",
      path: "ops/deadletters?since=2025-03-02T00:00:00Z&until=2025-03-01T00:00:00Z",
      field: "query.until",
    },
    { what: "sequence number not a number", path: "ops/deadletters/first", field: "route.sequenceNumber" },
    { what: "body not JSON", path: "ops/retry", body: "{not json", field: "body" },
    { what: "body not an object", path: "ops/retry", body: [1, 2], field: "body" },
    { what: "retry selecting nothing", path: "ops/retry", body: {}, field: "body.all" },
    { what: "empty account list", path: "ops/retry", body: { accountIds: [] }, field: "body.accountIds" },
    { what: "limit 0", path: "ops/retry", body: { waveId: "api", limit: 0 }, field: "body.limit" },
    {
      what: "dryRun not boolean",
      path: "ops/retry",
      body: { waveId: "api", dryRun: "maybe" },
      field: "body.dryRun",
    },
    {
      what: "failure class",
      path: "ops/retry",
      body: { failureClass: "no such class!" },
      field: "body.failureClass",
    },
    {
      what: "unknown body field",
      path: "ops/retry",
      body: { waveId: "api", force: true },
      field: "body.force",
    },
    {
      what: "rate 0",
      path: "ops/deadletters/replay",
      body: { all: true, ratePerSecond: 0 },
      field: "body.ratePerSecond",
    },
    {
      what: "max too large",
      path: "ops/deadletters/replay",
      body: { all: true, max: 100_000 },
      field: "body.max",
    },
    {
      what: "negative sequence",
      path: "ops/deadletters/replay",
      body: { sequenceNumber: -4 },
      field: "body.sequenceNumber",
    },
    { what: "purge unconfirmed", path: "ops/deadletters/purge", body: { all: true }, field: "body.confirm" },
    {
      what: "purge count not whole",
      path: "ops/deadletters/purge",
      body: { all: true, confirm: true, expectedCount: 1.5 },
      field: "body.expectedCount",
    },
    { what: "unknown wave operation", path: "ops/waves/api/explode", body: {}, field: "route.operation" },
    {
      what: "at on pause",
      path: "ops/waves/api/pause",
      body: { at: "2030-01-01T00:00:00Z" },
      field: "body.at",
    },
    {
      what: "complete at not a time",
      path: "ops/waves/api/complete",
      body: { at: "tomorrow" },
      field: "body.at",
    },
    {
      what: "account complete at not a time",
      path: "ops/accounts/user1@source.example/complete",
      body: { at: "in an hour" },
      field: "body.at",
    },
    {
      what: "account complete unknown field",
      path: "ops/accounts/user1@source.example/complete",
      body: { now: true },
      field: "body.now",
    },
    { what: "report status", path: "ops/waves/api/report?status=Done", field: "query.status" },
    { what: "actions limit", path: "ops/actions?limit=1000", field: "query.limit" },
  ];

  it(`answers 400 naming the field for each of ${cases.length} malformed requests`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const entry of cases) {
      const answer = await call(stack, entry.path, {
        principal: OPERATOR,
        ...(entry.body !== undefined ? { body: entry.body } : {}),
        ...(entry.method !== undefined ? { method: entry.method } : {}),
      });
      expect(answer.status, entry.what).toBe(400);
      const error = errorOf(answer);
      expect(error.code, entry.what).toBe("BadRequest");
      expect(
        error.fields?.map((field) => field.path),
        entry.what,
      ).toContain(entry.field);
      for (const field of error.fields ?? []) expect(field.message.length, entry.what).toBeGreaterThan(3);
    }
    // None of the refused changes was recorded.
    const actions = await call(stack, "ops/actions", { principal: READER });
    expect((actions.json as { actions: unknown[] }).actions).toEqual([]);
  });
});

describe("admin API operations", () => {
  it("reports status, an account and the wave's CSV", async () => {
    const status = await call(stack, "ops/status?wave=api", { principal: READER });
    expect(status.status).toBe(200);
    expect((status.json as { waves: unknown[] }).waves[0]).toMatchObject({
      waveId: "api",
      counts: { accounts: 2, byStatus: { Pending: 2 } },
      remaining: 2,
      failureRate: null,
    });
    const account = await call(stack, "ops/accounts/User1@Source.example", { principal: READER });
    expect(account.status).toBe(200);
    expect(account.json).toMatchObject({
      account: { id: "user1@source.example", status: "Pending", waveId: "api" },
      history: [],
      badItems: [],
    });
    const missing = await call(stack, "ops/accounts/nobody@source.example", { principal: READER });
    expect([missing.status, errorOf(missing).code]).toEqual([404, "NotFound"]);
    const report = await call(stack, "ops/waves/api/report", { principal: READER });
    expect(report.status).toBe(200);
    expect(report.contentType).toContain("text/csv");
    const lines = report.text.trimEnd().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^accountId,sourceUpn,targetUpn,status,/);
    // Highest priority first.
    expect(lines[1]).toMatch(/^user2@source\.example,user2@source\.example,user2@target\.example,Pending,/);
  });

  it("pauses, resumes, completes and cancels a wave, refuses what its status forbids, and records all", async () => {
    const { store } = await services();
    await store.waves.create(defineWave({ id: "steer", timeZone: "UTC" }, new Date()));
    const step = (operation: string, body: unknown = {}) =>
      call(stack, `ops/waves/steer/${operation}`, { principal: OPERATOR, body });
    expect((await step("pause")).json).toMatchObject({ wave: { id: "steer", status: "Paused" } });
    expect((await step("resume")).json).toMatchObject({ wave: { status: "Active" } });
    expect(
      (await step("complete", { at: "2030-01-01T19:00:00+01:00", reason: "cutover weekend" })).json,
    ).toMatchObject({
      wave: { completeAfter: "2030-01-01T18:00:00.000Z" },
    });
    expect((await store.waves.get("steer")).completeNow).toBeUndefined();
    // The stack's clock is its own (scaled windows): complete now takes that clock's present.
    const clock = await services();
    const before = clock.now().getTime();
    const now = (await step("complete")).json as { wave: { completeNow?: string; completeAfter?: string } };
    // Complete now sets completeNow to the present and takes back the completeAfter given before.
    expect(now.wave.completeAfter).toBeUndefined();
    expect(Date.parse(now.wave.completeNow ?? "")).toBeGreaterThanOrEqual(before);
    expect(Date.parse(now.wave.completeNow ?? "")).toBeLessThanOrEqual(clock.now().getTime());
    expect((await step("cancel")).json).toMatchObject({ wave: { status: "Cancelled" } });
    const refused = await step("resume");
    expect([refused.status, errorOf(refused).code]).toEqual([409, "Conflict"]);
    const closed = await step("complete");
    expect([closed.status, errorOf(closed).code]).toEqual([409, "Conflict"]);
    const unknown = await call(stack, "ops/waves/nowave/pause", { principal: OPERATOR, body: {} });
    expect(unknown.status).toBe(404);

    const actions = (await call(stack, "ops/actions?limit=20", { principal: READER })).json as {
      actions: {
        action: string;
        actor: string;
        outcome: string;
        target: string;
        filter: Record<string, unknown>;
      }[];
    };
    const steer = actions.actions.filter((action) => action.target === "wave steer").reverse();
    expect(steer.map((action) => [action.action, action.outcome])).toEqual([
      ["wave.pause", "completed"],
      ["wave.resume", "completed"],
      ["wave.complete", "completed"],
      ["wave.complete", "completed"],
      ["wave.cancel", "completed"],
      ["wave.resume", "failed"],
      ["wave.complete", "failed"],
    ]);
    expect(steer.every((action) => action.actor === "ops@contoso.com")).toBe(true);
    expect(steer[2]?.filter).toEqual({ at: "2030-01-01T19:00:00+01:00", reason: "cutover weekend" });
  });

  it("lists malformed moves with their schema error, and purges them only with the confirmed count", async () => {
    const sender = client.createSender(MOVES_QUEUE.name);
    await sender.sendMessages([
      {
        body: {
          v: 1,
          waveId: "api",
          accountId: "user1@source.example",
          attempt: 1,
          slice: 1,
          pass: "sideways",
          round: 0,
        },
        messageId: "bad-pass",
      },
      { body: { v: 2, anything: true }, messageId: "bad-version" },
    ]);
    await sender.close();
    // The mover throws on both; after maxDeliveryCount the broker dead-letters them.
    await until(
      () => stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter === 2,
      "two dead-lettered moves",
    );

    const listing = await call(stack, "ops/deadletters", { principal: READER });
    const groups = (listing.json as { groups: { reason: string; description: string; count: number }[] })
      .groups;
    expect(groups.map((g) => g.reason)).toEqual(["MalformedMessage", "MalformedMessage"]);
    expect(groups.map((g) => g.description).sort()).toEqual([
      'pass: Invalid option: expected one of "initial"|"incremental"|"cutover"',
      "unsupported schema version 2",
    ]);
    const byWave = await call(stack, "ops/deadletters?waveId=api", { principal: READER });
    expect((byWave.json as { matched: number }).matched).toBe(1);
    const one = await call(stack, "ops/deadletters?reason=MaxDeliveryCountExceeded&groupBy=account", {
      principal: READER,
    });
    expect((one.json as { groups: { key: string }[] }).groups.map((g) => g.key).sort()).toEqual([
      "(unknown account)",
      "user1@source.example",
    ]);

    const dry = await call(stack, "ops/deadletters/purge", {
      principal: OPERATOR,
      body: { reason: "MalformedMessage", dryRun: true },
    });
    expect(dry.json).toMatchObject({ dryRun: true, matched: 2 });
    const wrong = await call(stack, "ops/deadletters/purge", {
      principal: OPERATOR,
      body: { reason: "MalformedMessage", confirm: true, expectedCount: 5 },
    });
    expect([wrong.status, errorOf(wrong).code]).toEqual([409, "Conflict"]);
    expect(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter).toBe(2);
    const purged = await call(stack, "ops/deadletters/purge", {
      principal: OPERATOR,
      body: { reason: "MalformedMessage", confirm: true, expectedCount: 2 },
    });
    expect(purged.json).toMatchObject({ dryRun: false, done: 2 });
    expect(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter).toBe(0);
    const actions = (await call(stack, "ops/actions?limit=1", { principal: READER })).json as {
      actions: { action: string; actor: string; count: number; filter: Record<string, unknown> }[];
    };
    expect(actions.actions[0]).toMatchObject({
      action: "deadletter.purge",
      actor: "ops@contoso.com",
      count: 2,
      filter: { reason: "MalformedMessage", expectedCount: 2 },
    });
  });

  it("dead-letters a well-formed move for an account that does not exist, saying so", async () => {
    const sender = client.createSender(MOVES_QUEUE.name);
    await sender.sendMessages({
      body: {
        v: 1,
        waveId: "api",
        accountId: "ghost@source.example",
        attempt: 1,
        slice: 1,
        pass: "initial",
        round: 0,
      },
      messageId: "ghost",
    });
    await sender.close();
    await until(
      () => stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter === 1,
      "the move for an unknown account dead-lettered",
    );
    const listing = await call(stack, "ops/deadletters", { principal: READER });
    expect((listing.json as { groups: { reason: string; description: string }[] }).groups).toEqual([
      expect.objectContaining({
        reason: "UnknownAccount",
        description: 'account "ghost@source.example" does not exist',
      }),
    ]);
    const purged = await call(stack, "ops/deadletters/purge", {
      principal: OPERATOR,
      body: { reason: "UnknownAccount", confirm: true, expectedCount: 1 },
    });
    expect(purged.json).toMatchObject({ done: 1 });
  });

  it("completes one account now or after a time, refuses a finished one, and records both", async () => {
    const { store } = await services();
    const now = new Date();
    await store.waves.create(defineWave({ id: "fin", timeZone: "UTC" }, now));
    await store.accounts.upsertImported(
      [3, 4].map((n) => ({
        waveId: "fin",
        source: { upn: `user${n}@source.example` },
        target: { upn: `user${n}@target.example` },
        priority: 0,
      })),
      now,
    );
    const skipped = await store.accounts.get("user4@source.example");
    await store.accounts.transition(skipped.id, skipped.etag, "Skipped", {
      reason: "excluded",
      actor: "test",
      at: now,
    });
    const clock = (await services()).now().getTime();
    const completeNow = await call(stack, "ops/accounts/User3@Source.example/complete", {
      principal: OPERATOR,
      body: {},
    });
    expect(completeNow.status).toBe(200);
    expect(completeNow.json).toMatchObject({
      mode: "now",
      account: { id: "user3@source.example", status: "Pending", round: 0 },
    });
    const after = await call(stack, "ops/accounts/user3@source.example/complete", {
      principal: OPERATOR,
      body: { at: "2030-06-01T20:00:00+02:00", reason: "after the board meeting" },
    });
    expect(after.json).toMatchObject({
      mode: "after",
      account: { completeAfter: "2030-06-01T18:00:00.000Z" },
    });
    const shown = await call(stack, "ops/accounts/user3@source.example", { principal: READER });
    const account = (shown.json as { account: { completeNow?: string; completeAfter?: string } }).account;
    expect(account.completeAfter).toBe("2030-06-01T18:00:00.000Z");
    // The later "after" took back the earlier "now", which had been set at the stack's present.
    expect(account.completeNow).toBeUndefined();
    expect(
      Date.parse((completeNow.json as { account: { completeNow?: string } }).account.completeNow ?? ""),
    ).toBeGreaterThanOrEqual(clock);

    const refused = await call(stack, "ops/accounts/user4@source.example/complete", {
      principal: OPERATOR,
      body: {},
    });
    expect([refused.status, errorOf(refused).code]).toEqual([409, "Conflict"]);
    expect(errorOf(refused).message).toContain("is Skipped");

    const actions = (await call(stack, "ops/actions?limit=20", { principal: READER })).json as {
      actions: { action: string; target: string; outcome: string; filter: Record<string, unknown> }[];
    };
    const completions = actions.actions.filter((action) => action.action === "account.complete").reverse();
    expect(completions.map((action) => [action.target, action.outcome])).toEqual([
      ["account user3@source.example", "completed"],
      ["account user3@source.example", "completed"],
      ["account user4@source.example", "failed"],
    ]);
    expect(completions[1]?.filter).toEqual({
      at: "2030-06-01T20:00:00+02:00",
      reason: "after the board meeting",
    });
  });
});
