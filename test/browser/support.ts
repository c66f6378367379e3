/**
 * Driving the dashboard in real headless Chromium (the system's `chromium`, no browser download)
 * and reading what the page shows.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Where Debian's chromium package puts the browser; CHROMIUM_PATH may say otherwise. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches Chromium with a fresh temporary profile. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** What the page shows for one wave, read in one go so that a refresh cannot split it. */
export interface WaveSnapshot {
  /** The status report time the page rendered (`updated` datetime). */
  readonly at: string;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly settled: string;
  readonly inFlight: string;
}

async function readOnce(page: Page, waveId: string): Promise<WaveSnapshot> {
  const card = page.locator(`[data-wave="${waveId}"]`);
  const statuses = card.locator("[data-status]");
  const byStatus: Record<string, number> = {};
  const shown = await statuses.count();
  for (let index = 0; index < shown; index += 1) {
    const node = statuses.nth(index);
    byStatus[(await node.getAttribute("data-status")) ?? ""] = Number(
      (await node.innerText()).replace(/\D/g, ""),
    );
  }
  return {
    at: (await page.locator("#updated").getAttribute("datetime")) ?? "",
    byStatus,
    settled: await card.locator('[data-testid="settled"]').innerText(),
    inFlight: await card.locator('[data-testid="in-flight"]').innerText(),
  };
}

/**
 * Reads a wave's figures off the page. The page refreshes by itself, so a reading is kept only
 * when the page rendered the same report before and after it.
 */
export async function waveSnapshot(page: Page, waveId: string): Promise<WaveSnapshot> {
  for (;;) {
    const before = await page.locator("#updated").getAttribute("datetime");
    const snapshot = await readOnce(page, waveId);
    if (before !== null && before === snapshot.at) {
      const after = await page.locator("#updated").getAttribute("datetime");
      if (after === snapshot.at) return snapshot;
    }
  }
}

/** The number of settled accounts in the page's "n of m" text. */
export function settledOf(snapshot: WaveSnapshot): number {
  return Number(snapshot.settled.split(" of ")[0]?.replace(/\D/g, "") ?? "NaN");
}
