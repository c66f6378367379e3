/**
 * Loads a function app the way the Azure Functions worker does (startApp in
 * Azure/azure-functions-nodejs-worker): the files its package.json `main` names, in order, with
 * `@azure/functions-core` provided, then its `appStart` hooks. What the files register is the app.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { glob } from "tinyglobby";
import { z } from "zod";
import { HostConfigurationError } from "../errors.js";
import { installCoreModule, type Registration, type WorkerState } from "./core-module.js";

/** Where an app's files are: the package's directory, and whether to run its build or its sources. */
export interface AppLocation {
  readonly directory: string;
  /**
   * `build`: the files `main` names, as Azure runs them. `sources`: the TypeScript each of them is
   * compiled from (`dist/x.js` → `x.ts`), so the embedded stack and tests need no build step.
   */
  readonly files: "build" | "sources";
}

/** An app as the worker holds it once loaded. */
export interface LoadedApp {
  readonly entryPoints: readonly string[];
  readonly registrations: readonly Registration[];
  readonly worker: WorkerState;
}

const packageJsonSchema = z.object({ main: z.string().min(1) });

/** The build's output folder; `main` patterns under it map back to the sources. */
const BUILD_FOLDER = "dist/";

function mainPattern(location: AppLocation): string {
  const path = join(location.directory, "package.json");
  let parsed: z.infer<typeof packageJsonSchema>;
  try {
    parsed = packageJsonSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (error) {
    throw new HostConfigurationError(`${path}: "main" must name the app's entry files`, { cause: error });
  }
  if (location.files === "build") return parsed.main;
  const main = parsed.main.replace(/^\.\//, "");
  if (!main.startsWith(BUILD_FOLDER) || !main.endsWith(".js")) return main;
  return `${main.slice(BUILD_FOLDER.length, -".js".length)}.ts`;
}

/**
 * Loads every entry file (each once per process, as the worker does) and runs the app's
 * `appStart` hooks. Throws when no file matches or a file fails to load: the worker reports
 * that as a failed start, and so does the local host.
 */
export async function loadApp(location: AppLocation): Promise<LoadedApp> {
  const worker = installCoreModule();
  const pattern = mainPattern(location);
  const files = (await glob(pattern, { cwd: location.directory, absolute: true })).sort();
  if (files.length === 0) {
    throw new HostConfigurationError(
      `no entry file matches package.json "main" (${pattern}) in ${location.directory}`,
    );
  }
  const registrations: Registration[] = [];
  for (const file of files) {
    const entryPoint = resolve(file);
    if (!worker.registrationsByEntryPoint.has(entryPoint)) {
      worker.currentEntryPoint = entryPoint;
      worker.registrationsByEntryPoint.set(entryPoint, []);
      try {
        await import(pathToFileURL(entryPoint).href);
      } catch (error) {
        worker.registrationsByEntryPoint.delete(entryPoint);
        // As the worker does, the app's own message travels with the failure: it names what is wrong.
        const reason = error instanceof Error ? error.message : String(error);
        throw new HostConfigurationError(`the app failed to load ${entryPoint}: ${reason}`, { cause: error });
      } finally {
        worker.currentEntryPoint = undefined;
      }
    }
    registrations.push(...(worker.registrationsByEntryPoint.get(entryPoint) ?? []));
  }
  if (!worker.programmingModel) {
    throw new HostConfigurationError("the app set no programming model: load @azure/functions v4 from main");
  }
  return { entryPoints: files, registrations, worker };
}
