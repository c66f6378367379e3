/** The operator dashboard's functions: the page, its files, and the data it adds to the admin API. */
import type { FunctionDefinition } from "./definition.js";
import { dashboardAssetFunction } from "./dashboard-asset.js";
import { dashboardDataFunction } from "./dashboard-data.js";
import { dashboardPageFunction } from "./dashboard-page.js";

export const DASHBOARD_FUNCTIONS: readonly FunctionDefinition[] = [
  dashboardPageFunction,
  dashboardDataFunction,
  dashboardAssetFunction,
];
