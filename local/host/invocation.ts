import { randomUUID } from "node:crypto";
import { InvocationContext, type FunctionTrigger, type TriggerMetadata } from "@azure/functions";
import type { Logger } from "../../shared/telemetry/logger.js";

/**
 * Builds the InvocationContext a handler receives, with `context.log/warn/error` routed to the
 * structured logger and tagged with the invocation id, as the Functions host does.
 */
export function createInvocationContext(
  functionName: string,
  trigger: FunctionTrigger,
  logger: Logger,
  triggerMetadata?: TriggerMetadata,
): InvocationContext {
  const invocationId = randomUUID();
  const log = logger.child({ functionName, invocationId });
  return new InvocationContext({
    invocationId,
    functionName,
    triggerMetadata,
    options: { trigger },
    logHandler: (level, ...args) => {
      const message = args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" ");
      if (level === "error" || level === "critical") log.error(message);
      else if (level === "warning") log.warn(message);
      else if (level === "trace" || level === "debug") log.debug(message);
      else log.info(message);
    },
  });
}
