/**
 * Lays the function app's deployment package out as `azd deploy` ships it to Flex Consumption:
 * the project's files that `.funcignore` keeps, the build in `dist/`, and the production
 * dependencies only, exactly those package-lock.json does not mark `dev` (what
 * `npm ci --omit=dev` would install), copied from the installed node_modules.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ignorePackage from "ignore";
import { z } from "zod";
import { PackageLayoutError } from "../errors.js";

export interface LayoutOptions {
  /** The project: package.json, package-lock.json, .funcignore, node_modules. */
  readonly project: string;
  /** Where the package is laid out (emptied first). */
  readonly out: string;
  /** The compiled app (default: the project's dist/), placed at dist/ in the package. */
  readonly build?: string;
}

/** What was laid out. */
export interface PackageLayout {
  readonly files: number;
  readonly bytes: number;
  readonly dependencies: number;
}

// CommonJS typed with a default export: its `default` is the factory at run time and in its types.
const ignore = ignorePackage.default;
type Ignore = ReturnType<typeof ignore>;

const lockSchema = z.object({
  packages: z.record(z.string(), z.object({ dev: z.boolean().optional(), link: z.boolean().optional() })),
});

/** Folders never walked for project files: installed dependencies are chosen from the lockfile. */
const NEVER_WALKED = new Set(["node_modules", ".git", "dist"]);

function projectFiles(project: string, funcignore: Ignore): string[] {
  const kept: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const name = relative(project, path).split(sep).join("/");
      if (entry.isDirectory()) {
        if (NEVER_WALKED.has(name) || funcignore.ignores(`${name}/`)) continue;
        walk(path);
      } else if (!funcignore.ignores(name)) {
        kept.push(name);
      }
    }
  };
  walk(project);
  return kept;
}

/** The lockfile's production packages: every installed path not marked dev. */
function productionDependencies(project: string): string[] {
  const lockPath = join(project, "package-lock.json");
  let lock: z.infer<typeof lockSchema>;
  try {
    lock = lockSchema.parse(JSON.parse(readFileSync(lockPath, "utf8")));
  } catch (error) {
    throw new PackageLayoutError(`${lockPath} is missing or not a lockfile`, { cause: error });
  }
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith("node_modules/") && entry.dev !== true && entry.link !== true)
    .map(([path]) => path);
}

function sizeOf(path: string): { files: number; bytes: number } {
  const stat = statSync(path);
  if (!stat.isDirectory()) return { files: 1, bytes: stat.size };
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(path)) {
    const inner = sizeOf(join(path, entry));
    files += inner.files;
    bytes += inner.bytes;
  }
  return { files, bytes };
}

/** Lays the package out in `out` and says how big it is. */
export function layOutPackage(options: LayoutOptions): PackageLayout {
  const { project, out } = options;
  const build = options.build ?? join(project, "dist");
  if (!existsSync(join(build, "functions"))) {
    throw new PackageLayoutError(`no build at ${build}: run npm run build first`);
  }
  const funcignorePath = join(project, ".funcignore");
  const funcignore = ignore().add(existsSync(funcignorePath) ? readFileSync(funcignorePath, "utf8") : "");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of projectFiles(project, funcignore)) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    cpSync(join(project, file), join(out, file));
  }
  cpSync(build, join(out, "dist"), {
    recursive: true,
    filter: (source) => !source.endsWith(".map") && !source.endsWith(".d.ts"),
  });
  const dependencies = productionDependencies(project);
  for (const dependency of dependencies) {
    const source = join(project, dependency);
    // An optional dependency for another platform is in the lockfile but was never installed.
    if (!existsSync(source)) continue;
    cpSync(source, join(out, dependency), {
      recursive: true,
      // Nested node_modules are packages of their own, listed (and filtered) separately.
      filter: (path) => !relative(source, path).split(sep).includes("node_modules"),
    });
  }
  return { ...sizeOf(out), dependencies: dependencies.length };
}
