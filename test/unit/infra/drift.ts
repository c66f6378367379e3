/**
 * Drift checks between the code and the infrastructure templates. Each check returns the problems
 * it found (empty when in step), so a test can assert on the whole set or feed in a drifted copy.
 */
import type { QueueDefinition } from "../../../shared/bus/topology.js";
import type { RoleRequirement, SettingDefinition } from "../../../shared/config/catalog.js";
import { checkQueues } from "./checks/queues.js";
import { checkRoles } from "./checks/roles.js";
import { checkAppSettings } from "./checks/settings.js";
import { checkAlerts, checkDescriptions, checkFunctionApp, checkParametersFile } from "./checks/templates.js";
import type { DriftProblem } from "./checks/types.js";
import type { InfraSources } from "./model.js";

export { checkQueues } from "./checks/queues.js";
export { checkRoles } from "./checks/roles.js";
export { checkAppSettings, FLEX_UNSUPPORTED_SETTINGS, resolveAppSettings } from "./checks/settings.js";
export { checkAlerts, checkDescriptions, checkFunctionApp, checkParametersFile } from "./checks/templates.js";
export { MAIN, PARAMETERS, QUEUES_JSON, type DriftProblem } from "./checks/types.js";

export interface DriftInputs {
  readonly queues: readonly QueueDefinition[];
  readonly catalog: readonly SettingDefinition[];
  readonly roles: readonly RoleRequirement[];
}

/** Runs every check. */
export function findDrift(sources: InfraSources, inputs: DriftInputs): DriftProblem[] {
  return [
    ...checkQueues(sources, inputs.queues),
    ...checkDescriptions(sources),
    ...checkParametersFile(sources),
    ...checkAppSettings(sources, inputs.catalog),
    ...checkRoles(sources, inputs.roles),
    ...checkFunctionApp(sources),
    ...checkAlerts(sources),
  ];
}
