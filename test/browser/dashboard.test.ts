/**
 * The dashboard in real headless Chromium against the embedded stack, during a small demo wave:
 * the page shows what the admin API says, moves on by itself, offers Operator actions (wave
 * resume, pause, complete; retry; replay) only to operators and records them, shows every time in
 * the wave's zone whatever the browser's, works on a 390 px phone, and an Operator's replay of a
 * dead-letter group empties it. It saves screenshots at 1366 and 390 px to `.artifacts/`.
 */
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenWave, importInventory, settledCount } from "../../local/demo/wave.js";
import type { EmbeddedStack } from "../../local/stack.js";
import { startTestStack } from "../e2e/support.js";
import type { StatusReport } from "../../shared/admin/status.js";
import type { DeadLetterListing } from "../../shared/admin/deadletters/list.js";
import { encodePrincipal, ROLES } from "../../shared/admin/principal.js";
import { MOVES_QUEUE } from "../../shared/bus/topology.js";
import { dashboardUrl } from "../../shared/dashboard/index.js";
import { accountIdFromUpn, defineWave, zonedTime } from "../../shared/domain/index.js";
import { services } from "../../functions/services.js";
import type { Services } from "../../shared/runtime/services.js";
import type { AccountRepository } from "../../shared/store/index.js";
import { silentLogger } from "../../shared/telemetry/logger.js";
import { launchChromium, settledOf, waveSnapshot } from "./support.js";

const WAVE = "dash";
/** The wave's zone (+05:30, all year) and the browser's (-08:00 or -07:00): never the same offset. */
const WAVE_ZONE = "Asia/Kolkata";
const BROWSER_ZONE = "America/Los_Angeles";
const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const READER = encodePrincipal("reader@contoso.com", [ROLES.reader]);
const OPERATOR = encodePrincipal("ops@contoso.com", [ROLES.operator]);
/**
 * Accounts of a wave that waits (a draft); reading them fails while `poisoned` holds, so their
 * messages end dead-lettered, and a replay once the outage is over finds nothing to do.
 */
const GHOST_WAVE = "ghosts";
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

