/**
 * Answers of the admin API. Errors are classified by name, as everywhere in mailferry: known
 * refusals become 4xx answers with a JSON body that says what to do; anything else is logged and
 * answered with a 500 that reveals nothing.
 */
import { randomUUID } from "node:crypto";
import { ValidationError } from "../../errors.js";
import type { Logger } from "../../telemetry/logger.js";
import { BodyTooLargeError, ForbiddenError, RequestValidationError } from "../errors.js";
import type { AdminResponse } from "./http.js";

/** A 200 with a JSON body. */
export function ok(body: unknown): AdminResponse {
  return { status: 200, jsonBody: body };
}

function problem(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): AdminResponse {
  return { status, jsonBody: { error: { code, message, ...extra } } };
}

const CONFLICTS = new Set([
  "IllegalTransitionError",
  "ConcurrencyConflictError",
  "ConfirmationMismatchError",
  "WaveClosedError",
  "AccountClosedError",
  "LeaseHeldError",
]);
const NOT_FOUND = new Set(["NotFoundError", "DeadLetterNotFoundError"]);

/** The answer for an error thrown while serving a request. */
export function errorResponse(error: unknown, log: Logger): AdminResponse {
  if (error instanceof RequestValidationError) {
    return problem(400, "BadRequest", "the request is not valid; see fields", { fields: error.fields });
  }
  if (error instanceof ValidationError) {
    return problem(400, "BadRequest", error.message, {
      fields: [{ path: error.where, message: error.message }],
    });
  }
  if (error instanceof BodyTooLargeError) {
    return problem(413, "PayloadTooLarge", error.message, { limitBytes: error.limitBytes });
  }
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : "";
  if (name === "UnauthenticatedError") return problem(401, "Unauthenticated", message);
  if (error instanceof ForbiddenError) {
    return problem(403, "Forbidden", message, { requiredRole: error.requiredRole });
  }
  if (NOT_FOUND.has(name)) return problem(404, "NotFound", message);
  if (CONFLICTS.has(name)) return problem(409, "Conflict", message, { reason: name });
  const incident = randomUUID();
  log.error("admin request failed", { incident, error });
  return problem(500, "InternalError", "the operation failed; the logs name this incident", { incident });
}
