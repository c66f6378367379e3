import { randomUUID } from "node:crypto";
import functions, {
  type FunctionTrigger,
  type InvocationContext,
  type TriggerMetadata,
} from "@azure/functions";

// The package is CommonJS; Node's ESM loader exposes its classes on the default export only.
const { InvocationContext: InvocationContextClass } = functions;
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
  return new InvocationContextClass({
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
