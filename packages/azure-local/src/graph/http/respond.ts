/** Graph's response conventions: error bodies, JSON content type, request ids. */
import type { GraphResponse } from "./types.js";

export const JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Graph's error body: `{"error":{"code","message","innerError"}}`. */
export function errorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ""),
        "request-id": requestId,
        "client-request-id": clientRequestId,
      },
    },
  };
}

/** An error response in Graph's shape. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  ids: { requestId: string; clientRequestId: string },
  headers: Readonly<Record<string, string>> = {},
): GraphResponse {
  return { status, headers, body: errorBody(code, message, ids.requestId, ids.clientRequestId) };
}

/** A 200 (or other status) JSON response. */
export function ok(
  body: unknown,
  status = 200,
  headers: Readonly<Record<string, string>> = {},
): GraphResponse {
  return { status, headers, body };
}
