/**
 * Every function of the app. The Azure Functions host loads each file in this folder (package.json
 * `main`), and each registers itself; the local host runs this list.
 */
import type { FunctionDefinition } from "./definition.js";
import { ADMIN_FUNCTIONS } from "./admin.js";
import { alertsFunction } from "./alerts.js";
import { DASHBOARD_FUNCTIONS } from "./dashboard.js";
import { moverFunction } from "./mover.js";
import { schedulerFunction } from "./scheduler.js";
import { sweeperFunction } from "./sweeper.js";
import { watcherFunction } from "./watcher.js";

export const ALL_FUNCTIONS: readonly FunctionDefinition[] = [
  schedulerFunction,
  moverFunction,
  sweeperFunction,
  watcherFunction,
  alertsFunction,
  ...ADMIN_FUNCTIONS,
  ...DASHBOARD_FUNCTIONS,
];
