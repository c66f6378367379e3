/**
 * The dashboard in real headless Chromium against the embedded stack, during a small demo wave:
 * the page shows what the admin API says, moves on by itself, offers Operator actions only to
 * operators, and an Operator's replay of a dead-letter group empties it.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenWave, importInventory, settledCount } from "../../local/demo/wave.js";
import type { EmbeddedStack } from "../../local/stack.js";
import { startTestStack } from "../e2e/support.js";
import type { StatusReport } from "../../shared/admin/status.js";
import type { DeadLetterListing } from "../../shared/admin/deadletters/list.js";
import { encodePrincipal, ROLES } from "../../shared/admin/principal.js";
import { MOVES_QUEUE } from "../../shared/bus/topology.js";
import { dashboardUrl } from "../../shared/dashboard/index.js";
import { accountIdFromUpn } from "../../shared/domain/index.js";
import { services, type Services } from "../../shared/runtime/services.js";
import type { AccountRepository } from "../../shared/store/index.js";
import { silentLogger } from "../../shared/telemetry/logger.js";
import { launchChromium, settledOf, waveSnapshot } from "./support.js";

const WAVE = "dash";
const READER = encodePrincipal("reader@contoso.com", [ROLES.reader]);
const OPERATOR = encodePrincipal("ops@contoso.com", [ROLES.operator]);
/** Accounts no store knows; their messages fail while `poisoned` holds, and end dead-lettered. */
const GHOSTS = ["ghost1@dlq.example", "ghost2@dlq.example", "ghost3@dlq.example"].map(accountIdFromUpn);
let poisoned = true;

/** Fails the mover's first read of a ghost account, as a storage outage for them would. */
function poisonGhosts(built: Services): Services {
  const accounts = built.store.accounts;
  const wrapped: AccountRepository = {
    get: (id) => accounts.get(id),
    find: (id) =>
      poisoned && GHOSTS.includes(id)
        ? Promise.reject(new Error("injected: storage unavailable"))
        : accounts.find(id),
    peek: (id) => accounts.peek(id),
    upsertImported: (rows, now) => accounts.upsertImported(rows, now),
    transition: (id, etag, to, request) => accounts.transition(id, etag, to, request),
    transitionMany: (list, to, request) => accounts.transitionMany(list, to, request),
    claim: (id, owner, leaseMs, now, options) => accounts.claim(id, owner, leaseMs, now, options),
    release: (id, owner, now) => accounts.release(id, owner, now),
    updateProgress: (id, etag, update) => accounts.updateProgress(id, etag, update),
    history: (id) => accounts.history(id),
    listByStatus: (waveId, status, page) => accounts.listByStatus(waveId, status, page),
    scanByStatus: (waveId, status, page) => accounts.scanByStatus(waveId, status, page),
  };
  return { ...built, store: { ...built.store, accounts: wrapped } };
}

let stack: EmbeddedStack;
let browser: Browser;
let total = 0;
let firstUpn = "";

