/**
 * The Exchange simulator through the real adapter: it refuses what Microsoft's reference pages do
 * not list for Exchange Online, pages and limits like the admin endpoint, and runs moves in
 * simulated time through MRS's states under the endpoint's limits.
 */
import { readFileSync } from "node:fs";
import { fetch as undiciFetch, Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ExchangeAdminClient } from "../../../shared/exchange/client.js";
import {
  ExchangeAuthError,
  ExchangeCommandError,
  ExchangeConnectionError,
  ExchangeUsageError,
} from "../../../shared/exchange/errors.js";
import type { MoveFacts } from "../../../shared/exchange/port.js";
import { readExchangeSettings } from "../../../shared/config/exchange.js";
import { createGraphCredential } from "../../../shared/graph/credentials.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { type Harness, startHarness } from "./helpers.js";

const HOUR = 3_600_000;

function manualClock(start = Date.UTC(2026, 2, 2, 9)): { now: () => Date; advance: (ms: number) => void } {
  let at = start;
  return { now: () => new Date(at), advance: (ms) => (at += ms) };
}

async function listed(harness: Harness, batch: string): Promise<MoveFacts[]> {
  const out: MoveFacts[] = [];
  for await (const page of harness.exchange.listMoves(batch)) out.push(...page);
  return out;
}

