import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The boundaries between the project's folders are lint rules (eslint.config.js). Each case lints
 * one import as if it were written in an existing file of a room, and expects the rule to refuse it
 * (or, for the controls, to let it pass), so a rule that is weakened or dropped fails here.
 */
const cases: readonly { readonly file: string; readonly imports: string; readonly refused: boolean }[] = [
  { file: "shared/mover/errors.ts", imports: "../../local/stack.js", refused: true },
  { file: "shared/mover/errors.ts", imports: "../../cli/main.js", refused: true },
  { file: "functions/app.ts", imports: "../local/stack.js", refused: true },
  { file: "functions/app.ts", imports: "../test/factories/index.js", refused: true },
  { file: "shared/admin/waves.ts", imports: "../../functions/app.js", refused: true },
  { file: "shared/domain/index.ts", imports: "@azure/data-tables", refused: true },
  { file: "shared/domain/index.ts", imports: "../store/port.js", refused: true },
  { file: "shared/domain/index.ts", imports: "../runtime/services.js", refused: true },
  // Use cases take the narrow ports they declare, never the runtime's services or how they are built.
  { file: "shared/sweeper/sweeper.ts", imports: "../runtime/services.js", refused: true },
  { file: "shared/mover/engines/graph.ts", imports: "../../runtime/create.js", refused: true },
  { file: "shared/alerts/run.ts", imports: "../../functions/services.js", refused: true },
  // The emulators are a package of their own: the app never imports it, it never imports the app.
  { file: "shared/bus/topology.ts", imports: "@mailferry/azure-local/graph", refused: true },
  { file: "functions/app.ts", imports: "@mailferry/azure-local", refused: true },
  { file: "functions/app.ts", imports: "../packages/azure-local/src/azurite/index.js", refused: true },
  {
    file: "packages/azure-local/src/servicebus/probe.ts",
    imports: "../../../../shared/bus/topology.js",
    refused: true,
  },
  {
    file: "packages/azure-local/src/graph/probe.ts",
    imports: "../../../../shared/telemetry/logger.js",
    refused: true,
  },
  { file: "packages/azure-local/test/unit/probe.ts", imports: "../../../../local/stack.js", refused: true },
  { file: "packages/azure-local/src/probe.ts", imports: "mailferry/cli", refused: true },
  // The CLI changes state through use cases, never through a store's or a queue's adapter.
  { file: "cli/commands/wave.ts", imports: "../../shared/store/tables/accounts.js", refused: true },
  { file: "cli/commands/wave.ts", imports: "../../shared/bus/servicebus.js", refused: true },
  { file: "cli/commands/wave.ts", imports: "../../shared/admin/actions/tables.js", refused: true },
  { file: "cli/commands/wave.ts", imports: "@azure/data-tables", refused: true },
  // Controls: what the rooms may import.
  { file: "packages/azure-local/src/exchange/probe.ts", imports: "../authority/server.js", refused: false },
  { file: "local/stack.ts", imports: "@mailferry/azure-local/azurite", refused: false },
  { file: "cli/commands/wave.ts", imports: "../../shared/admin/waves.js", refused: false },
  { file: "shared/mover/errors.ts", imports: "../store/port.js", refused: false },
  { file: "functions/app.ts", imports: "../shared/config/index.js", refused: false },
  { file: "functions/services.ts", imports: "../shared/runtime/services.js", refused: false },
  { file: "shared/runtime/create.ts", imports: "./services.js", refused: false },
];

const eslint = new ESLint({
  cwd: root,
  ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
  // Only the import rule runs, so the type-aware parsing the full lint needs is not built here.
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

async function restrictedImportErrors(file: string, specifier: string): Promise<number> {
  const code = `import "${specifier}";\n`;
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return (result?.messages ?? []).filter((message) => message.ruleId === "no-restricted-imports").length;
}

describe("folder boundaries in lint", () => {
  it.each(cases)("$file importing $imports is refused: $refused", async ({ file, imports, refused }) => {
    const errors = await restrictedImportErrors(file, imports);
    if (refused) expect(errors).toBeGreaterThan(0);
    else expect(errors).toBe(0);
  });
});
