/**
 * The simulator's own admin interface under `/_simulator/` (not part of Graph, no token needed; the
 * server listens on loopback only): inventory, inspection, counters, sent mail, faults and limits.
 */
import { z } from "zod";
import { SimulatorInputError } from "../errors.js";
import type { GraphResponse } from "../http/types.js";
import type { InspectOptions } from "../inspect.js";
import type { FaultOptions, ThrottleLimits } from "../options.js";

export const ADMIN_PREFIX = "/_simulator/";

/** What the admin routes may do to the simulator; provided by the running instance. */
export interface AdminControls {
  inventory(): unknown;
  inspect(sourceUpn: string, targetUpn: string, options: InspectOptions): unknown;
  counters(): unknown;
  resetCounters(): void;
  sentMail(): unknown;
  /** Calls answered by described operation, and calls refused as outside the description. */
  calls(): unknown;
  setFaults(faults: Partial<FaultOptions>): void;
  setLimits(limits: Partial<ThrottleLimits>): void;
}

const faultsSchema = z
  .object({
    status500Rate: z.number(),
    status503Rate: z.number(),
    status504Rate: z.number(),
    resetRate: z.number(),
    slowRate: z.number(),
    slowMs: z.number(),
  })
  .partial()
  .strict();

const limitsSchema = z
  .object({
    requestsPerWindow: z.number(),
    requestWindowSeconds: z.number(),
    concurrentRequests: z.number(),
    uploadBytesPerWindow: z.number(),
    uploadWindowSeconds: z.number(),
    maxItemBytes: z.number(),
  })
  .partial()
  .strict();

function json(status: number, body: unknown): GraphResponse {
  return { status, body };
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? {} : (JSON.parse(body.toString("utf8")) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Inspection options from the query: `includeArchive=true`, `archiveAgeMonths=<integer>` and
 * `now=<ISO time>`; the inspection itself rejects values out of range.
 */
function inspectOptions(query: URLSearchParams): InspectOptions {
  const options: InspectOptions = { includeArchive: query.get("includeArchive") === "true" };
  const months = query.get("archiveAgeMonths");
  if (months !== null) {
    // Number("") is 0: an empty value must not quietly mean "archive everything".
    if (!/^\s*-?\d+\s*$/.test(months)) throw new SimulatorInputError("archiveAgeMonths must be an integer");
    options.archiveAgeMonths = Number(months);
  }
  const now = query.get("now");
  if (now !== null) {
    const ms = Date.parse(now);
    if (Number.isNaN(ms)) throw new SimulatorInputError("now must be an ISO date-time");
    options.now = ms;
  }
  return options;
}

/** Handles one admin call; `path` starts after the prefix. */
export function handleAdmin(
  controls: AdminControls,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): GraphResponse {
  try {
    const route = `${method.toUpperCase()} ${path.replace(/\/+$/, "")}`;
    switch (route) {
      case "GET inventory":
        return json(200, { value: controls.inventory() });
      case "GET inspect": {
        const source = query.get("source");
        const target = query.get("target");
        if (!source || !target) return json(400, { error: "source and target UPNs are required" });
        return json(200, controls.inspect(source, target, inspectOptions(query)));
      }
      case "GET counters":
        return json(200, controls.counters());
      case "POST counters/reset":
        controls.resetCounters();
        return { status: 204 };
      case "GET calls":
        return json(200, controls.calls());
      case "GET sent-mail":
        return json(200, { value: controls.sentMail() });
      case "POST faults": {
        const parsed = faultsSchema.safeParse(parseJson(body));
        if (!parsed.success) return json(400, { error: "body must be a partial fault options object" });
        controls.setFaults(parsed.data);
        return { status: 204 };
      }
      case "POST limits": {
        const parsed = limitsSchema.safeParse(parseJson(body));
        if (!parsed.success) return json(400, { error: "body must be a partial throttle limits object" });
        controls.setLimits(parsed.data);
        return { status: 204 };
      }
      default:
        return json(404, { error: `no admin route ${route}` });
    }
  } catch (error) {
    if (error instanceof SimulatorInputError) return json(400, { error: error.message });
    throw error;
  }
}
