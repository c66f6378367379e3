/**
 * The dashboard's account grid in real headless Chromium against the embedded stack: a wave's
 * accounts with their per-user statistics, sorted by a column header, filtered by UPN, status and
 * stall, paged, and kept inside its card on a 390 px wide phone.
 */
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedStack } from "../../local/stack.js";
import { startTestStack } from "../e2e/support.js";
import { encodePrincipal, ROLES } from "../../shared/admin/principal.js";
import { dashboardUrl } from "../../shared/dashboard/index.js";
import { accountIdFromUpn, defineWave } from "../../shared/domain/index.js";
import { services } from "../../functions/services.js";
import { silentLogger } from "../../shared/telemetry/logger.js";
import { launchChromium } from "./support.js";

const WAVE = "grid";
const READER = encodePrincipal("reader@contoso.com", [ROLES.reader]);
/** More than one page of the grid (25 rows). */
const ACCOUNTS = 30;
const HOUR = 3_600_000;

let stack: EmbeddedStack;
let browser: Browser;

const upnOf = (n: number): string => `grid${n}@source.contoso.com`;
/** Each account's own share done, all different, so every sort has one right order. */
const percentOf = (n: number): number => (n * 37) % 97;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack({
      graph: { mailboxes: 1, itemsPerMailbox: 1, plantTrouble: false, seed: 3 },
      // The sweeper would re-send the accounts this test leaves stalled, and their copy would
      // change them under the test when a slow run reaches a sweep: here it runs once a year.
      settings: { MAILFERRY_LOG_LEVEL: "off", MAILFERRY_SWEEPER_SCHEDULE: "0 0 0 1 1 *" },
      authentication: {},
      logger: silentLogger,
      stopGraceMs: 2_000,
    }),
    launchChromium(),
  ]);
  const { store } = await services();
  const now = Date.now();
  // A wave that is never started: the scheduler leaves its accounts as the test writes them.
  await store.waves.create(defineWave({ id: WAVE, timeZone: "UTC" }, new Date(now)));
  await store.accounts.upsertImported(
    Array.from({ length: ACCOUNTS }, (_, i) => ({
      waveId: WAVE,
      source: { upn: upnOf(i + 1) },
      target: { upn: `grid${i + 1}@contoso.onmicrosoft.com` },
      priority: 0,
    })),
    new Date(now),
  );
  for (let n = 1; n <= ACCOUNTS; n += 1) {
    let account = await store.accounts.get(accountIdFromUpn(upnOf(n)));
    for (const to of ["Queued", "Syncing"] as const)
      account = await store.accounts.transition(account.id, account.etag, to, {
        reason: "test",
        actor: "test",
        at: new Date(now),
      });
    // Every third account last moved two hours ago: stalled.
    await store.accounts.updateProgress(account.id, account.etag, {
      progress: { items: percentOf(n), bytes: n * 1_000_000 },
      stats: { sourceItems: 100, startedAt: new Date(now - 3 * HOUR).toISOString() },
      at: new Date(n % 3 === 0 ? now - 2 * HOUR : now),
    });
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The grid's rows as shown: source UPN and percent. */
async function rows(page: Page): Promise<{ upn: string; percent: number }[]> {
  const script = `JSON.stringify([...document.querySelectorAll('[data-testid="user-grid"] tbody tr')].map((row) => ({
    upn: row.querySelector('[data-col="account"]').firstChild.textContent,
    percent: Number(row.querySelector('[data-col="percent"]').innerText.replace(/\\D/g, "")),
  })))`;
  return JSON.parse(String(await page.evaluate(script))) as { upn: string; percent: number }[];
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    // Generous: the machine may be busy, and each step is one small read of the users route.
    if (Date.now() - started > 40_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function open(width: number): Promise<Page> {
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-ms-client-principal": READER },
    viewport: { width, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(`${dashboardUrl(stack.host.apiBaseUrl ?? "", stack.host.functionKey)}&refresh=60`);
  await page.locator('[data-testid="user-grid"] tbody tr').first().waitFor();
  return page;
}

describe("the account grid in Chromium", () => {
  it("sorts by a column header, filters by UPN and stall, and pages", async () => {
    const page = await open(1366);
    try {
      expect(await page.locator('[data-testid="user-range"]').innerText()).toBe(`1–25 of ${ACCOUNTS}`);
      const expected = Array.from({ length: ACCOUNTS }, (_, i) => percentOf(i + 1)).sort((a, b) => a - b);

      await page.locator('button[data-sort="percent"]').click();
      await until("the ascending sort", async () => (await rows(page))[0]?.percent === expected[0]);
      expect((await rows(page)).map((row) => row.percent)).toEqual(expected.slice(0, 25));

      await page.locator('button[data-sort="percent"]').click();
      await until("the descending sort", async () => (await rows(page))[0]?.percent === expected.at(-1));
      expect((await rows(page)).map((row) => row.percent)).toEqual(expected.slice().reverse().slice(0, 25));
      expect(await page.locator('th[aria-sort="descending"]').innerText()).toMatch(/Done/);

      await page.locator("button", { hasText: "Next" }).click();
      await until("the second page", async () => (await rows(page)).length === ACCOUNTS - 25);
      expect(await page.locator('[data-testid="user-range"]').innerText()).toBe(
        `26–${ACCOUNTS} of ${ACCOUNTS}`,
      );

      await page.locator("#users-search").fill("grid7@");
      await until("the UPN filter", async () => (await rows(page)).length === 1);
      expect((await rows(page))[0]?.upn).toBe(upnOf(7));

      await page.locator("#users-search").fill("");
      await page.locator("#users-stalled").check();
      await until("the stall filter", async () => (await rows(page)).length === ACCOUNTS / 3);
      const stalled = (await rows(page)).map((row) => Number(/grid(\d+)@/.exec(row.upn)?.[1]));
      expect(stalled.every((n) => n % 3 === 0)).toBe(true);
      mkdirSync(".artifacts", { recursive: true });
      await page.screenshot({ path: ".artifacts/grid-1366.png", fullPage: true });
    } finally {
      await page.context().close();
    }
  }, 180_000);

  it("keeps the grid inside its card at 390 px, its table scrolling within it", async () => {
    const page = await open(390);
    try {
      const fit = JSON.parse(
        String(
          await page.evaluate(`JSON.stringify((() => {
            const card = document.querySelector("section.users").getBoundingClientRect();
            const scroller = document.querySelector(".grid-scroll");
            return {
              cardRight: card.right,
              scrollerRight: scroller.getBoundingClientRect().right,
              scrolls: scroller.scrollWidth > scroller.clientWidth,
            };
          })())`),
        ),
      ) as { cardRight: number; scrollerRight: number; scrolls: boolean };
      // The grid's own card stays within the phone's width, whatever other cards do.
      expect(fit.cardRight).toBeLessThanOrEqual(390);
      expect(fit.scrollerRight).toBeLessThanOrEqual(fit.cardRight);
      expect(fit.scrolls).toBe(true);
      mkdirSync(".artifacts", { recursive: true });
      await page.screenshot({ path: ".artifacts/grid-390.png", fullPage: true });
    } finally {
      await page.context().close();
    }
  }, 180_000);
});
