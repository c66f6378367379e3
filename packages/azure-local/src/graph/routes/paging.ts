/** Offset-paged collections (folder children, a folder's items), as Graph pages them with $skiptoken. */
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import { decodeToken, encodeToken, pageSize, project } from "../http/odata.js";
import { ok } from "../http/respond.js";
import type { GraphResponse, RouteContext } from "../http/types.js";
import { contextUrl } from "./resources.js";

/** Page sizes of the mailbox collections and their deltas. */
export const DEFAULT_PAGE = 10;
export const MAX_PAGE = 1000;
const skipSchema = z.object({ offset: z.number().int().nonnegative() });

export interface OffsetCollection<T> {
  /** Type name for the `@odata.context` fragment, e.g. `microsoft.graph.mailboxItem`. */
  readonly type: string;
  /** The collection's URL without a query, for the nextLink. */
  readonly url: string;
  readonly select: readonly string[] | undefined;
  readonly entries: readonly T[];
  readonly toJson: (entry: T) => Record<string, unknown>;
}

/** The page the request's $skiptoken and page size ask for, with a nextLink when more follow. */
export function offsetPage<T>(context: RouteContext, collection: OffsetCollection<T>): GraphResponse {
  const { size, preferApplied } = pageSize(context.request, DEFAULT_PAGE, MAX_PAGE);
  const skipRaw = context.request.query.get("$skiptoken");
  const skip = skipRaw === null ? 0 : skipSchema.safeParse(decodeToken(skipRaw)).data?.offset;
  if (skip === undefined) throw new GraphApiError(400, "BadRequest", "The skip token is not valid.");
  const { select, entries } = collection;
  const body: Record<string, unknown> = {
    "@odata.context": contextUrl(context, `Collection(${collection.type})`),
    value: entries.slice(skip, skip + size).map((entry) => project(collection.toJson(entry), select)),
  };
  if (skip + size < entries.length) {
    const next = new URLSearchParams();
    if (select) next.set("$select", select.join(","));
    next.set("$top", String(size));
    next.set("$skiptoken", encodeToken({ offset: skip + size }));
    body["@odata.nextLink"] = `${collection.url}?${next.toString()}`;
  }
  return ok(body, 200, preferApplied ? { "Preference-Applied": preferApplied } : {});
}
