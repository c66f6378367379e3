/**
 * `npm run package` (which azd runs before it zips the app): lays the function app's deployment
 * package out in .deploy/app, the folder azure.yaml names as the service's `dist`.
 *
 *   npm run package
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "../../shared/telemetry/logger.js";
import { layOutPackage } from "./layout.js";

const project = fileURLToPath(new URL("../../", import.meta.url));
const out = resolve(project, ".deploy/app");
const layout = layOutPackage({ project, out });
createLogger({ fields: { component: "package" } }).info("function app package laid out", {
  out,
  ...layout,
});
