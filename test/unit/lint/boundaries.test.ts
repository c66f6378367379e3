/**
 * The import boundaries in eslint.config.js, run on small sources placed in each room of the
 * house: a forbidden import must be reported, an allowed one must not.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

let boundaries: Linter.Config[];

beforeAll(async () => {
  const loaded = (await import(pathToFileURL(join(root, "eslint.config.js")).href)) as {
    default: Linter.Config[];
  };
  // Only the entries that declare boundaries: the type-aware rules need a program this test has not.
  boundaries = loaded.default.filter((entry) => entry.rules?.["no-restricted-imports"] !== undefined);
});

/** The boundary messages ESLint reports for `source` placed at `file` (relative to the root). */
function violations(file: string, source: string): string[] {
  const linter = new Linter({ configType: "flat", cwd: root });
  const config: Linter.Config[] = [
    { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser as Linter.Parser } },
    ...boundaries,
  ];
  return linter
    .verify(source, config, { filename: join(root, file) })
    .map((message) => `${message.ruleId ?? "parse"}: ${message.message}`);
}

describe("lint boundaries", () => {
  it("finds the boundary entries in the config", () => {
    expect(boundaries.length).toBeGreaterThan(0);
  });

  it("keeps the emulator package out of shared/ and functions/", () => {
    for (const file of ["shared/bus/probe.ts", "functions/probe.ts"]) {
      for (const source of [
        'import { startGraphSimulator } from "@mailferry/azure-local/graph";',
        'import { silentLogger } from "@mailferry/azure-local";',
        'import { startAzurite } from "../packages/azure-local/src/azurite/index.js";',
      ]) {
        expect(violations(file, source), `${file}: ${source}`).toEqual([
          expect.stringMatching(/^no-restricted-imports: .*never the local emulators/),
        ]);
      }
    }
  });

  it("keeps the app out of the emulator package, its tests included", () => {
    for (const [file, source] of [
      [
        "packages/azure-local/src/servicebus/probe.ts",
        'import { QUEUES } from "../../../../shared/bus/topology.js";',
      ],
      [
        "packages/azure-local/src/graph/probe.ts",
        'import { createLogger } from "../../../../shared/telemetry/logger.js";',
      ],
      ["packages/azure-local/test/unit/probe.ts", 'import { startStack } from "../../../../local/stack.js";'],
      ["packages/azure-local/src/probe.ts", 'import { run } from "mailferry/cli";'],
    ] as const) {
      expect(violations(file, source), `${file}: ${source}`).toEqual([
        expect.stringMatching(/^no-restricted-imports: .*import nothing from the app/),
      ]);
    }
  });

  it("lets the package import itself and the app's dev tooling import the package", () => {
    expect(
      violations(
        "packages/azure-local/src/exchange/probe.ts",
        'import { startTlsServer } from "../authority/server.js";',
      ),
    ).toEqual([]);
    expect(
      violations(
        "packages/azure-local/test/unit/graph/probe.ts",
        'import { seedWorld } from "../../../src/graph/seed/tenant.js";',
      ),
    ).toEqual([]);
    expect(
      violations("local/stack.ts", 'import { startAzurite } from "@mailferry/azure-local/azurite";'),
    ).toEqual([]);
  });
});
