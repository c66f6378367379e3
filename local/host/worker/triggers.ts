/**
 * Reads a registration's trigger as the Functions host does: from the binding that
 * `@azure/functions` registered (`timerTrigger`, `serviceBusTrigger`, `httpTrigger`), so schedules,
 * queue names, connections, routes and auth levels come from the app alone.
 */
import { z } from "zod";
import { HostConfigurationError } from "../errors.js";
import type { Registration } from "./core-module.js";

const timerBinding = z.object({
  type: z.literal("timerTrigger"),
  name: z.string(),
  schedule: z.string(),
  runOnStartup: z.boolean().optional(),
});

const serviceBusBinding = z.object({
  type: z.literal("serviceBusTrigger"),
  name: z.string(),
  connection: z.string(),
  queueName: z.string().optional(),
  topicName: z.string().optional(),
  cardinality: z.enum(["one", "many"]).optional(),
  isSessionsEnabled: z.boolean().optional(),
  autoCompleteMessages: z.boolean().optional(),
});

const httpBinding = z.object({
  type: z.literal("httpTrigger"),
  name: z.string(),
  route: z.string().optional(),
  methods: z.array(z.string()).optional(),
  authLevel: z.enum(["anonymous", "function", "admin"]).optional(),
});

export type TimerTrigger = z.infer<typeof timerBinding>;
export type ServiceBusTrigger = z.infer<typeof serviceBusBinding>;
export type HttpTrigger = z.infer<typeof httpBinding>;

/** A registration with its trigger binding read, by kind. */
export type TriggeredFunction =
  | { readonly kind: "timer"; readonly registration: Registration; readonly trigger: TimerTrigger }
  | { readonly kind: "serviceBus"; readonly registration: Registration; readonly trigger: ServiceBusTrigger }
  | { readonly kind: "http"; readonly registration: Registration; readonly trigger: HttpTrigger };

/** Classifies a registration by its trigger; a trigger the local host cannot run is refused. */
export function triggerOf(registration: Registration): TriggeredFunction {
  const { name, bindings } = registration.metadata;
  const triggers = Object.entries(bindings).filter(
    ([, binding]) => binding.direction === "in" && /trigger$/i.test(binding.type ?? ""),
  );
  const [entry, ...others] = triggers;
  if (!entry || others.length > 0) {
    throw new HostConfigurationError(`function ${name}: needs exactly one trigger binding`);
  }
  const [bindingName, binding] = entry;
  const withName = { ...binding, name: bindingName };
  const parse = <T>(schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(withName);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new HostConfigurationError(
      `function ${name}: trigger ${issue?.path.join(".") ?? ""} ${issue?.message ?? "is invalid"}`,
    );
  };
  switch (binding.type) {
    case "timerTrigger":
      return { kind: "timer", registration, trigger: parse(timerBinding) };
    case "serviceBusTrigger":
      return { kind: "serviceBus", registration, trigger: parse(serviceBusBinding) };
    case "httpTrigger":
      return { kind: "http", registration, trigger: parse(httpBinding) };
    default:
      throw new HostConfigurationError(
        `function ${name}: the local host runs timer, Service Bus and HTTP triggers, not ${String(binding.type)}`,
      );
  }
}
