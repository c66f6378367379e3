import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { QUEUES, type QueueDefinition } from "../../../shared/bus/topology.js";
import { REQUIRED_ROLES, SETTINGS, type SettingDefinition } from "../../../shared/config/catalog.js";
import {
  checkAlerts,
  checkAppSettings,
  checkDescriptions,
  checkFunctionApp,
  checkParametersFile,
  checkQueues,
  checkRoles,
  findDrift,
  MAIN,
  PARAMETERS,
  QUEUES_JSON,
  type DriftProblem,
} from "./drift.js";
import { loadInfraSources, withEdit } from "./model.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const sources = loadInfraSources(root);
const inputs = { queues: QUEUES, catalog: SETTINGS, roles: REQUIRED_ROLES };

const messages = (problems: DriftProblem[]): string[] => problems.map((problem) => problem.message);

describe("infrastructure drift", () => {
  it("finds the committed templates in step with the code", () => {
    expect(findDrift(sources, inputs)).toEqual([]);
  });

  it("reads every template", () => {
    const bicep = [...sources.keys()].filter((path) => path.endsWith(".bicep"));
    expect(bicep).toContain(MAIN);
    expect(bicep.length).toBeGreaterThanOrEqual(8);
  });
});

describe("queues", () => {
  it("fails when the topology changes but queues.json was not regenerated", () => {
    const changed: QueueDefinition[] = QUEUES.map((queue, index) =>
      index === 0 ? { ...queue, maxDeliveryCount: queue.maxDeliveryCount + 1 } : queue,
    );
    const first = changed[0];
    expect(messages(checkQueues(sources, changed))).toEqual([
      `queue ${first?.name ?? ""}: maxDeliveryCount is ${(first?.maxDeliveryCount ?? 0) - 1} in ${QUEUES_JSON} but ${first?.maxDeliveryCount ?? 0} in the topology`,
    ]);
  });

  it("fails when a queue is missing from queues.json", () => {
    const drifted = withEdit(sources, QUEUES_JSON, (text) => {
      const document = JSON.parse(text) as { queues: { name: string }[] };
      return JSON.stringify({ ...document, queues: document.queues.slice(1) });
    });
    const missing = QUEUES[0]?.name ?? "";
    expect(messages(checkQueues(drifted, QUEUES))).toEqual([
      `queue ${missing} is in the topology but missing from ${QUEUES_JSON}`,
    ]);
  });

  it("fails when a queue property is hard-coded instead of wired from queues.json", () => {
    const drifted = withEdit(sources, "infra/app/servicebus.bicep", (text) =>
      text.replace("lockDuration: queue.lockDuration", "lockDuration: 'PT5M'"),
    );
    expect(messages(checkQueues(drifted, QUEUES))).toEqual([
      "infra/app/servicebus.bicep: queue property lockDuration is 'PT5M', not wired from queue.lockDuration (infra/queues.json)",
    ]);
  });

  it("fails when a queue property is dropped", () => {
    const drifted = withEdit(sources, "infra/app/servicebus.bicep", (text) =>
      text.replace(/\n\s*deadLetteringOnMessageExpiration: queue\.deadLetteringOnMessageExpiration/, ""),
    );
    expect(messages(checkQueues(drifted, QUEUES)).join("\n")).toMatch(
      /deadLetteringOnMessageExpiration is not set/,
    );
  });

  it("fails when the queues are loaded from another file", () => {
    const drifted = withEdit(sources, "infra/app/servicebus.bicep", (text) =>
      text.replace("'../queues.json'", "'./other-queues.json'"),
    );
    expect(messages(checkQueues(drifted, QUEUES)).join("\n")).toMatch(/loadJsonContent/);
  });

  it("fails when SAS keys are left on", () => {
    const drifted = withEdit(sources, "infra/app/servicebus.bicep", (text) =>
      text.replace("disableLocalAuth: true", "disableLocalAuth: false"),
    );
    expect(messages(checkQueues(drifted, QUEUES)).join("\n")).toMatch(/disableLocalAuth/);
  });
});

