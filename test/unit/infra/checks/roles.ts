/** Role assignments of the function app's identity against the roles the code path needs. */
import type { RoleRequirement, RoleTarget } from "../../../../shared/config/catalog.js";
import {
  findResources,
  modulesUsing,
  parseAll,
  property,
  resourcesOfType,
  statementsOf,
  textOf,
  type InfraSources,
} from "../model.js";
import { MAIN, type DriftProblem } from "./types.js";

const ROLE_TARGET_TYPES: Readonly<Record<RoleTarget, string>> = {
  serviceBus: "Microsoft.ServiceBus/namespaces",
  movesQueue: "Microsoft.ServiceBus/namespaces/queues",
  storage: "Microsoft.Storage/storageAccounts",
  keyVault: "Microsoft.KeyVault/vaults",
  appInsights: "Microsoft.Insights/components",
};

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The identity gets exactly the required roles, each on the right resource. */
export function checkRoles(sources: InfraSources, required: readonly RoleRequirement[]): DriftProblem[] {
  const problems: DriftProblem[] = [];
  const report = (message: string): void => {
    problems.push({ check: "roles", message });
  };
  const files = parseAll(sources);
  const identityFile = findResources(files, "Microsoft.ManagedIdentity/userAssignedIdentities")[0];
  const identityModule = identityFile ? modulesUsing(files, MAIN, identityFile.path)[0] : undefined;
  if (identityModule === undefined) {
    report(`${MAIN} does not create a user-assigned identity`);
    return problems;
  }
  const principal = `${identityModule.name}.outputs.principalId`;
  const granted: { roleId: string; targetType: string }[] = [];
  const rolePaths = new Set(
    findResources(files, "Microsoft.Authorization/roleAssignments").map((found) => found.path),
  );
  for (const path of rolePaths) {
    const file = files.get(path);
    if (file === undefined) continue;
    // Which parameter of this module carries the identity's principal id (as passed by main).
    const principalParams = modulesUsing(files, MAIN, path).flatMap((module) => {
      const params = property(module.value, "params");
      return params?.kind === "object"
        ? params.properties.filter((entry) => textOf(entry.value) === principal).map((entry) => entry.key)
        : [];
    });
    for (const assignment of resourcesOfType(file, "Microsoft.Authorization/roleAssignments")) {
      const principalText = textOf(property(assignment.value, "properties", "principalId"));
      if (principalText === undefined || !principalParams.includes(principalText)) continue;
      if (assignment.value?.kind !== "object") {
        report(`${path}: role assignment ${assignment.name} for the identity must not be conditional`);
        continue;
      }
      const roleId = GUID.exec(
        textOf(property(assignment.value, "properties", "roleDefinitionId")) ?? "",
      )?.[0];
      const scopeName = textOf(property(assignment.value, "scope"));
      const scope = statementsOf(file, "resource").find((statement) => statement.name === scopeName);
      if (roleId === undefined || scope?.type === undefined) {
        report(`${path}: role assignment ${assignment.name} needs a literal role id and a resource scope`);
        continue;
      }
      granted.push({ roleId: roleId.toLowerCase(), targetType: scope.type.split("@")[0] ?? "" });
    }
  }
  for (const role of required) {
    const targetType = ROLE_TARGET_TYPES[role.target];
    const ok = granted.some(
      (grant) => grant.roleId === role.roleDefinitionId.toLowerCase() && grant.targetType === targetType,
    );
    if (!ok) report(`role ${role.role} is not assigned to the identity on the ${role.target} (${role.why})`);
  }
  for (const grant of granted) {
    if (!required.some((role) => role.roleDefinitionId.toLowerCase() === grant.roleId)) {
      report(
        `the identity is granted role ${grant.roleId} on ${grant.targetType}, which the code path does not need`,
      );
    }
  }
  return problems;
}
