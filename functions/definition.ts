/**
 * A function's definition, written once: the `app.*` registration (for the Azure Functions host)
 * and the local host (for the embedded stack and tests) both read it, so a schedule, queue name,
 * route or auth level can never differ between the two.
 */
import { createRequire } from "node:module";
import functions, {
  type HttpFunctionOptions,
  type ServiceBusQueueFunctionOptions,
  type TimerFunctionOptions,
} from "@azure/functions";

export interface TimerFunctionDefinition {
  readonly kind: "timer";
  readonly name: string;
  readonly options: TimerFunctionOptions;
}

export interface ServiceBusQueueFunctionDefinition {
  readonly kind: "serviceBusQueue";
  readonly name: string;
  readonly options: ServiceBusQueueFunctionOptions;
}

export interface HttpFunctionDefinition {
  readonly kind: "http";
  readonly name: string;
  readonly options: HttpFunctionOptions;
}

export type FunctionDefinition =
  | TimerFunctionDefinition
  | ServiceBusQueueFunctionDefinition
  | HttpFunctionDefinition;

/** Defines a timer-triggered function. */
export function defineTimer(name: string, options: TimerFunctionOptions): TimerFunctionDefinition {
  return { kind: "timer", name, options };
}

/** Defines a Service Bus queue-triggered function. */
export function defineServiceBusQueue(
  name: string,
  options: ServiceBusQueueFunctionOptions,
): ServiceBusQueueFunctionDefinition {
  return { kind: "serviceBusQueue", name, options };
}

/** Defines an HTTP-triggered function. */
export function defineHttp(name: string, options: HttpFunctionOptions): HttpFunctionDefinition {
  return { kind: "http", name, options };
}

/**
 * True inside the Azure Functions worker, which provides `@azure/functions-core`. Outside it the
 * library would only print that it skipped the registration.
 */
function insideFunctionsRuntime(): boolean {
  try {
    createRequire(import.meta.url)("@azure/functions-core");
    return true;
  } catch {
    return false;
  }
}

/** Registers a definition with the Azure Functions host (a no-op outside the host). */
export function register(definition: FunctionDefinition): FunctionDefinition {
  if (!insideFunctionsRuntime()) return definition;
  // The package is CommonJS; Node's ESM loader exposes `app` on the default export only.
  const { app } = functions;
  switch (definition.kind) {
    case "timer":
      app.timer(definition.name, definition.options);
      break;
    case "serviceBusQueue":
      app.serviceBusQueue(definition.name, definition.options);
      break;
    case "http":
      app.http(definition.name, definition.options);
      break;
  }
  return definition;
}