describe("descriptions and parameters", () => {
  it("fails when a parameter loses its @description", () => {
    const drifted = withEdit(sources, "infra/app/storage.bicep", (text) =>
      text.replace("@description('Blob container Flex Consumption deploys the app package into.')\n", ""),
    );
    expect(messages(checkDescriptions(drifted))).toEqual([
      "infra/app/storage.bicep: param deploymentContainerName has no @description",
    ]);
  });

  it("fails when an output loses its @description", () => {
    const drifted = withEdit(sources, MAIN, (text) =>
      text.replace("@description('Resource group holding every mailferry resource.')\n", ""),
    );
    expect(messages(checkDescriptions(drifted))).toEqual([
      `${MAIN}: output AZURE_RESOURCE_GROUP has no @description`,
    ]);
  });

  it("fails when the parameters file names an unknown parameter or omits a required one", () => {
    const drifted = withEdit(sources, PARAMETERS, (text) =>
      text.replace('"graphSourceTenantId"', '"graphSourceTenant"'),
    );
    expect(messages(checkParametersFile(drifted))).toEqual([
      `${PARAMETERS} sets graphSourceTenant, which ${MAIN} does not declare`,
      `${MAIN} parameter graphSourceTenantId has no default and is not set in ${PARAMETERS}`,
    ]);
  });
});

describe("app settings", () => {
  it("fails when a setting required in Azure is missing", () => {
    const drifted = withEdit(sources, MAIN, (text) =>
      text.replace(/\n\s*MailferryTables__tableServiceUri: storage\.outputs\.tableEndpoint/, ""),
    );
    expect(messages(checkAppSettings(drifted, SETTINGS)).join("\n")).toMatch(
      /app setting MailferryTables__tableServiceUri is required in Azure/,
    );
  });

  it("fails when the catalog requires a setting the templates do not set", () => {
    const catalog: SettingDefinition[] = [
      ...SETTINGS,
      { name: "MAILFERRY_NEW_KNOB", section: "pipeline", use: "azure", readBy: "app", description: "new" },
    ];
    expect(messages(checkAppSettings(sources, catalog))).toEqual([
      "app setting MAILFERRY_NEW_KNOB is required in Azure (new) but not set",
    ]);
  });

  it("fails when a local-only connection string is set in Azure", () => {
    const drifted = withEdit(sources, MAIN, (text) =>
      text.replace("var appSettings = {", "var appSettings = {\n  ServiceBusConnection: 'Endpoint=sb://x/'"),
    );
    expect(messages(checkAppSettings(drifted, SETTINGS))).toEqual([
      "app setting ServiceBusConnection is local-only and must not be set in Azure",
    ]);
  });

  it("fails when a secret is set as plain text", () => {
    const drifted = withEdit(sources, MAIN, (text) =>
      text.replace(/GRAPH_SOURCE_CLIENT_SECRET: '[^\n]*'/, "GRAPH_SOURCE_CLIENT_SECRET: 'hunter2'"),
    );
    expect(messages(checkAppSettings(drifted, SETTINGS))).toEqual([
      "app setting GRAPH_SOURCE_CLIENT_SECRET is a secret and must be a Key Vault reference",
    ]);
  });

  it("fails on settings unknown to the catalog or unsupported on Flex Consumption", () => {
    const drifted = withEdit(sources, MAIN, (text) =>
      text.replace("var appSettings = {", "var appSettings = {\n  FUNCTIONS_WORKER_RUNTIME: 'node'"),
    );
    expect(messages(checkAppSettings(drifted, SETTINGS))).toEqual([
      "app setting FUNCTIONS_WORKER_RUNTIME is not supported on Flex Consumption",
      "app setting FUNCTIONS_WORKER_RUNTIME is not in the settings catalog (shared/config/catalog.ts)",
    ]);
  });

  it("fails when the Graph credential is missing altogether", () => {
    const drifted = withEdit(sources, MAIN, (text) =>
      text.replace(/\n\s*GRAPH_TARGET_CLIENT_SECRET: [^\n]*/, ""),
    );
    expect(messages(checkAppSettings(drifted, SETTINGS))).toEqual([
      "none of GRAPH_TARGET_CLIENT_SECRET, GRAPH_TARGET_CERTIFICATE_PATH (graph-target-credential) is set",
    ]);
  });

  it("fails when the host's Service Bus connection does not use the managed identity", () => {
    const drifted = withEdit(sources, MAIN, (text) =>
      text.replace(
        "ServiceBusConnection__credential: 'managedidentity'",
        "ServiceBusConnection__credential: 'secret'",
      ),
    );
    expect(messages(checkAppSettings(drifted, SETTINGS))).toEqual([
      "app setting ServiceBusConnection__credential must be 'managedidentity'",
    ]);
  });
});