/** The data-action of each Operator button inside a locator, in page order. */
async function actionsOf(scope: Locator): Promise<string[]> {
  const buttons = scope.locator("[data-action]");
  const out: string[] = [];
  for (let index = 0; index < (await buttons.count()); index++) {
    out.push((await buttons.nth(index).getAttribute("data-action")) ?? "");
  }
  return out;
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
  viewport: { width: number; height: number } = WIDE,
  refreshSeconds = 1,
): Promise<{
  context: BrowserContext;
  page: Page;
  reports: Map<string, StatusReport>;
  /** Every request the page made that was answered with an error status. */
  failed: string[];
}> {
  const phone = viewport.width < 600;
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-ms-client-principal": principal },
    viewport,
    timezoneId: BROWSER_ZONE,
    ...(phone ? { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } : {}),
  });
  const page = await context.newPage();
  const reports = new Map<string, StatusReport>();
  const failed: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on("response", (response) => {
    if (!response.url().includes("/api/ops/status") || !response.ok()) return;
    response
      .json()
      .then((report: StatusReport) => reports.set(report.at, report))
      .catch(() => undefined);
  });
  const url = `${dashboardUrl(stack.host.apiBaseUrl ?? "", stack.host.functionKey)}&refresh=${refreshSeconds}`;
  await page.goto(url);
  await page.locator(`[data-wave="${WAVE}"]`).waitFor();
  return { context, page, reports, failed };
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
  await store.waves.create(defineWave({ id: GHOST_WAVE, timeZone: WAVE_ZONE }, new Date()));
  await store.accounts.upsertImported(
    GHOSTS.map((id) => ({
      waveId: GHOST_WAVE,
      source: { upn: id },
      target: { upn: id },
      priority: 0,
    })),
    new Date(),
  );
  const inventory = stack.graph?.inventory() ?? [];
  total = inventory.length;
  firstUpn = inventory[0]?.sourceUpn ?? "";
  await moves.send(
    GHOSTS.map(
      (accountId) =>
        ({ v: 1, waveId: GHOST_WAVE, accountId, attempt: 1, slice: 1, pass: "initial", round: 0 }) as const,
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
  // Its all-day window stays open in any zone; the page must show its times in this one.
  const created = await store.waves.get(WAVE);
  await store.waves.update(WAVE, created.etag, { timeZone: WAVE_ZONE }, new Date());
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
      // An Operator resumes the wave with the card's button, which goes through the admin API.
      const card = page.locator(`[data-wave="${WAVE}"]`);
      expect(await actionsOf(card)).toEqual(["resume", "complete"]);
      await card.locator('[data-action="resume"]').click();
      await page.locator('[data-testid="confirm"]').waitFor();
      await page.locator("#confirm-ok").click();
      await page
        .locator('[data-testid="notice"]')
        .filter({ hasText: `Wave ${WAVE} is Active` })
        .waitFor();
      await until(
        "the pause button",
        async () => (await card.locator('[data-action="pause"]').count()) === 1,
      );
      const actions = JSON.stringify((await api("ops/actions", OPERATOR)).json);
      expect(actions).toContain("wave.resume");
      expect(actions).toContain("ops@contoso.com");
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

  it("shows every time in the wave's zone with its offset, never the browser's, and fetches nothing that is not there", async () => {
    const { context, page, failed } = await open(OPERATOR);
    try {
      expect(await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")).toBe(BROWSER_ZONE);
      const card = page.locator(`[data-wave="${WAVE}"]`);
      expect(await card.locator('[data-testid="zone"]').innerText()).toBe(WAVE_ZONE);
      const shown = [
        await card.locator('[data-testid="open-window"]').innerText(),
        await page.locator('[data-testid="updated"]').innerText(),
        await page.locator('[data-testid="chart-span"]').innerText(),
      ];
      const stamp = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d\d-\d\d \d\d:\d\d ([+-]\d\d:\d\d)/g;
      const offsets = shown.flatMap((text) => [...text.matchAll(stamp)].map((match) => match[1]));
      expect(offsets.length).toBeGreaterThanOrEqual(4);
      expect(new Set(offsets)).toEqual(new Set(["+05:30"]));
      // The wave's time as the page shows it is the wall-clock time in its zone.
      const at = await page.locator('[data-testid="updated"]').getAttribute("datetime");
      expect(await page.locator('[data-testid="updated"]').innerText()).toBe(zonedTime(at, WAVE_ZONE));
      // No request of the page (its files, its data, an icon) went unanswered.
      expect(failed).toEqual([]);
    } finally {
      await context.close();
    }
  });

  // Each control is scrolled to and tap-checked in turn: on a busy machine that takes a while.
  it(
    "works on a 390 px phone: nothing spills out of its card, every control is big enough and gets its taps",
    { timeout: 120_000 },
    async () => {
      // Refreshing rarely: a refresh replaces the controls the test is tapping.
      const { context, page } = await open(OPERATOR, PHONE, 600);
      try {
        await page
          .locator('[data-testid="deadletters"] tbody tr, [data-testid="dlq-empty"]')
          .first()
          .waitFor();
        // Nothing wider than the screen, and every table inside its card.
        expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(PHONE.width);
        const spills = await page.evaluate(`[...document.querySelectorAll("table")].flatMap((table) => {
        const card = table.closest("section").getBoundingClientRect();
        const box = table.getBoundingClientRect();
        return box.left < card.left - 0.5 || box.right > card.right + 0.5 ? [table.className || table.parentElement.id || "table"] : [];
      })`);
        expect(spills).toEqual([]);
        const controls = page.locator("main button:visible, main input:visible, header button:visible");
        const total = await controls.count();
        expect(total).toBeGreaterThanOrEqual(4);
        for (let index = 0; index < total; index++) {
          const control = controls.nth(index);
          await control.scrollIntoViewIfNeeded();
          const box = await control.boundingBox();
          const name = `${(await control.getAttribute("id")) ?? ""} ${(await control.getAttribute("data-action")) ?? ""} ${await control.innerText()}`;
          expect(box?.height ?? 0, name).toBeGreaterThanOrEqual(44);
          expect(box?.width ?? 0, name).toBeGreaterThanOrEqual(44);
          // A trial tap runs every check a real one does, including that no other element takes it.
          await control.tap({ trial: true, timeout: 5_000 });
        }
        mkdirSync(".artifacts", { recursive: true });
        await page.screenshot({ path: ".artifacts/dashboard-390.png", fullPage: true });
      } finally {
        await context.close();
      }
    },
  );

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
      await page.screenshot({ path: ".artifacts/dashboard-1366.png", fullPage: true });
    } finally {
      await context.close();
    }
  });

  it("shows failures with their fix, examples and retry command, and the failure card agrees with the bar", async () => {
    const { store } = await services();
    // A second wave, held Paused, whose two accounts failed pre-flight for want of a licence.
    await createOpenWave(store, { waveId: "agree", capacity: 2, status: "Paused" }, new Date());
    const upns = ["nolicence1@contoso.example", "nolicence2@contoso.example"];
    await store.accounts.upsertImported(
      upns.map((upn) => ({
        waveId: "agree",
        source: { upn },
        target: { upn: upn.replace("contoso", "fabrikam") },
        priority: 0,
      })),
      new Date(),
    );
    for (const upn of upns) {
      const pending = await store.accounts.get(accountIdFromUpn(upn));
      const queued = await store.accounts.transition(pending.id, pending.etag, "Queued", {
        reason: "released",
        actor: "test",
        at: new Date(),
      });
      await store.accounts.transition(queued.id, queued.etag, "Failed", {
        reason: "no licence",
        actor: "test",
        at: new Date(),
        error: { class: "TargetNotLicensed", code: "NoLicense", message: "the target user has no licence" },
      });
    }
    const { context, page } = await open(OPERATOR, WIDE, 600);
    try {
      await page.locator('[data-wave="agree"]').waitFor();
      const bar = await page.locator('[data-wave="agree"] [data-status="Failed"]').innerText();
      expect(await page.locator('[data-testid="failed-total"]').innerText()).toBe(bar);
      expect(bar).toBe("2");
      const failures = page.locator('[data-testid="failures"]');
      expect(await failures.locator('[data-testid="failure-hint"]').innerText()).toContain("--license-sku");
      expect(await failures.innerText()).toContain(
        "nolicence1@contoso.example → nolicence1@fabrikam.example",
      );
      expect(await failures.locator('[data-testid="retry-command"]').innerText()).toMatch(
        /^mailferry retry --group [0-9a-f]{8}$/,
      );
      expect(await failures.locator('[data-action="retry"]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
