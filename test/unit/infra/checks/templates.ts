/** Template hygiene and the resources the deployment promises: descriptions, parameters, app, alerts. */
import {
  findResources,
  hasDecorator,
  modulesUsing,
  parseAll,
  property,
  statementsOf,
  stringOf,
  textOf,
  type InfraSources,
} from "../model.js";
import { isRecord, MAIN, PARAMETERS, type DriftProblem } from "./types.js";

/** Every parameter and output in every template has @description. */
export function checkDescriptions(sources: InfraSources): DriftProblem[] {
  const problems: DriftProblem[] = [];
  for (const [path, file] of parseAll(sources)) {
    for (const statement of [...statementsOf(file, "param"), ...statementsOf(file, "output")]) {
      if (!hasDecorator(statement, "description")) {
        problems.push({
          check: "descriptions",
          message: `${path}: ${statement.keyword} ${statement.name} has no @description`,
        });
      }
    }
  }
  return problems;
}

/** main.parameters.json names only real parameters and gives every parameter without a default. */
export function checkParametersFile(sources: InfraSources): DriftProblem[] {
  const problems: DriftProblem[] = [];
  const report = (message: string): void => {
    problems.push({ check: "parameters", message });
  };
  const main = parseAll(sources).get(MAIN);
  const text = sources.get(PARAMETERS);
  if (main === undefined || text === undefined) {
    report(`${MAIN} and ${PARAMETERS} must both exist`);
    return problems;
  }
  const parsed: unknown = JSON.parse(text);
  const given = isRecord(parsed) && isRecord(parsed.parameters) ? Object.keys(parsed.parameters) : [];
  const declared = statementsOf(main, "param");
  for (const name of given) {
    if (!declared.some((param) => param.name === name))
      report(`${PARAMETERS} sets ${name}, which ${MAIN} does not declare`);
  }
  for (const param of declared) {
    if (param.value === undefined && !given.includes(param.name)) {
      report(`${MAIN} parameter ${param.name} has no default and is not set in ${PARAMETERS}`);
    }
  }
  return problems;
}

/** Flex Consumption, Node 22, identity everywhere, and the azd service tag matching azure.yaml. */
export function checkFunctionApp(sources: InfraSources): DriftProblem[] {
  const problems: DriftProblem[] = [];
  const report = (message: string): void => {
    problems.push({ check: "functionApp", message });
  };
  const files = parseAll(sources);
  const site = findResources(files, "Microsoft.Web/sites")[0];
  const plan = findResources(files, "Microsoft.Web/serverfarms")[0];
  if (site === undefined || plan === undefined) {
    report("infra/ must declare a Microsoft.Web/serverfarms plan and a Microsoft.Web/sites app");
    return problems;
  }
  const app = site.statement.value;
  const expect = (actual: string | undefined, wanted: string, what: string): void => {
    if (actual !== wanted) report(`${site.path}: ${what} is ${actual ?? "not set"}, expected ${wanted}`);
  };
  expect(stringOf(property(plan.statement.value, "sku", "name")), "FC1", "plan sku");
  expect(stringOf(property(plan.statement.value, "sku", "tier")), "FlexConsumption", "plan tier");
  expect(stringOf(property(app, "kind")), "functionapp,linux", "kind");
  expect(stringOf(property(app, "identity", "type")), "UserAssigned", "identity type");
  const config = property(app, "properties", "functionAppConfig");
  expect(stringOf(property(config, "runtime", "name")), "node", "runtime name");
  expect(stringOf(property(config, "runtime", "version")), "22", "runtime version");
  expect(
    stringOf(property(config, "deployment", "storage", "authentication", "type")),
    "UserAssignedIdentity",
    "deployment storage authentication",
  );
  const params = statementsOf(site.file, "param").map((param) => param.name);
  for (const knob of ["instanceMemoryMB", "maximumInstanceCount"]) {
    const wired = textOf(property(config, "scaleAndConcurrency", knob));
    if (wired === undefined || !params.includes(wired))
      report(`${site.path}: scaleAndConcurrency.${knob} must be a parameter`);
  }
  if (property(app, "properties", "keyVaultReferenceIdentity") === undefined) {
    report(`${site.path}: keyVaultReferenceIdentity must name the user-assigned identity`);
  }
  const service = /^services:\s*\n\s+([A-Za-z0-9_-]+):/m.exec(sources.get("azure.yaml") ?? "")?.[1];
  const module = modulesUsing(files, MAIN, site.path)[0];
  const tagParam = /'azd-service-name':\s*(\w+)/.exec(textOf(property(app, "tags")) ?? "")?.[1];
  const passed = tagParam === undefined ? undefined : stringOf(property(module?.value, "params", tagParam));
  if (service === undefined || passed !== service) {
    report(
      `the function app's azd-service-name tag (${passed ?? "none"}) must match the service in azure.yaml (${service ?? "none"})`,
    );
  }
  checkAuthentication(files, site.path, report);
  return problems;
}

/**
 * App Service authentication guards the app: on, every request signed in or answered 401, with the
 * Entra ID provider. The app trusts its principal header only then (WEBSITE_AUTH_ENABLED).
 */
function checkAuthentication(
  files: ReturnType<typeof parseAll>,
  sitePath: string,
  report: (message: string) => void,
): void {
  const configs = findResources(files, "Microsoft.Web/sites/config").filter(
    (found) => stringOf(property(found.statement.value, "name")) === "authsettingsV2",
  );
  const auth = configs[0]?.statement.value;
  if (auth === undefined) {
    report(`${sitePath}: App Service authentication (authsettingsV2) is not configured`);
    return;
  }
  const wanted: [string[], string][] = [
    [["properties", "platform", "enabled"], "true"],
    [["properties", "globalValidation", "requireAuthentication"], "true"],
    [["properties", "globalValidation", "unauthenticatedClientAction"], "Return401"],
    [["properties", "identityProviders", "azureActiveDirectory", "enabled"], "true"],
  ];
  for (const [path, value] of wanted) {
    const actual = stringOf(property(auth, ...path)) ?? textOf(property(auth, ...path));
    if (actual !== value)
      report(
        `${sitePath}: authsettingsV2 ${path.slice(1).join(".")} is ${actual ?? "not set"}, expected ${value}`,
      );
  }
}

/** The Azure Monitor alerts the deployment promises exist. */
export function checkAlerts(sources: InfraSources): DriftProblem[] {
  const problems: DriftProblem[] = [];
  const files = parseAll(sources);
  const metricAlerts = findResources(files, "Microsoft.Insights/metricAlerts").map(
    (found) => textOf(found.statement.value) ?? "",
  );
  const wanted: [string, boolean][] = [
    ["an action group", findResources(files, "Microsoft.Insights/actionGroups").length > 0],
    [
      "a DeadletteredMessages alert split by EntityName",
      metricAlerts.some((text) => text.includes("'DeadletteredMessages'") && text.includes("'EntityName'")),
    ],
    ["a function failures alert", metricAlerts.some((text) => text.includes("'requests/failed'"))],
    ["a failure-rate log alert", findResources(files, "Microsoft.Insights/scheduledQueryRules").length > 0],
  ];
  for (const [what, ok] of wanted)
    if (!ok) problems.push({ check: "alerts", message: `infra/ lacks ${what}` });
  return problems;
}