describe("roles", () => {
  it("fails when a role the code path needs is not assigned", () => {
    const drifted = withEdit(sources, "infra/app/roles.bicep", (text) =>
      text.replaceAll("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
    );
    expect(messages(checkRoles(drifted, REQUIRED_ROLES))).toEqual([
      "role Storage Table Data Contributor is not assigned to the identity on the storage (The store creates its tables at start and reads and writes accounts, waves and audit records.)",
      "the identity is granted role ba92f5b4-2d11-453d-a403-e96b0029c9fe on Microsoft.Storage/storageAccounts, which the code path does not need",
    ]);
  });

  it("fails when a role is assigned on the wrong resource", () => {
    const drifted = withEdit(sources, "infra/app/roles.bicep", (text) =>
      text.replace(
        /(resource secretsUser [^\n]*\n[^\n]*\n\s*scope: )keyVault/,
        (_match, head: string) => `${head}storage`,
      ),
    );
    expect(messages(checkRoles(drifted, REQUIRED_ROLES)).join("\n")).toMatch(
      /role Key Vault Secrets User is not assigned to the identity on the keyVault/,
    );
  });

  it("does not count the operator's conditional roles as the identity's", () => {
    const drifted = withEdit(sources, "infra/app/roles.bicep", (text) =>
      text.replace(/\/\/ Monitoring Metrics Publisher[\s\S]*?\n}\n/, ""),
    );
    expect(messages(checkRoles(drifted, REQUIRED_ROLES))).toEqual([
      "role Monitoring Metrics Publisher is not assigned to the identity on the appInsights (Telemetry is ingested with Entra authentication; local authentication is disabled.)",
    ]);
  });
});

describe("function app and alerts", () => {
  it("fails when the runtime is not Node 22", () => {
    const drifted = withEdit(sources, "infra/app/function.bicep", (text) =>
      text.replace("version: '22'", "version: '20'"),
    );
    expect(messages(checkFunctionApp(drifted))).toEqual([
      "infra/app/function.bicep: runtime version is 20, expected 22",
    ]);
  });

  it("fails when App Service authentication lets unauthenticated callers through", () => {
    const drifted = withEdit(sources, "infra/app/function.bicep", (text) =>
      text.replace(
        "unauthenticatedClientAction: 'Return401'",
        "unauthenticatedClientAction: 'AllowAnonymous'",
      ),
    );
    expect(messages(checkFunctionApp(drifted))).toEqual([
      "infra/app/function.bicep: authsettingsV2 globalValidation.unauthenticatedClientAction is AllowAnonymous, expected Return401",
    ]);
  });

  it("fails when the azd service tag does not match azure.yaml", () => {
    const drifted = withEdit(sources, "azure.yaml", (text) => text.replace("  api:", "  worker:"));
    expect(messages(checkFunctionApp(drifted))).toEqual([
      "the function app's azd-service-name tag (api) must match the service in azure.yaml (worker)",
    ]);
  });

  it("fails when the dead-letter alert is no longer split per queue", () => {
    const drifted = withEdit(sources, "infra/app/alerts.bicep", (text) =>
      text.replace("name: 'EntityName'", "name: 'Other'"),
    );
    expect(messages(checkAlerts(drifted))).toEqual([
      "infra/ lacks a DeadletteredMessages alert split by EntityName",
    ]);
  });
});
