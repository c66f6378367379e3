/**
 * The stand-in for `@azure/functions-core`, the module the Azure Functions worker builds into
 * Node's `require` so that `@azure/functions` can register functions and hooks with it. Like the
 * worker (setupCoreModule in Azure/azure-functions-nodejs-worker), it answers `require` for that
 * one name; everything else resolves as usual. One stand-in serves the whole process, because
 * `@azure/functions` looks the module up once and keeps it.
 */
import Module from "node:module";
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookContext,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from "./core-types.js";
import { HostConfigurationError } from "../errors.js";

const CORE_MODULE = "@azure/functions-core";

/** One function as the app registered it, and the entry file whose loading registered it. */
export interface Registration {
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

/** What the worker keeps of the app: its programming model, registrations and hooks. */
export class WorkerState {
  programmingModel: ProgrammingModel | undefined;
  /** The entry file being loaded now; registrations are filed under it. */
  currentEntryPoint: string | undefined;
  readonly registrationsByEntryPoint = new Map<string, Registration[]>();
  readonly hooks = new Map<string, HookCallback[]>();
  /** Data the app's hooks share across invocations. */
  readonly appHookData: Record<string, unknown> = {};
  /** Where the worker's own log lines go (the host installs its logger). */
  log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void = () => undefined;

  register(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const entryPoint = this.currentEntryPoint;
    if (entryPoint === undefined) {
      throw new HostConfigurationError(
        `function ${metadata.name} was registered outside app start-up: register functions when package.json "main" files load`,
      );
    }
    const list = this.registrationsByEntryPoint.get(entryPoint) ?? [];
    list.push({ metadata, callback });
    this.registrationsByEntryPoint.set(entryPoint, list);
    return new Disposable(() => {
      const index = list.findIndex((registration) => registration.callback === callback);
      if (index >= 0) list.splice(index, 1);
    });
  }

  registerHook(name: string, callback: HookCallback): Disposable {
    const list = this.hooks.get(name) ?? [];
    list.push(callback);
    this.hooks.set(name, list);
    return new Disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  }

  /** Runs the hooks of one kind in the order they were registered, as the worker does. */
  async runHooks(name: "appStart" | "appTerminate"): Promise<void> {
    const context: HookContext = { hookData: {}, appHookData: this.appHookData };
    for (const hook of [...(this.hooks.get(name) ?? [])]) await hook(context);
  }
}

/** The worker's Disposable: a callback run once on dispose. */
class Disposable {
  #onDispose: (() => void) | undefined;

  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const disposable of disposables) disposable.dispose();
    });
  }

  constructor(onDispose: () => void) {
    this.#onDispose = onDispose;
  }

  dispose(): void {
    this.#onDispose?.();
    this.#onDispose = undefined;
  }
}

const STATE_KEY = Symbol.for("mailferry.local-host.functions-core");

interface WithWorkerState {
  [STATE_KEY]?: WorkerState;
}

type RequireFunction = (this: unknown, id: string) => unknown;

/**
 * Provides `@azure/functions-core` to every `require` in this process (once) and returns the
 * worker state behind it.
 */
export function installCoreModule(): WorkerState {
  const holder = globalThis as WithWorkerState;
  const existing = holder[STATE_KEY];
  if (existing) return existing;
  const state = new WorkerState();
  const coreApi = {
    version: "4.0.0-local",
    hostVersion: "4.0.0-local",
    registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
      state.register(metadata, callback),
    registerHook: (name: string, callback: HookCallback) => state.registerHook(name, callback),
    setProgrammingModel: (model: ProgrammingModel) => {
      state.programmingModel = model;
    },
    getProgrammingModel: () => state.programmingModel,
    log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => {
      state.log(level, category, message);
    },
    Disposable,
  };
  const prototype = Module.prototype as unknown as { require: RequireFunction };
  prototype.require = new Proxy(prototype.require, {
    apply(target, thisArg, args: [string]) {
      return args[0] === CORE_MODULE ? coreApi : Reflect.apply(target, thisArg, args);
    },
  });
  holder[STATE_KEY] = state;
  return state;
}