async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Calls the admin API directly, as the given principal. */
async function api(
  path: string,
  principal: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${stack.host.apiBaseUrl ?? ""}/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      "x-functions-key": stack.host.functionKey,
      "x-ms-client-principal": principal,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

/** Opens the dashboard as a principal, refreshing every second; keeps the status reports it read. */
async function open(
  principal: string,
): Promise<{ context: BrowserContext; page: Page; reports: Map<string, StatusReport> }> {
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-ms-client-principal": principal },
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  const reports = new Map<string, StatusReport>();
  page.on("response", (response) => {
    if (!response.url().includes("/api/ops/status") || !response.ok()) return;
    response
      .json()
      .then((report: StatusReport) => reports.set(report.at, report))
      .catch(() => undefined);
  });
  const url = `${dashboardUrl(stack.host.apiBaseUrl ?? "", stack.host.functionKey)}&refresh=1&minutes=10`;
  await page.goto(url);
  await page.locator(`[data-wave="${WAVE}"]`).waitFor();
  return { context, page, reports };
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack({
      graph: { mailboxes: 8, itemsPerMailbox: 30, plantTrouble: false, scaleWindows: 0.01, seed: 5 },
      settings: {
        MAILFERRY_SCHEDULER_SCHEDULE: "* * * * * *",
        MAILFERRY_SWEEPER_SCHEDULE: "*/3 * * * * *",
        MAILFERRY_SLICE_SECONDS: "2",
        MAILFERRY_LEASE_SECONDS: "8",
        MAILFERRY_REQUEUE_AFTER_SECONDS: "10",
        MAILFERRY_PAGE_SIZE: "10",
        MAILFERRY_GRAPH_WINDOW_SCALE: "0.01",
        MAILFERRY_LOG_LEVEL: "off",
      },
      decorateServices: poisonGhosts,
      authentication: {},
      logger: silentLogger,
      stopGraceMs: 2_000,
    }),
    launchChromium(),
  ]);
  const { store, moves } = await services();
  const inventory = stack.graph?.inventory() ?? [];
  total = inventory.length;
  firstUpn = inventory[0]?.sourceUpn ?? "";
  await moves.send(
    GHOSTS.map(
      (accountId) =>
        ({ v: 1, waveId: WAVE, accountId, attempt: 1, slice: 1, pass: "initial", round: 0 }) as const,
    ),
  );
  await until(
    "the ghosts' messages to be dead-lettered",
    () => stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter === GHOSTS.length,
  );
  // Paused until the first test has the page open, so the page sees the wave before it moves.
  // Never Active before then: a scheduler run that saw it Active could release accounts.
  await createOpenWave(
    store,
    { waveId: WAVE, capacity: total, inFlightCap: 2, status: "Paused" },
    new Date(),
  );
  await importInventory(store, WAVE, inventory, new Date());
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("the dashboard in Chromium", () => {
  it("shows the admin API's figures during the wave and moves on between refreshes", async () => {
    const { context, page, reports } = await open(OPERATOR);
    try {
      const first = await waveSnapshot(page, WAVE);
      expect(first.byStatus.Pending).toBe(total);
      expect(settledOf(first)).toBe(0);
      // Every figure on the page is the admin API's report it was rendered from.
      await until("the page's report", () => reports.has(first.at), 5_000);
      const report = reports.get(first.at)?.waves.find((wave) => wave.waveId === WAVE);
      expect(report).toBeDefined();
      for (const [status, shown] of Object.entries(first.byStatus)) {
        expect(shown, status).toBe(report?.counts.byStatus[status as keyof typeof report.counts.byStatus]);
      }
      expect(first.settled).toBe(`${report?.settled} of ${report?.counts.accounts}`);
      expect(first.inFlight).toBe(String(report?.inFlight));
      // Once the wave runs, a later refresh shows more accounts settled.
      const { store } = await services();
      await store.waves.updateStatus(WAVE, "Active", new Date());
      let later = first;
      await until(
        "progress on the page",
        async () => {
          later = await waveSnapshot(page, WAVE);
          return settledOf(later) > settledOf(first);
        },
        45_000,
      );
      expect(later.at > first.at).toBe(true);
      expect(await page.locator('[data-testid="viewer"]').innerText()).toBe("ops@contoso.com (Operator)");
    } finally {
      await context.close();
    }
  });

  it("offers a Reader no replay or retry buttons, and the API refuses a Reader's replay", async () => {
    const { context, page } = await open(READER);
    try {
      const row = page.locator('[data-testid="deadletters"] tbody tr');
      await row.first().waitFor();
      expect(await row.count()).toBe(1);
      expect(await page.locator('[data-testid="dlq-count"]').innerText()).toBe(String(GHOSTS.length));
      expect(await page.locator("[data-action]").count()).toBe(0);
      expect(await page.locator('[data-testid="viewer"]').innerText()).toBe("reader@contoso.com (Reader)");
      const refused = await api("ops/deadletters/replay", READER, { all: true });
      expect(refused.status).toBe(403);
      expect(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter).toBe(GHOSTS.length);
    } finally {
      await context.close();
    }
  });

  it("lets an Operator replay a dead-letter group after confirming its count, which empties it", async () => {
    const listing = (await api("ops/deadletters", OPERATOR)).json as DeadLetterListing;
    expect(listing.groups).toHaveLength(1);
    const group = listing.groups[0];
    poisoned = false;
    const { context, page } = await open(OPERATOR);
    try {
      const button = page.locator(`[data-group="${group?.key ?? ""}"] [data-action="replay"]`);
      await button.click();
      const dialog = page.locator('[data-testid="confirm"]');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(`Replay ${GHOSTS.length} dead-lettered message(s)`);
      await page.locator("#confirm-ok").click();
      // The page may list the emptied queue (auto-refresh) before the replay's answer arrives.
      await page.locator('[data-testid="notice"]').waitFor({ timeout: 15_000 });
      await page.locator('[data-testid="dlq-empty"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="notice"]').innerText()).toBe(
        `Replayed ${GHOSTS.length} of ${GHOSTS.length} message(s).`,
      );
      expect(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter).toBe(0);
      const after = (await api("ops/deadletters", OPERATOR)).json as DeadLetterListing;
      expect(after.matched).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("finds an account by UPN, matches the settled wave, and saves a screenshot", async () => {
    const { store } = await services();
    await until(
      "the wave to settle",
      async () => settledCount(await store.counters.waveCounts(WAVE)) >= total,
      60_000,
    );
    const { context, page } = await open(OPERATOR);
    try {
      await page.locator("#upn").fill(firstUpn);
      await page.locator("#account-search button").click();
      await page.locator('[data-testid="account-history"] tbody tr').first().waitFor();
      expect(await page.locator('[data-testid="account-status"]').innerText()).toMatch(/^Completed since /);
      expect(await page.locator('[data-testid="account-history"] tbody tr').count()).toBeGreaterThanOrEqual(
        3,
      );
      // Settled: the page and a separate call to the admin API must agree.
      const status = (await api(`ops/status?wave=${WAVE}`, OPERATOR)).json as StatusReport;
      const wave = status.waves[0];
      const snapshot = await waveSnapshot(page, WAVE);
      expect(snapshot.settled).toBe(`${total} of ${total}`);
      expect(snapshot.byStatus.Completed).toBe(wave?.counts.byStatus.Completed);
      expect(wave?.counts.byStatus.Completed).toBe(total);
      mkdirSync(".artifacts", { recursive: true });
      await page.screenshot({ path: ".artifacts/dashboard.png", fullPage: true });
    } finally {
      await context.close();
    }
  });
});
