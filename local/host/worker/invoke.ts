/**
 * One invocation as the worker runs it (InvocationHandler in Azure/azure-functions-nodejs-worker):
 * the host's RPC request goes to the app's programming model, which builds the handler's
 * arguments (`InvocationContext`, `HttpRequest`, the message body), calls the handler, and turns
 * the result back into an RPC response. The library's own converters do all of it, so a handler
 * sees exactly what it sees in Azure.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../../shared/telemetry/logger.js";
import type {
  FunctionCallback,
  HookContext,
  CoreInvocationContext,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogLevel,
} from "./core-types.js";
import type { Registration, WorkerState } from "./core-module.js";
import { HostConfigurationError } from "../errors.js";

/** What a trigger passes in: the trigger binding's data and the trigger metadata. */
export interface TriggerInput {
  readonly data: RpcInvocationRequest["inputData"];
  readonly triggerMetadata?: RpcInvocationRequest["triggerMetadata"];
}

/** Routes the library's log calls (context.log, warn, error) to the structured logger. */
function logTo(logger: Logger): CoreInvocationContext["log"] {
  return (level: RpcLogLevel, _category, message) => {
    if (level === "error" || level === "critical") logger.error(message);
    else if (level === "warning") logger.warn(message);
    else if (level === "trace" || level === "debug") logger.debug(message);
    else if (level !== "none") logger.info(message);
  };
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** The id the worker knows a registration by. */
export function functionIdOf(registration: Registration): string {
  return registration.metadata.functionId ?? registration.metadata.name;
}

/**
 * Invokes a registered function with RPC-shaped input and returns the RPC response. A handler's
 * error is thrown, as the worker reports it to the host (which then abandons a message or
 * answers 500).
 */
export async function invokeRegistration(
  worker: WorkerState,
  registration: Registration,
  input: TriggerInput,
  logger: Logger,
): Promise<{ invocationId: string; response: RpcInvocationResponse }> {
  const model = worker.programmingModel;
  if (!model) throw new HostConfigurationError("the app has no programming model");
  const invocationId = randomUUID();
  const name = registration.metadata.name;
  const log = logger.child({ functionName: name, invocationId });
  const core: CoreInvocationContext = {
    invocationId,
    request: {
      invocationId,
      functionId: functionIdOf(registration),
      inputData: input.data ?? null,
      triggerMetadata: input.triggerMetadata ?? null,
    },
    metadata: {
      name,
      functionId: functionIdOf(registration),
      bindings: { ...registration.metadata.bindings },
    },
    log: logTo(log),
  };
  const invocation = await model.getInvocationModel(core);
  const { context, inputs } = await invocation.getArguments();
  const hookData: Record<string, unknown> = {};
  const pre: HookContext & {
    invocationContext: unknown;
    inputs: unknown[];
    functionCallback: FunctionCallback;
  } = {
    hookData,
    appHookData: worker.appHookData,
    invocationContext: context,
    inputs,
    functionCallback: registration.callback,
  };
  core.state = "preInvocationHooks";
  for (const hook of worker.hooks.get("preInvocation") ?? []) await hook(pre);
  core.state = "invocation";
  let result: unknown = null;
  let failure: unknown = null;
  try {
    result = await invocation.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (error) {
    failure = error;
  }
  const post = {
    hookData,
    appHookData: worker.appHookData,
    invocationContext: context,
    inputs: pre.inputs,
    result,
    error: failure,
  };
  core.state = "postInvocationHooks";
  for (const hook of worker.hooks.get("postInvocation") ?? []) await hook(post);
  core.state = undefined;
  // The worker rethrows whatever the handler (or a hook) left as the error, Error or not.
  if (post.error !== null && post.error !== undefined) throw toError(post.error);
  return { invocationId, response: await invocation.getResponse(context, post.result) };
}
