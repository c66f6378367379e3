/**
 * The files the dashboard page is made of, served by the Function App itself so the page needs
 * nothing from the internet: the page's own files from `dashboard/` and the charting library from
 * node_modules. Only the names listed here are served, so a request can never reach another file.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AssetNotFoundError, DashboardError } from "./errors.js";

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

interface AssetSource {
  readonly contentType: string;
  /** Where the file is: in the page folder, or a module path resolved from node_modules. */
  readonly from: { readonly page: string } | { readonly module: string };
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** The page's assets by the name the page asks for. */
export const ASSETS: Readonly<Record<string, AssetSource>> = {
  "index.html": { contentType: "text/html; charset=utf-8", from: { page: "index.html" } },
  "app.js": { contentType: JS, from: { page: "app.js" } },
  "charts.js": { contentType: JS, from: { page: "charts.js" } },
  "format.js": { contentType: JS, from: { page: "format.js" } },
  "grid.js": { contentType: JS, from: { page: "grid.js" } },
  "style.css": { contentType: CSS, from: { page: "style.css" } },
  "uplot.js": { contentType: JS, from: { module: "uplot/dist/uPlot.iife.min.js" } },
  "uplot.css": { contentType: CSS, from: { module: "uplot/dist/uPlot.min.css" } },
};

/**
 * The folder of the page's files: `dashboard/` at the app's root, found by walking up from this
 * module (it runs from the sources and, compiled, from `dist/`).
 */
function pageFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, "dashboard");
    if (existsSync(join(candidate, "index.html"))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) throw new DashboardError("the dashboard's page folder (dashboard/) is missing");
    folder = parent;
  }
}

const requireFromHere = createRequire(import.meta.url);

/**
 * Reads an asset by name (AssetNotFoundError for names not listed). Files are read on every
 * request: they are small, and an edited page shows without a restart.
 */
export async function readAsset(name: string): Promise<Asset> {
  const source = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (source === undefined) throw new AssetNotFoundError(name);
  const path =
    "page" in source.from
      ? join(pageFolder(), source.from.page)
      : requireFromHere.resolve(source.from.module);
  return { body: await readFile(path), contentType: source.contentType };
}
