import { fileURLToPath } from "node:url";
import type { AppLocation } from "./worker/load-app.js";

/** The repository's root: the function app's package. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * mailferry's own function app: by default its sources (the embedded stack and the tests run
 * without a build), or its build as Azure runs it.
 */
export function mailferryApp(files: AppLocation["files"] = "sources"): AppLocation {
  return { directory: ROOT, files };
}
