/**
 * The infrastructure as the drift checks see it: the text of every file under infra/ plus
 * azure.yaml, keyed by repository-relative path, with the Bicep files parsed. Tests build drifted
 * copies by editing the texts in memory.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { parseBicep, type BicepFile, type BicepStatement, type BicepValue } from "./bicep/parser.js";

/** Repository-relative path (posix separators) → file text. */
export type InfraSources = ReadonlyMap<string, string>;

/** Reads infra/**\/*.bicep, infra/*.json and azure.yaml from a checkout. */
export function loadInfraSources(root: string): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(bicep|json)$/.test(entry.name) && entry.name !== "tsconfig.json") {
        sources.set(relative(root, path).split(sep).join("/"), readFileSync(path, "utf8"));
      }
    }
  };
  walk(join(root, "infra"));
  sources.set("azure.yaml", readFileSync(join(root, "azure.yaml"), "utf8"));
  return sources;
}

/** Returns a copy of `sources` with one file's text changed by `edit` (which must change it). */
export function withEdit(
  sources: InfraSources,
  path: string,
  edit: (text: string) => string,
): Map<string, string> {
  const text = sources.get(path);
  if (text === undefined) throw new Error(`no file ${path} to edit`);
  const edited = edit(text);
  if (edited === text) throw new Error(`the edit left ${path} unchanged`);
  return new Map(sources).set(path, edited);
}

/** Every Bicep file, parsed. */
export function parseAll(sources: InfraSources): Map<string, BicepFile> {
  const files = new Map<string, BicepFile>();
  for (const [path, text] of sources) if (path.endsWith(".bicep")) files.set(path, parseBicep(text));
  return files;
}

/** Statements of one keyword. */
export function statementsOf(file: BicepFile, keyword: BicepStatement["keyword"]): BicepStatement[] {
  return file.statements.filter((statement) => statement.keyword === keyword);
}

/** Resources whose `Type@version` starts with `type@`. */
export function resourcesOfType(file: BicepFile, type: string): BicepStatement[] {
  return statementsOf(file, "resource").filter((statement) => statement.type?.startsWith(`${type}@`));
}

/** Resources of a type declared (not merely referenced with `existing`) in any file. */
export function findResources(
  files: ReadonlyMap<string, BicepFile>,
  type: string,
): { path: string; file: BicepFile; statement: BicepStatement }[] {
  const found: { path: string; file: BicepFile; statement: BicepStatement }[] = [];
  for (const [path, file] of files) {
    for (const statement of resourcesOfType(file, type)) {
      if (statement.existing !== true) found.push({ path, file, statement });
    }
  }
  return found;
}

/** Resolves a module or load path written in `fromPath` to a repository-relative path. */
export function resolveFrom(fromPath: string, target: string): string {
  return posix.normalize(posix.join(posix.dirname(fromPath), target));
}

/** The modules in `path` whose source is `targetPath`. */
export function modulesUsing(
  files: ReadonlyMap<string, BicepFile>,
  path: string,
  targetPath: string,
): BicepStatement[] {
  const file = files.get(path);
  if (file === undefined) return [];
  return statementsOf(file, "module").filter(
    (statement) => statement.type !== undefined && resolveFrom(path, statement.type) === targetPath,
  );
}

/** The body of a resource or module, looking through `if` and `for`. */
export function bodyOf(value: BicepValue | undefined): BicepValue | undefined {
  if (value === undefined) return undefined;
  if (value.kind === "if" || value.kind === "for") return bodyOf(value.body);
  return value;
}

/** Follows a path of property names through nested objects. */
export function property(value: BicepValue | undefined, ...path: string[]): BicepValue | undefined {
  let current = bodyOf(value);
  for (const key of path) {
    if (current?.kind !== "object") return undefined;
    current = current.properties.find((entry) => entry.key === key)?.value;
  }
  return current;
}

/** Source text of a value, or undefined. */
export function textOf(value: BicepValue | undefined): string | undefined {
  return value?.text;
}

/** The value of a plain string literal, or undefined. */
export function stringOf(value: BicepValue | undefined): string | undefined {
  return value?.kind === "expression" ? value.stringValue : undefined;
}

/** Whether a statement carries a decorator. */
export function hasDecorator(statement: BicepStatement, name: string): boolean {
  return statement.decorators.some((decorator) => decorator.name === name);
}

/** The value of `var name` in a file, following `var a = b` aliases. */
export function resolveVar(
  file: BicepFile,
  value: BicepValue | undefined,
  depth = 0,
): BicepValue | undefined {
  if (value?.kind !== "expression" || depth > 5) return value;
  const declared = statementsOf(file, "var").find((statement) => statement.name === value.text);
  return declared === undefined ? value : resolveVar(file, declared.value, depth + 1);
}
