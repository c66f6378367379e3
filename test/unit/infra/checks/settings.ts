/** The function app's settings against the settings catalog. */
import {
  findSetting,
  oneOfGroups,
  requiredInAzure,
  type SettingDefinition,
} from "../../../../shared/config/catalog.js";
import type { BicepProperty } from "../bicep/parser.js";
import {
  findResources,
  modulesUsing,
  parseAll,
  property,
  resolveVar,
  statementsOf,
  stringOf,
  textOf,
  type InfraSources,
} from "../model.js";
import { MAIN, type DriftProblem } from "./types.js";

/** Settings Flex Consumption rejects or ignores (they moved into functionAppConfig) or breaks on. */
export const FLEX_UNSUPPORTED_SETTINGS: readonly string[] = [
  "FUNCTIONS_EXTENSION_VERSION",
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_WORKER_RUNTIME_VERSION",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_CONTENTSHARE",
  "SCM_DO_BUILD_DURING_DEPLOYMENT",
  "WEBSITE_TIME_ZONE",
  "TZ",
  "AzureWebJobsStorage",
];

/** Settings whose value is fixed by how the identity-based connections work. */
const EXPECTED_VALUES: Readonly<Record<string, string>> = {
  AzureWebJobsStorage__credential: "managedidentity",
  ServiceBusConnection__credential: "managedidentity",
};

/** The function app's settings as written in the templates: name → value source text. */
export function resolveAppSettings(sources: InfraSources): {
  settings: BicepProperty[];
  problems: DriftProblem[];
} {
  const fail = (message: string): { settings: BicepProperty[]; problems: DriftProblem[] } => ({
    settings: [],
    problems: [{ check: "appSettings", message }],
  });
  const files = parseAll(sources);
  const config = findResources(files, "Microsoft.Web/sites/config").find(
    (found) => stringOf(property(found.statement.value, "name")) === "appsettings",
  );
  if (config === undefined) return fail("no Microsoft.Web/sites/config 'appsettings' resource in infra/");
  const paramName = textOf(property(config.statement.value, "properties"));
  if (!statementsOf(config.file, "param").some((param) => param.name === paramName)) {
    return fail(`${config.path}: appsettings properties must come from a parameter of that module`);
  }
  const module = modulesUsing(files, MAIN, config.path)[0];
  const main = files.get(MAIN);
  if (module === undefined || main === undefined || paramName === undefined) {
    return fail(`${MAIN} does not use ${config.path}`);
  }
  const settings = resolveVar(main, property(module.value, "params", paramName));
  if (settings?.kind !== "object")
    return fail(`${MAIN}: ${paramName} must be an object literal (or a var holding one)`);
  return { settings: [...settings.properties], problems: [] };
}

/** The settings catalog and the function app's settings agree. */
export function checkAppSettings(
  sources: InfraSources,
  catalog: readonly SettingDefinition[],
): DriftProblem[] {
  const { settings, problems } = resolveAppSettings(sources);
  if (problems.length > 0) return problems;
  const report = (message: string): void => {
    problems.push({ check: "appSettings", message });
  };
  const present = new Map(settings.map((entry) => [entry.key, entry.value]));
  for (const name of requiredInAzure(catalog)) {
    if (!present.has(name)) {
      report(
        `app setting ${name} is required in Azure (${findSetting(name, catalog)?.description ?? ""}) but not set`,
      );
    }
  }
  for (const [group, names] of oneOfGroups(catalog)) {
    if (!names.some((name) => present.has(name))) report(`none of ${names.join(", ")} (${group}) is set`);
  }
  for (const [name, value] of present) {
    const definition = findSetting(name, catalog);
    if (FLEX_UNSUPPORTED_SETTINGS.includes(name))
      report(`app setting ${name} is not supported on Flex Consumption`);
    if (definition === undefined) {
      report(`app setting ${name} is not in the settings catalog (shared/config/catalog.ts)`);
      continue;
    }
    if (definition.use === "local") report(`app setting ${name} is local-only and must not be set in Azure`);
    if (definition.secret === true && !(textOf(value) ?? "").includes("@Microsoft.KeyVault(")) {
      report(`app setting ${name} is a secret and must be a Key Vault reference`);
    }
    const expected = EXPECTED_VALUES[name];
    if (expected !== undefined && stringOf(value) !== expected)
      report(`app setting ${name} must be '${expected}'`);
  }
  return problems;
}
