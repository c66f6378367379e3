/**
 * Driving the dashboard in real headless Chromium and reading what the page shows. The browser is
 * the one a system has installed (Debian's `chromium`, or CHROMIUM_PATH), else the headless
 * Chromium the `@sparticuz/chromium` package carries inside itself: `npm ci` installs it like any
 * package, with nothing downloaded at run time, so a machine with only Node and npm runs these.
 */
import { existsSync } from "node:fs";
import sparticuz from "@sparticuz/chromium";
import { chromium, type Browser, type Page } from "playwright-core";

/** A browser the system provides, when it provides one. */
const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The system's Chromium, or the packaged one (unpacked into the temporary folder on first use). */
async function chromiumExecutable(): Promise<string> {
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  return sparticuz.executablePath();
}

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
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    args: FLAGS,
    // Under a C or POSIX locale the packaged browser tells pages "en-US@posix", which Intl rejects.
    env: { ...process.env, LANG: "en_GB.UTF-8", LC_ALL: "en_GB.UTF-8" },
  });
}

/** What the page shows for one wave, read in one go so that a refresh cannot split it. */
export interface WaveSnapshot {
  /** The status report time the page rendered (`updated` datetime). */
  readonly at: string;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly settled: string;
  readonly inFlight: string;
}

/**
 * Reads the card in one step inside the page: read element by element, a refresh in between can
 * remove an element the next step waits for.
 */
async function readOnce(page: Page, waveId: string): Promise<WaveSnapshot> {
  const script = `(() => {
    const card = document.querySelector('[data-wave=${JSON.stringify(waveId)}]');
    const text = (selector) => card?.querySelector(selector)?.innerText ?? "";
    return JSON.stringify({
      at: document.querySelector("#updated")?.getAttribute("datetime") ?? "",
      statuses: [...(card?.querySelectorAll("[data-status]") ?? [])].map((node) => [
        node.getAttribute("data-status") ?? "",
        node.innerText,
      ]),
      settled: text('[data-testid="settled"]'),
      inFlight: text('[data-testid="in-flight"]'),
    });
  })()`;
  const read = JSON.parse(String(await page.evaluate(script))) as {
    at: string;
    statuses: [string, string][];
    settled: string;
    inFlight: string;
  };
  const byStatus: Record<string, number> = {};
  for (const [status, shown] of read.statuses) byStatus[status] = Number(shown.replace(/\D/g, ""));
  return { at: read.at, byStatus, settled: read.settled, inFlight: read.inFlight };
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
