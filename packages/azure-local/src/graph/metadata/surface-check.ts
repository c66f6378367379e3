/**
 * Holds every Graph request against the description derived from Microsoft's metadata: a path,
 * method, query option, `$select` property or body field the description lacks gets the answer
 * Graph gives (400 `BadRequest` naming the first segment it cannot place, 405 for a method the
 * resource does not take), and successful answers keep only the described properties.
 */
import type { DescribedOperation, GraphDescription } from "./description.js";

export type GraphVersion = "v1.0" | "beta";

/** What the docs say and the CSDL does not, switched on when the simulator reads it the docs' way. */
export interface SurfaceReadings {
  /** mailboxFolder.wellKnownName (api-reference/v1.0/resources/mailboxfolder.md). */
  readonly wellKnownName: boolean;
}

export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export type SurfaceMatch =
  | { readonly kind: "described"; readonly operation: DescribedOperation }
  | { readonly kind: "refused"; readonly refusal: Refusal; readonly operation?: DescribedOperation };

interface CompiledOperation {
  readonly operation: DescribedOperation;
  readonly segments: readonly (string | undefined)[];
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The request as the check needs it. */
export interface SurfaceRequest {
  readonly version: GraphVersion;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export class DescribedSurface {
  private readonly compiled: readonly CompiledOperation[];

  constructor(
    readonly description: GraphDescription,
    private readonly readings: SurfaceReadings,
  ) {
    this.compiled = description.operations.map((operation) => ({
      operation,
      segments: split(operation.path).map((segment) =>
        /^\{\w+\}$/.test(segment) ? undefined : segment.toLowerCase(),
      ),
    }));
  }

  /** Structural properties of a type as this version describes them, docs-only ones when read so. */
  properties(type: string, version: GraphVersion): readonly string[] {
    const base =
      (version === "beta" ? this.description.beta.types[type] : undefined) ??
      this.description.types[type] ??
      [];
    const extra = this.readings.wellKnownName
      ? this.description.docsOnly.filter((entry) => entry.type === type).map((entry) => entry.property)
      : [];
    return [...base, ...extra];
  }

  /** The described operation a request is, or Graph's refusal of it. */
  check(request: SurfaceRequest): SurfaceMatch {
    const parts = split(request.path);
    const method = request.method.toUpperCase();
    const forVersion = this.compiled.filter((entry) => entry.operation.versions.includes(request.version));
    const fits = (entry: CompiledOperation, length: number): boolean =>
      entry.segments.length >= length &&
      parts
        .slice(0, length)
        .every(
          (part, index) =>
            entry.segments[index] === undefined || entry.segments[index] === part.toLowerCase(),
        );
    const literals = (entry: CompiledOperation): number =>
      entry.segments.filter((s) => s !== undefined).length;
    const whole = forVersion
      .filter((entry) => entry.segments.length === parts.length && fits(entry, parts.length))
      .sort((a, b) => literals(b) - literals(a));
    if (whole.length === 0) {
      let known = 0;
      while (known < parts.length && forVersion.some((entry) => fits(entry, known + 1))) known += 1;
      const segment = parts[Math.min(known, parts.length - 1)] ?? "";
      return refused(400, "BadRequest", `Resource not found for the segment '${decode(segment)}'.`);
    }
    // The most literal path wins (`folders/delta` over `folders/{id}`), as Graph's routing does.
    const best = whole.filter((entry) => literals(entry) === literals(whole[0] as CompiledOperation));
    const found = best.find((entry) => entry.operation.method === method);
    if (!found) {
      return refused(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
      );
    }
    const { operation } = found;
    const problem =
      this.checkQuery(operation, request.version, request.query) ?? this.checkBody(operation, request.body);
    return problem ? { kind: "refused", refusal: problem, operation } : { kind: "described", operation };
  }

  private checkQuery(
    operation: DescribedOperation,
    version: GraphVersion,
    query: URLSearchParams,
  ): Refusal | undefined {
    for (const name of new Set(query.keys())) {
      if (name.startsWith("$")) {
        if (!operation.odata.some((allowed) => sameName(allowed, name))) {
          return refusal(400, "BadRequest", `Query option '${name}' is not allowed on ${operation.path}.`);
        }
      } else if (!operation.parameters.some((parameter) => sameName(parameter.name, name))) {
        return refusal(
          400,
          "BadRequest",
          `The query parameter '${name}' is not supported on ${operation.path}.`,
        );
      }
    }
    for (const parameter of operation.parameters) {
      if (parameter.required && ![...query.keys()].some((name) => sameName(name, parameter.name))) {
        return refusal(400, "BadRequest", `The query parameter '${parameter.name}' is required.`);
      }
    }
    const select = [...query.entries()].find(([name]) => sameName(name, "$select"))?.[1];
    if (select !== undefined && operation.select) {
      const known = this.properties(operation.select, version);
      for (const name of select
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)) {
        if (!known.some((property) => sameName(property, name))) {
          return refusal(
            400,
            "BadRequest",
            `Could not find a property named '${name}' on type '${operation.select}'.`,
          );
        }
      }
    }
    return undefined;
  }

  private checkBody(operation: DescribedOperation, body: unknown): Refusal | undefined {
    if (
      !operation.body ||
      body === undefined ||
      body === null ||
      typeof body !== "object" ||
      Array.isArray(body)
    ) {
      return undefined;
    }
    const fields = Object.keys(body).filter((name) => !name.startsWith("@"));
    if (operation.body.kind === "parameters") {
      const { names } = operation.body;
      const action = operation.path.slice(operation.path.lastIndexOf("/") + 1);
      const unknown = fields.find((field) => !names.some((name) => sameName(name, field)));
      return unknown === undefined
        ? undefined
        : refusal(
            400,
            "BadRequest",
            `The parameter '${unknown}' in the request payload is not a valid parameter for the operation '${action}'.`,
          );
    }
    const type = operation.body.type;
    const known = this.description.types[type] ?? [];
    const unknown = fields.find((field) => !known.some((name) => sameName(name, field)));
    return unknown === undefined
      ? undefined
      : refusal(
          400,
          "BadRequest",
          `The property '${unknown}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
        );
  }

  /**
   * A successful answer with only the described properties of its type (annotations such as
   * `@odata.nextLink` and `@removed` stay), and the navigation properties the request expanded
   * (`expanded`: the handler refuses an expansion it does not serve).
   */
  shape(
    operation: DescribedOperation,
    version: GraphVersion,
    body: unknown,
    expanded: readonly string[] = [],
  ): unknown {
    if (!operation.returns || body === null || typeof body !== "object" || Array.isArray(body)) return body;
    const collection = /^Collection\((.+)\)$/.exec(operation.returns)?.[1];
    const type = collection ?? operation.returns;
    const known = [...this.properties(type, version), ...expanded];
    if (known.length === 0) return body;
    const keep = (entity: unknown): unknown => {
      if (entity === null || typeof entity !== "object" || Array.isArray(entity)) return entity;
      return Object.fromEntries(
        Object.entries(entity).filter(([name]) => name.startsWith("@") || known.includes(name)),
      );
    };
    if (collection === undefined) return keep(body);
    const record = body as Record<string, unknown>;
    return Array.isArray(record.value) ? { ...record, value: record.value.map(keep) } : body;
  }
}

function refusal(status: number, code: string, message: string): Refusal {
  return { status, code, message };
}

function refused(status: number, code: string, message: string): SurfaceMatch {
  return { kind: "refused", refusal: refusal(status, code, message) };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
