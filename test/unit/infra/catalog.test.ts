import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  findSetting,
  oneOfGroups,
  REQUIRED_ROLES,
  requiredInAzure,
  SETTINGS,
} from "../../../shared/config/catalog.js";
import { readGraphSettings } from "../../../shared/config/graph.js";
import {
  readPipelineSettings,
  readServiceBusSettings,
  readTablesSettings,
} from "../../../shared/config/index.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Setting names the code reads literally: calls like `optional(env, "X")` to any helper declared as
 * `function f(env: Env, name: string, ...)`, and `process.env.X`.
 */
function settingNamesReadIn(dirs: readonly string[]): Map<string, string> {
  const files: [string, string][] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && entry.name !== "catalog.ts")
        files.push([path, readFileSync(path, "utf8")]);
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  const readers = new Set<string>();
  for (const [, text] of files) {
    for (const match of text.matchAll(/function (\w+)(?:<[^>]*>)?\(\s*env: Env,\s*name: string/g)) {
      if (match[1] !== undefined) readers.add(match[1]);
    }
  }
  const found = new Map<string, string>();
  for (const [path, text] of files) {
    for (const match of text.matchAll(/\b(\w+)\(\s*env\s*,\s*"([A-Za-z_][A-Za-z0-9_]*)"/g)) {
      if (match[1] !== undefined && match[2] !== undefined && readers.has(match[1]))
        found.set(match[2], path.slice(root.length));
    }
    // Binding expressions such as schedule: "%MAILFERRY_SCHEDULER_SCHEDULE%" are resolved from settings.
    for (const match of text.matchAll(/"%([A-Za-z_][A-Za-z0-9_]*)%"/g)) {
      if (match[1] !== undefined) found.set(match[1], path.slice(root.length));
    }
    for (const match of text.matchAll(
      /\bprocess\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\])/g,
    )) {
      const name = match[1] ?? match[2];
      if (name !== undefined) found.set(name, path.slice(root.length));
    }
  }
  return found;
}

describe("settings catalog", () => {
  it("lists each setting once, described", () => {
    const names = SETTINGS.map((setting) => setting.name);
    expect(new Set(names).size).toBe(names.length);
    for (const setting of SETTINGS) expect(setting.description.length, setting.name).toBeGreaterThan(10);
  });

  it("covers every setting the application code reads", () => {
    const read = settingNamesReadIn(["shared", "functions"]);
    expect(read.size).toBeGreaterThan(5);
    const missing = [...read]
      .filter(([name]) => findSetting(name) === undefined)
      .map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it("requires in Azure what the config readers need, with one credential per Graph side", () => {
    const sample = (name: string): string => {
      if (name.endsWith("fullyQualifiedNamespace")) return "sb-x.servicebus.windows.net";
      if (name.endsWith("tableServiceUri")) return "https://st.table.core.windows.net/";
      if (name.endsWith("_ID") || name.endsWith("clientId")) return "00000000-0000-4000-8000-000000000001";
      return "managedidentity";
    };
    const env: Record<string, string> = Object.fromEntries(
      requiredInAzure().map((name) => [name, sample(name)]),
    );
    for (const names of oneOfGroups().values()) {
      const first = names[0];
      if (first !== undefined) env[first] = "secret-from-key-vault";
    }
    expect(readServiceBusSettings(env)).toMatchObject({ kind: "identity" });
    expect(readTablesSettings(env)).toMatchObject({ kind: "identity" });
    expect(readGraphSettings(env).target).toMatchObject({ clientSecret: "secret-from-key-vault" });
    expect(() => readPipelineSettings(env)).not.toThrow();
  });

  it("never requires a local-only setting, and keeps secrets out of the local set", () => {
    for (const setting of SETTINGS.filter((entry) => entry.use === "local")) {
      expect(requiredInAzure()).not.toContain(setting.name);
      expect(setting.secret, setting.name).not.toBe(true);
    }
  });

  it("never requires a planned setting that no module reads yet", () => {
    const planned = SETTINGS.filter((setting) => setting.planned === true).map((setting) => setting.name);
    expect(planned.length).toBeGreaterThan(0);
    for (const name of planned) expect(requiredInAzure()).not.toContain(name);
  });

  it("groups each Graph side's credential choices", () => {
    expect(oneOfGroups().get("graph-source-credential")).toEqual([
      "GRAPH_SOURCE_CLIENT_SECRET",
      "GRAPH_SOURCE_CERTIFICATE_PATH",
    ]);
    expect(oneOfGroups().get("graph-target-credential")).toHaveLength(2);
  });
});

describe("required roles", () => {
  it("name distinct built-in role ids", () => {
    const ids = REQUIRED_ROLES.map((role) => role.roleDefinitionId);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
