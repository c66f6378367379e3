/**
 * `POST /$batch`: up to 20 requests in one call. The parts run concurrently (in order when any of
 * them declares `dependsOn`), each through the same permission, fault and throttling checks as a
 * lone request; a throttled part comes back as a 429 inside the 200.
 */
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import { type Outcome, RESET, dispatchGraph } from "../http/pipeline.js";
import { JSON_CONTENT_TYPE } from "../http/respond.js";
import type { Router } from "../http/router.js";
import type { GraphRequest, Route, RouteContext } from "../http/types.js";

export const MAX_BATCH_REQUESTS = 20;

const batchBody = z.object({
  requests: z.array(
    z.object({
      id: z.string().min(1),
      method: z.string(),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      dependsOn: z.array(z.string()).optional(),
    }),
  ),
});

type BatchPart = z.infer<typeof batchBody>["requests"][number];

function partRequest(context: RouteContext, part: BatchPart): GraphRequest {
  const url = new URL(part.url.startsWith("/") ? part.url : `/${part.url}`, "https://batch.invalid");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(part.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: part.method.toUpperCase(),
    version: context.request.version,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: part.body,
    bodyBytes: part.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(part.body)),
    principal: context.request.principal,
    requestId: context.request.requestId,
    clientRequestId: context.request.clientRequestId,
  };
}

function partResponse(id: string, outcome: Outcome): Record<string, unknown> {
  if (outcome === RESET) return { id, status: 500, headers: {}, body: {} };
  const headers: Record<string, string> = { ...outcome.headers };
  if (outcome.body !== undefined) headers["Content-Type"] = JSON_CONTENT_TYPE;
  return {
    id,
    status: outcome.status,
    headers,
    ...(outcome.body !== undefined ? { body: outcome.body } : {}),
  };
}

/** The $batch route; it needs the router to dispatch its parts. */
export function batchRoutes(router: () => Router): readonly Route[] {
  return [
    {
      method: "POST",
      pattern: "/$batch",
      permissions: [],
      handle: async (context) => {
        const parsed = batchBody.safeParse(context.request.body);
        if (!parsed.success) throw new GraphApiError(400, "BadRequest", "Invalid batch payload format.");
        const parts = parsed.data.requests;
        if (parts.length === 0 || parts.length > MAX_BATCH_REQUESTS) {
          throw new GraphApiError(
            400,
            "BadRequest",
            `A batch must hold between 1 and ${MAX_BATCH_REQUESTS} requests; it held ${parts.length}.`,
          );
        }
        if (new Set(parts.map((part) => part.id)).size !== parts.length) {
          throw new GraphApiError(400, "BadRequest", "Batch request ids must be unique.");
        }
        const run = (part: BatchPart): Promise<Outcome> =>
          dispatchGraph(context.state, router(), partRequest(context, part), false);
        let outcomes: Outcome[];
        if (parts.some((part) => part.dependsOn && part.dependsOn.length > 0)) {
          outcomes = [];
          for (const part of parts) outcomes.push(await run(part));
        } else {
          // Started together, so they compete for the mailbox's concurrency limit like parallel calls.
          outcomes = await Promise.all(parts.map(run));
        }
        return {
          status: 200,
          body: { responses: parts.map((part, index) => partResponse(part.id, outcomes[index] ?? RESET)) },
        };
      },
    },
  ];
}