describe("Exchange simulator", () => {
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.simulator.close();
    harness = undefined;
  });

  it("refuses cmdlets, parameters and parameter sets the reference pages do not list for Exchange Online", async () => {
    harness = await startHarness({ organisation: { mailboxes: 2 } });
    const { client } = harness;
    const refusal = async (
      cmdlet: string,
      parameters: Record<string, unknown>,
    ): Promise<ExchangeCommandError> => {
      const error = await client.invoke(cmdlet, parameters).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ExchangeCommandError);
      return error as ExchangeCommandError;
    };
    const unknown = await refusal("Get-Recipientz", {});
    expect(unknown).toBeInstanceOf(ExchangeUsageError);
    expect(unknown.message).toContain("is not recognized as a name of a cmdlet");
    // Enable-RemoteMailbox is an on-premises cmdlet: Exchange Online has no such thing.
    expect((await refusal("Enable-RemoteMailbox", { Identity: "x" })).type).toBe("CommandNotFoundException");
    // -DomainController applies to on-premises Exchange only.
    const onPremParameter = await refusal("Get-MigrationUser", {
      Identity: "x@y.example",
      DomainController: "dc1",
    });
    expect(onPremParameter.message).toContain(
      "A parameter cannot be found that matches parameter name 'DomainController'",
    );
    // New-MigrationBatch -ArchiveOnly exists only in the Local set, which needs on-premises -Local.
    const archiveOnly = await refusal("New-MigrationBatch", {
      Name: "b",
      SourceEndpoint: "onprem",
      ArchiveOnly: true,
      TargetDeliveryDomain: "t.example",
      CSVData: "",
    });
    expect(archiveOnly.message).toContain("Parameter set cannot be resolved");
    // -BatchId and -EmailAddress belong to different parameter sets of Get-MigrationUser.
    const noSet = await refusal("Get-MigrationUser", { BatchId: "b", EmailAddress: "x@y.example" });
    expect(noSet.message).toContain("Parameter set cannot be resolved");
    const missing = await refusal("Set-MigrationUser", { CompleteAfter: new Date().toISOString() });
    expect(missing.message).toContain("missing mandatory parameters: Identity");
    const badValue = await refusal("Set-MigrationUser", { Identity: "x@y.example", CompleteAfter: "soon" });
    expect(badValue.message).toContain("Cannot bind parameter 'CompleteAfter'");
  });

  it("checks the token's audience and role, and wants an anchor mailbox", async () => {
    harness = await startHarness({ organisation: { mailboxes: 1 } });
    const { simulator } = harness;
    const settings = readExchangeSettings({ ...simulator.settings(), ...withoutRole(simulator) });
    if (settings === undefined) throw new Error("no settings");
    const unroled = new ExchangeAdminClient(settings.connection, {
      maxConcurrentRequests: 1,
      logger: silentLogger,
    });
    await expect(unroled.invoke("Get-MigrationEndpoint")).rejects.toBeInstanceOf(ExchangeAuthError);
    const dispatcher = new Agent({ connect: { ca: readCa(simulator.caCertPath) } });
    const url = `${simulator.baseUrl}/adminapi/beta/${simulator.tenantId}/InvokeCommand`;
    const body = JSON.stringify({ CmdletInput: { CmdletName: "Get-MigrationEndpoint", Parameters: {} } });
    const anonymous = await undiciFetch(url, { method: "POST", body, dispatcher });
    expect(anonymous.status).toBe(401);
    const token = await tokenFor(simulator);
    const unanchored = await undiciFetch(url, {
      method: "POST",
      body,
      dispatcher,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
    expect(unanchored.status).toBe(400);
    await dispatcher.close();
    expect(
      () =>
        new ExchangeAdminClient(
          { ...settings.connection, baseUrl: "http://x" },
          { maxConcurrentRequests: 1, logger: silentLogger },
        ),
    ).toThrow(ExchangeConnectionError);
  });

  it("pages results with @odata.nextLink and caps them at 1,000 without -ResultSize", async () => {
    harness = await startHarness({ organisation: { mailboxes: 2_300 } });
    const before = harness.client.stats.requests;
    const all = await harness.client.invoke("Get-MailUser", { ResultSize: "Unlimited" });
    expect(all).toHaveLength(2_300);
    expect(new Set(all.map((user) => user.UserPrincipalName)).size).toBe(2_300);
    expect(harness.client.stats.requests - before).toBe(3);
    expect(await harness.client.invoke("Get-MailUser")).toHaveLength(1_000);
  });

  it("refuses requests over the tenant's concurrency limit, which the adapter waits out", async () => {
    harness = await startHarness(
      { organisation: { mailboxes: 5 }, faults: { concurrentRequestsPerTenant: 2, latencyMs: 40 } },
      { maxConcurrentRequests: 6, retries: 30 },
    );
    const { client, simulator } = harness;
    const upn = simulator.inventory()[0]?.upn ?? "";
    const answers = await Promise.all(
      Array.from({ length: 24 }, () => client.invoke("Get-MailUser", { Identity: upn })),
    );
    expect(answers.every((answer) => answer.length === 1)).toBe(true);
    expect(simulator.counters().concurrencyRefused).toBeGreaterThan(0);
    expect(client.stats.concurrencyRefused).toBe(simulator.counters().concurrencyRefused);
    expect(simulator.counters().maxInFlight).toBeLessThanOrEqual(2);
  });

  it("is never refused for concurrency when the adapter keeps within the limit", async () => {
    harness = await startHarness(
      { organisation: { mailboxes: 5 }, faults: { concurrentRequestsPerTenant: 2, latencyMs: 40 } },
      { maxConcurrentRequests: 2 },
    );
    const { client, simulator } = harness;
    const upn = simulator.inventory()[0]?.upn ?? "";
    await Promise.all(Array.from({ length: 24 }, () => client.invoke("Get-MailUser", { Identity: upn })));
    expect(harness.simulator.counters().concurrencyRefused).toBe(0);
  });

  it("retries 503s and throttling until the call goes through", async () => {
    harness = await startHarness(
      {
        organisation: { mailboxes: 3 },
        faults: { status503Rate: 0.3, throttleRate: 0.2, retryAfterSeconds: 0.05 },
      },
      { retries: 25 },
    );
    for (let i = 0; i < 20; i++) expect(await harness.client.invoke("Get-MigrationEndpoint")).toHaveLength(1);
    expect(harness.simulator.counters().faults + harness.simulator.counters().throttled).toBeGreaterThan(0);
  });

  it("runs moves through MRS's states within MaxConcurrentMigrations and completes them after CompleteAfter", async () => {
    const clock = manualClock();
    harness = await startHarness({
      clock,
      endpoint: { name: "onprem", maxConcurrentMigrations: 2 },
      organisation: { mailboxes: 5, archiveRate: 0.5, meanMailboxBytes: 100 * 1024 * 1024 },
      mrs: { scoreOdds: { Perfect: 1, Good: 0, Investigate: 0, Poor: 0 }, copyBytesPerSecond: 1024 * 1024 },
    });
    const { simulator, exchange } = harness;
    const users = simulator.inventory().map((account) => account.upn);
    const completeAfter = new Date(clock.now().getTime() + 24 * HOUR);
    await exchange.addToBatch({
      name: "evening-1",
      endpoint: "onprem",
      targetDeliveryDomain: simulator.targetDeliveryDomain,
      primaryOnly: false,
      completeAfter,
      users: users.map((email) => ({ email })),
    });
    let mostInProgress = 0;
    for (let minute = 0; minute < 23 * 60; minute += 5) {
      clock.advance(5 * 60_000);
      const moves = await listed(harness, "evening-1");
      mostInProgress = Math.max(mostInProgress, moves.filter((move) => move.status === "InProgress").length);
      expect(moves.some((move) => move.status === "Completed")).toBe(false);
    }
    expect(mostInProgress).toBe(2);
    expect((await listed(harness, "evening-1")).every((move) => move.status === "Synced")).toBe(true);
    clock.advance(2 * HOUR);
    const done = await listed(harness, "evening-1");
    expect(done.map((move) => move.status)).toEqual(users.map(() => "Completed"));
    for (const upn of users) expect(simulator.inspect(upn, "PrimaryAndArchive").problems).toEqual([]);
    const stats = await exchange.moveStatistics(users[0] ?? "");
    expect(stats?.percentComplete).toBe(100);
    expect(Date.parse(stats?.completedAt ?? "")).toBeGreaterThanOrEqual(completeAfter.getTime());
    // The on-premises mailbox is a remote mailbox now; the mail user became the mailbox.
    expect(await exchange.findMailUser(users[0] ?? "")).toBeUndefined();
    expect((await exchange.findMailbox(users[0] ?? ""))?.exchangeGuid).toBe(
      simulator.inventory()[0]?.exchangeGuid,
    );
  });

  it("holds an Investigate score for approval, and runs an incremental sync every 24 hours meanwhile", async () => {
    const clock = manualClock();
    harness = await startHarness({
      clock,
      organisation: { mailboxes: 1, archiveRate: 0, meanMailboxBytes: 10 * 1024 * 1024 },
      mrs: { scoreOdds: { Perfect: 0, Good: 0, Investigate: 1, Poor: 0 } },
    });
    const { simulator, exchange } = harness;
    const [user] = simulator.inventory().map((account) => account.upn);
    const email = user ?? "";
    await exchange.addToBatch({
      name: "b",
      endpoint: "onprem",
      targetDeliveryDomain: simulator.targetDeliveryDomain,
      primaryOnly: false,
      completeAfter: new Date(clock.now().getTime() + HOUR),
      users: [{ email }],
    });
    clock.advance(2 * HOUR);
    const waiting = await exchange.moveStatistics(email);
    expect(waiting?.status).toBe("Synced");
    expect(waiting?.score).toBe("Investigate");
    expect(waiting?.skippedItemApprovalTime).toBeUndefined();
    const firstSync = (await harness.client.invoke("Get-MoveRequestStatistics", { Identity: email }))[0]
      ?.LastSuccessfulSyncTimestamp as string;
    clock.advance(25 * HOUR);
    const later = (await harness.client.invoke("Get-MoveRequestStatistics", { Identity: email }))[0]
      ?.LastSuccessfulSyncTimestamp as string;
    expect(Date.parse(later) - Date.parse(firstSync)).toBeGreaterThanOrEqual(24 * HOUR);
    expect((await exchange.moveStatistics(email))?.status).toBe("Synced");
    await exchange.approveSkippedItems(email);
    clock.advance(HOUR);
    expect((await exchange.moveStatistics(email))?.status).toBe("CompletedWithSkippedItems");
  });

  it("moves only the archive when asked, and fails a mail user whose ExchangeGuid is wrong until it is fixed", async () => {
    const clock = manualClock();
    harness = await startHarness({
      clock,
      organisation: {
        mailboxes: 6,
        archiveRate: 1,
        guidMismatchRate: 0.2,
        meanMailboxBytes: 10 * 1024 * 1024,
      },
      mrs: { scoreOdds: { Perfect: 1, Good: 0, Investigate: 0, Poor: 0 } },
    });
    const { simulator, exchange } = harness;
    const accounts = simulator.inventory();
    const wrong = accounts.find((account) => account.planted === "ExchangeGuidMismatch")?.upn ?? "";
    const archiveOnly = accounts.find((account) => account.planted === undefined)?.upn ?? "";
    const base = {
      endpoint: "onprem",
      targetDeliveryDomain: simulator.targetDeliveryDomain,
      archiveDomain: simulator.targetDeliveryDomain,
      primaryOnly: false,
      completeAfter: new Date(clock.now().getTime() + HOUR),
    };
    await exchange.addToBatch({
      ...base,
      name: "archives",
      users: [{ email: archiveOnly, mailboxType: "ArchiveOnly" }],
    });
    await exchange.addToBatch({ ...base, name: "mixed", users: [{ email: wrong }] });
    clock.advance(3 * HOUR);
    expect(simulator.inspect(archiveOnly, "ArchiveOnly").problems).toEqual([]);
    expect(simulator.inspect(archiveOnly, "ArchiveOnly").primaryIn).toBe("onprem");
    const failed = await exchange.moveStatistics(wrong);
    expect(failed?.status).toBe("Failed");
    expect(failed?.failureType).toMatch(/PermanentException$/);
    simulator.fixRecipient(wrong);
    expect(await exchange.removeUser(wrong)).toBe("removed");
    await exchange.addToBatch({ ...base, name: "mixed", users: [{ email: wrong }] });
    clock.advance(3 * HOUR);
    expect(simulator.inspect(wrong, "PrimaryAndArchive").problems).toEqual([]);
    expect(simulator.counters().moveCreations[wrong]).toBe(2);
  });

  it("stalls moves while the source is unreachable, and the endpoint test says so", async () => {
    const clock = manualClock();
    harness = await startHarness({
      clock,
      organisation: { mailboxes: 1, meanMailboxBytes: 500 * 1024 * 1024 },
    });
    const { simulator, exchange } = harness;
    const email = simulator.inventory()[0]?.upn ?? "";
    await exchange.addToBatch({
      name: "b",
      endpoint: "onprem",
      targetDeliveryDomain: simulator.targetDeliveryDomain,
      primaryOnly: false,
      completeAfter: new Date(clock.now().getTime() + 48 * HOUR),
      users: [{ email }],
    });
    clock.advance(120_000);
    simulator.setSourceReachable(false);
    expect((await exchange.testEndpoint("onprem")).ok).toBe(false);
    const before = await exchange.moveStatistics(email);
    clock.advance(30 * 60_000);
    const stalled = await exchange.moveStatistics(email);
    expect(stalled?.statusDetail).toMatch(/^StalledDueToSource_/);
    expect(stalled?.bytesTransferred).toBe(before?.bytesTransferred);
    simulator.setSourceReachable(true);
    clock.advance(60_000);
    expect((await exchange.moveStatistics(email))?.bytesTransferred).toBeGreaterThan(
      stalled?.bytesTransferred ?? 0,
    );
    simulator.stall(email, "StalledDueToTarget_MdbAvailability", 10 * 60_000);
    expect((await exchange.moveStatistics(email))?.statusDetail).toBe("StalledDueToTarget_MdbAvailability");
  });

  it("creates an endpoint only with the on-premises administrator's credential, and never shows it", async () => {
    harness = await startHarness({ organisation: { mailboxes: 1 } });
    const { simulator, exchange, client } = harness;
    const request = {
      name: "created",
      remoteServer: simulator.administrator.remoteServer,
      userName: simulator.administrator.userName,
      password: "wrong",
    };
    await expect(exchange.createEndpoint(request)).rejects.toBeInstanceOf(ExchangeCommandError);
    const created = await exchange.createEndpoint({
      ...request,
      password: simulator.administrator.password,
      maxConcurrentMigrations: 150,
    });
    expect(created.maxConcurrentMigrations).toBe(150);
    const shown = JSON.stringify(await client.invoke("Get-MigrationEndpoint", { Identity: "created" }));
    expect(shown).not.toContain(simulator.administrator.password);
  });
});

function readCa(path: string): string {
  return readFileSync(path, "utf8");
}

function withoutRole(simulator: Harness["simulator"]): Record<string, string> {
  const app = simulator.registerApp([]);
  return { EXCHANGE_CLIENT_ID: app.clientId, EXCHANGE_CLIENT_SECRET: app.clientSecret };
}

async function tokenFor(simulator: Harness["simulator"]): Promise<string> {
  const credential = createGraphCredential({
    baseUrl: simulator.baseUrl,
    authorityHost: simulator.authorityHost,
    tenantId: simulator.tenantId,
    clientId: simulator.clientId,
    clientSecret: simulator.clientSecret,
    caCertPem: readCa(simulator.caCertPath),
  });
  const token = await credential.getToken("https://outlook.office365.com/.default");
  return token?.token ?? "";
}
