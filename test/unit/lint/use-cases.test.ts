/**
 * The boundary between use cases and the composition root, as the project's own lint config
 * enforces it: a use case that imports the runtime's services (or how they are built) fails lint,
 * while the runtime itself and the function handlers may import them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
// The project's own config; only the type-aware rules are left out, which the boundaries do not
// need and which would build the whole program first.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** The no-restricted-imports messages for `file` with `line` put in front of its own text. */
async function restrictedImports(file: string, line: string): Promise<string[]> {
  const text = `${line}\n${readFileSync(`${root}${file}`, "utf8")}`;
  const [result] = await eslint.lintText(text, { filePath: `${root}${file}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === "no-restricted-imports")
    .map((message) => message.message);
}

describe("use cases and the runtime", () => {
  it("refuses a use case that imports the runtime's services", async () => {
    const messages = await restrictedImports(
      "shared/sweeper/sweeper.ts",
      'import type { Services as Bag } from "../runtime/services.js";\nexport type Probe = Bag;',
    );
    expect(messages).toEqual([expect.stringContaining("Use cases never import the runtime services")]);
  });

  it("refuses a move engine that imports how the services are built", async () => {
    const messages = await restrictedImports(
      "shared/mover/engines/graph.ts",
      'import { createServices as build } from "../../runtime/create.js";\nexport const probe = build;',
    );
    expect(messages).toEqual([expect.stringContaining("Use cases never import the runtime services")]);
  });

  it("lets the runtime and the function handlers import the services", async () => {
    const probe = 'import type { Services as Bag } from "./services.js";\nexport type Probe = Bag;';
    expect(await restrictedImports("shared/runtime/create.ts", probe)).toEqual([]);
    expect(
      await restrictedImports(
        "functions/sweeper.ts",
        'import type { Services as Bag } from "../shared/runtime/services.js";\nexport type Probe = Bag;',
      ),
    ).toEqual([]);
  });
});
