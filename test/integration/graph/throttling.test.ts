import type { Client } from "@microsoft/microsoft-graph-client";
import { fetch as undiciFetch } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphSimulator,
  PUBLISHED_LIMITS,
  type SimulatedAccount,
  startGraphSimulator,
} from "@mailferry/azure-local/graph";
import {
  createGraphClient,
  createGraphCredential,
  createImportPoster,
  graphDispatcher,
  graphScope,
} from "../../../shared/graph/client.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import {
  clientFor,
  connectionFor,
  folderTree,
  graphError,
  itemPages,
  mailboxIds,
  mailboxPath,
  rawCall,
} from "./helpers.js";

interface BatchReply {
  responses: { id: string; status: number; headers: Record<string, string>; body?: unknown }[];
}

/** Runs `count` calls with at most `parallel` in flight; returns their results in order. */
async function inParallel<T>(
  count: number,
  parallel: number,
  call: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await call(index);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return results;
}

describe("Graph simulator: throttling, $batch and faults", () => {
  let simulator: GraphSimulator;
  let accounts: readonly SimulatedAccount[];
  let source: Client;

  beforeAll(async () => {
    simulator = await startGraphSimulator({
      mailboxes: 6,
      itemsPerMailbox: 10,
      plantTrouble: false,
      scaleWindows: 0.01,
      logger: silentLogger,
    });
    accounts = simulator.inventory();
    source = clientFor(simulator, "source");
  });

  afterEach(() => {
    simulator.setLimits(PUBLISHED_LIMITS);
    simulator.setLatency({ perRequestMs: 0, perMegabyteMs: 0 });
    simulator.setFaults({ status500Rate: 0, status503Rate: 0, status504Rate: 0, resetRate: 0, slowRate: 0 });
  });

  afterAll(async () => {
    await simulator.close();
  });

  const upn = (index: number): string => accounts[index]?.sourceUpn ?? "";

  it("admits 4 concurrent requests per app per mailbox and refuses the 5th with 429 and Retry-After", async () => {
    const mailbox = upn(0);
    await source.api(`/users/${mailbox}/mailboxSettings`).get();
    const limited = simulator.registerApp("source", ["MailboxSettings.Read"]);
    const otherApp = createGraphClient(
      {
        ...connectionFor(simulator, "source"),
        clientId: limited.clientId,
        clientSecret: limited.clientSecret,
      },
      { maxRetries: 0 },
    );
    await otherApp.api(`/users/${mailbox}/mailboxSettings`).get();
    simulator.setLatency({ perRequestMs: 600 });

    const calls = [
      ...Array.from(
        { length: 5 },
        () => source.api(`/users/${mailbox}/mailboxSettings`).get() as Promise<unknown>,
      ),
      otherApp.api(`/users/${mailbox}/mailboxSettings`).get() as Promise<unknown>,
    ];
    const results = await Promise.allSettled(calls);
    const mine = results.slice(0, 5);
    expect(mine.filter((result) => result.status === "fulfilled")).toHaveLength(4);
    const refused = mine.find((result) => result.status === "rejected");
    const error = refused?.reason as { statusCode: number; code: string; headers?: Headers } | undefined;
    expect(error?.statusCode).toBe(429);
    expect(error?.code).toBe("TooManyRequests");
    expect(Number(error?.headers?.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    // Another app has its own budget for the same mailbox.
    expect(results[5]?.status).toBe("fulfilled");
    expect(simulator.counters().totals.throttledBy.concurrency).toBeGreaterThanOrEqual(1);
  });

  it("enforces the request budget per window", async () => {
    simulator.setLimits({ requestsPerWindow: 10 });
    const mailbox = upn(1);
    for (let i = 0; i < 10; i += 1) await source.api(`/users/${mailbox}/mailboxSettings`).get();
    const refused = await graphError(source.api(`/users/${mailbox}/mailboxSettings`).get());
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers?.get("Retry-After"));
    // The scaled request window is 6 seconds.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(6);
    // Directory calls are not mailbox calls and are not held back.
    await source.api(`/users/${mailbox}`).get();
    const counters = simulator.counters();
    expect(counters.totals.throttledBy.requests).toBe(1);
    expect(counters.mailboxes.find((entry) => entry.upn === mailbox)).toMatchObject({
      requests: 10,
      throttled: 1,
    });
  });

  it("enforces the upload budget per window on imports", async () => {
    const { sourceUpn, targetUpn } = accounts[2] as SimulatedAccount;
    const added = Array.from({ length: 5 }, (_, index) =>
      simulator.mutate.addItem(sourceUpn, "Inbox", { size: 100_000, subject: `bulky ${index}` }),
    );
    const sourceMailboxId = (await mailboxIds(source, sourceUpn)).primaryMailboxId;
    const exported = (await source
      .api(`${mailboxPath(sourceMailboxId)}/exportItems`)
      .post({ itemIds: added })) as {
      value: { data: string }[];
    };
    const target = clientFor(simulator, "target");
    const targetMailboxId = (await mailboxIds(target, targetUpn)).primaryMailboxId;
    const inbox = (await folderTree(target, targetMailboxId)).get("Inbox");
    const session = (await target.api(`${mailboxPath(targetMailboxId)}/createImportSession`).post({})) as {
      importUrl: string;
    };
    const limit = 400_000;
    simulator.setLimits({ uploadBytesPerWindow: limit });
    const post = createImportPoster({ caCertPem: simulator.caCertPem });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let admittedBytes = 0;
    for (const item of exported.value) {
      const body = JSON.stringify({ FolderId: inbox?.id, Mode: "create", Data: item.data });
      const reply = await post(session.importUrl, body);
      statuses.push(reply.status);
      if (reply.status === 200) admittedBytes += Buffer.byteLength(body);
      if (reply.status === 429) retryAfter ??= reply.headers.get("Retry-After");
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(admittedBytes).toBeLessThanOrEqual(limit);
    // The scaled upload window is 3 seconds.
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(3);
    expect(simulator.counters().totals.throttledBy.uploads).toBeGreaterThanOrEqual(1);
  });

  it("runs $batch parts concurrently: beyond 4 per mailbox they come back as 429 inside a 200", async () => {
    const mailbox = upn(3);
    const requests = Array.from({ length: 20 }, (_, index) => ({
      id: String(index + 1),
      method: "GET",
      url: `/users/${mailbox}/mailboxSettings`,
    }));
    const reply = (await source.api("/$batch").post({ requests })) as BatchReply;
    expect(reply.responses).toHaveLength(20);
    const ok = reply.responses.filter((part) => part.status === 200);
    const throttled = reply.responses.filter((part) => part.status === 429);
    expect(ok).toHaveLength(4);
    expect(throttled).toHaveLength(16);
    expect(Number(throttled[0]?.headers["Retry-After"])).toBeGreaterThanOrEqual(1);
    expect(throttled[0]?.body).toMatchObject({ error: { code: "TooManyRequests" } });

    const chained = requests.map((request, index) =>
      index === 0 ? request : { ...request, dependsOn: [String(index)] },
    );
    const sequential = (await source.api("/$batch").post({ requests: chained })) as BatchReply;
    expect(sequential.responses.every((part) => part.status === 200)).toBe(true);

    const mixed = (await source.api("/$batch").post({
      requests: [
        { id: "a", method: "GET", url: `/users/${mailbox}` },
        { id: "b", method: "GET", url: "/users/nobody@nowhere.example" },
        { id: "c", method: "POST", url: `/users/${mailbox}/sendMail`, body: { message: { subject: "x" } } },
      ],
    })) as BatchReply;
    expect(mixed.responses.map((part) => part.status)).toEqual([200, 404, 400]);

    const tooMany = await graphError(
      source.api("/$batch").post({ requests: [...requests, { id: "21", method: "GET", url: "/users/x" }] }),
    );
    expect(tooMany.statusCode).toBe(400);
  });

  it("injects 500/503/504 faults at the configured rates", async () => {
    const token = await createGraphCredential(connectionFor(simulator, "source")).getToken(
      graphScope(simulator.baseUrl),
    );
    const dispatcher = graphDispatcher({ caCertPem: simulator.caCertPem });
    const url = `${simulator.baseUrl}/v1.0/users/${upn(4)}`;
    const headers = { Authorization: `Bearer ${token?.token ?? ""}` };
    simulator.setFaults({ status500Rate: 0.1, status503Rate: 0.2, status504Rate: 0.05 });
    const total = 400;
    const statuses = await inParallel(total, 8, async () => {
      const response = await undiciFetch(url, { headers, dispatcher });
      await response.arrayBuffer();
      return response.status;
    });
    const count = (status: number): number => statuses.filter((value) => value === status).length;
    // Expected 40, 80 and 20; bounds are about four standard deviations.
    expect(count(500)).toBeGreaterThanOrEqual(15);
    expect(count(500)).toBeLessThanOrEqual(65);
    expect(count(503)).toBeGreaterThanOrEqual(48);
    expect(count(503)).toBeLessThanOrEqual(112);
    expect(count(504)).toBeGreaterThanOrEqual(3);
    expect(count(504)).toBeLessThanOrEqual(38);
    expect(count(200)).toBe(total - count(500) - count(503) - count(504));
  });

  it("resets connections and slows responses at the configured rates", async () => {
    const token = await createGraphCredential(connectionFor(simulator, "source")).getToken(
      graphScope(simulator.baseUrl),
    );
    const dispatcher = graphDispatcher({ caCertPem: simulator.caCertPem });
    const url = `${simulator.baseUrl}/v1.0/users/${upn(4)}`;
    const headers = { Authorization: `Bearer ${token?.token ?? ""}` };
    simulator.setFaults({ resetRate: 0.25 });
    const outcomes = await inParallel(120, 6, async () => {
      try {
        const response = await undiciFetch(url, { headers, dispatcher });
        await response.arrayBuffer();
        return response.status;
      } catch {
        return "reset";
      }
    });
    const resets = outcomes.filter((outcome) => outcome === "reset").length;
    // Expected 30 of 120.
    expect(resets).toBeGreaterThanOrEqual(12);
    expect(resets).toBeLessThanOrEqual(50);
    expect(outcomes.filter((outcome) => outcome === 200)).toHaveLength(120 - resets);

    simulator.setFaults({ resetRate: 0, slowRate: 0.5, slowMs: 10 });
    const before = simulator.counters().totals.faults;
    const slow = await inParallel(60, 6, async () => {
      const response = await undiciFetch(url, { headers, dispatcher });
      await response.arrayBuffer();
      return response.status;
    });
    expect(slow.every((status) => status === 200)).toBe(true);
    const slowed = simulator.counters().totals.faults - before;
    expect(slowed).toBeGreaterThanOrEqual(14);
    expect(slowed).toBeLessThanOrEqual(46);
  });

  it("reports counters per mailbox and the theoretical ceiling the limits allow", async () => {
    const { sourceUpn } = accounts[5] as SimulatedAccount;
    const mailboxId = (await mailboxIds(source, sourceUpn)).primaryMailboxId;
    const inbox = (await folderTree(source, mailboxId)).get("Inbox");
    const { values } = await itemPages(source, `${mailboxPath(mailboxId)}/folders/${inbox?.id ?? ""}/items`);
    await source
      .api(`${mailboxPath(mailboxId)}/exportItems`)
      .post({ itemIds: values.slice(0, 5).map((item) => item.id) });
    const counters = simulator.counters();
    const mine = counters.mailboxes.find((entry) => entry.mailboxId === mailboxId);
    expect(mine?.itemsExported).toBe(Math.min(5, values.length));
    expect(mine?.bytesDownloaded).toBeGreaterThan(0);
    expect(counters.ceiling.meanItemBytes).toBeGreaterThan(0);
    expect(counters.ceiling.limitedBy).toBe("uploads");
    // 150 MB per 3 seconds (scaled), measured in item bytes rather than base64.
    expect(counters.ceiling.megabytesPerSecond).toBeLessThan(50);
    expect(counters.ceiling.megabytesPerSecond).toBeGreaterThan(30);

    // The admin interface serves the same counters and changes limits and faults.
    const overHttp = await rawCall(simulator, "/_simulator/counters");
    expect(overHttp.json).toMatchObject({ ceiling: { limitedBy: "uploads" } });
    const limits = await rawCall(simulator, "/_simulator/limits", {
      method: "POST",
      body: JSON.stringify({ concurrentRequests: 2 }),
    });
    expect(limits.status).toBe(204);
    const rejected = await rawCall(simulator, "/_simulator/faults", {
      method: "POST",
      body: JSON.stringify({ status503Rate: 2 }),
    });
    expect(rejected.status).toBe(400);
    const unknownField = await rawCall(simulator, "/_simulator/faults", {
      method: "POST",
      body: JSON.stringify({ meteorRate: 0.5 }),
    });
    expect(unknownField.status).toBe(400);
  });
});
