/** The few OData query options the simulated endpoints honour: $select, $top, $filter, paging. */
import { GraphApiError } from "../errors.js";
import type { GraphRequest } from "./types.js";

/** Properties named by `$select`, validated against what the type has; undefined when absent. */
export function selected(
  request: GraphRequest,
  typeName: string,
  known: readonly string[],
): string[] | undefined {
  const raw = request.query.get("$select");
  if (raw === null || raw.trim() === "") return undefined;
  const names = raw
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!known.some((property) => property.toLowerCase() === name.toLowerCase())) {
      throw new GraphApiError(
        400,
        "BadRequest",
        `Could not find a property named '${name}' on type '${typeName}'.`,
      );
    }
  }
  return names.map((name) => known.find((property) => property.toLowerCase() === name.toLowerCase()) ?? name);
}

/** Keeps only the selected properties (and `id`, which Graph always returns). */
export function project(
  entity: Record<string, unknown>,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  if (!select) return entity;
  const out: Record<string, unknown> = {};
  if ("id" in entity) out.id = entity.id;
  for (const name of select) if (name in entity) out[name] = entity[name];
  return out;
}

/** Page size from `$top` or `Prefer: odata.maxpagesize=N`, bounded. */
export function pageSize(
  request: GraphRequest,
  fallback: number,
  max: number,
): { size: number; preferApplied?: string } {
  const top = request.query.get("$top");
  if (top !== null) {
    const value = Number(top);
    if (!Number.isInteger(value) || value < 1) {
      throw new GraphApiError(400, "BadRequest", `Invalid value '${top}' for $top query option.`);
    }
    return { size: Math.min(value, max) };
  }
  const prefer = /odata\.maxpagesize=(\d+)/i.exec(request.headers.prefer ?? "")?.[1];
  if (prefer !== undefined) {
    const size = Math.min(Math.max(1, Number(prefer)), max);
    return { size, preferApplied: `odata.maxpagesize=${size}` };
  }
  return { size: fallback };
}

/** The only filter items delta supports: `receivedDateTime ge|gt <timestamp>`. */
export interface ReceivedFilter {
  readonly op: "ge" | "gt";
  readonly ms: number;
}

export function receivedFilter(request: GraphRequest): ReceivedFilter | undefined {
  const raw = request.query.get("$filter");
  if (raw === null || raw.trim() === "") return undefined;
  const match = /^\s*receivedDateTime\s+(ge|gt)\s+'?([0-9T:.\-+Z]+)'?\s*$/i.exec(raw);
  const ms = match?.[2] === undefined ? Number.NaN : Date.parse(match[2]);
  if (!match || Number.isNaN(ms)) {
    throw new GraphApiError(
      400,
      "ErrorInvalidUrlQueryFilter",
      "The only supported filter is receivedDateTime ge|gt {timestamp}.",
    );
  }
  return { op: (match[1] ?? "ge").toLowerCase() === "gt" ? "gt" : "ge", ms };
}

/** Whether `receivedDateTime desc` ordering was asked for (the only ordering items delta supports). */
export function orderedByReceivedDesc(request: GraphRequest): boolean {
  const raw = request.query.get("$orderby");
  if (raw === null || raw.trim() === "") return false;
  if (/^\s*receivedDateTime\s+desc\s*$/i.test(raw)) return true;
  throw new GraphApiError(
    400,
    "ErrorInvalidUrlQuery",
    "The only supported ordering is receivedDateTime desc.",
  );
}

/** State carried in $skiptoken/$deltatoken: opaque to clients, readable by the simulator. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeToken(raw: string): unknown {
  try {
    return JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown;
  } catch {
    throw new GraphApiError(400, "BadRequest", "The skip or delta token is not valid.");
  }
}
