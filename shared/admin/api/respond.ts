/**
 * Answers of the admin API. Errors are classified by class, as everywhere in mailferry: known
 * refusals become 4xx answers with a JSON body that says what to do; anything else is logged and
 * answered with a 500 that reveals nothing.
 */
import { randomUUID } from "node:crypto";
import { isAnyOf, ValidationError } from "../../errors.js";
import type { Logger } from "../../telemetry/logger.js";
import {
  ConcurrencyConflictError,
  IllegalTransitionError,
  LeaseHeldError,
  NotFoundError,
} from "../../store/errors.js";
import {
  AccountClosedError,
  BodyTooLargeError,
  ConfirmationMismatchError,
  DeadLetterNotFoundError,
  ForbiddenError,
  RequestValidationError,
  UnauthenticatedError,
  WaveClosedError,
} from "../errors.js";
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

const CONFLICTS = [
  IllegalTransitionError,
  ConcurrencyConflictError,
  ConfirmationMismatchError,
  WaveClosedError,
  AccountClosedError,
  LeaseHeldError,
];
const NOT_FOUND = [NotFoundError, DeadLetterNotFoundError];

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
  if (error instanceof UnauthenticatedError) return problem(401, "Unauthenticated", error.message);
  if (error instanceof ForbiddenError) {
    return problem(403, "Forbidden", error.message, { requiredRole: error.requiredRole });
  }
  if (isAnyOf(error, NOT_FOUND)) return problem(404, "NotFound", error.message);
  if (isAnyOf(error, CONFLICTS)) return problem(409, "Conflict", error.message, { reason: error.name });
  const incident = randomUUID();
  log.error("admin request failed", { incident, error });
  return problem(500, "InternalError", "the operation failed; the logs name this incident", { incident });
}
