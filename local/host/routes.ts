import { HostConfigurationError } from "./errors.js";

/** A compiled Functions route template such as `admin/accounts/{accountId}` or `items/{id:int?}`. */
export interface CompiledRoute {
  readonly template: string;
  match(path: string): Record<string, string> | undefined;
}

const SEGMENT_PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/;

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  alpha: /^[A-Za-z]+$/,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

type Segment =
  | { readonly kind: "literal"; readonly text: string }
  | {
      readonly kind: "param";
      readonly name: string;
      readonly optional: boolean;
      readonly constraint?: RegExp;
    };

/**
 * Decodes a path segment as ASP.NET Core does for route values: valid escapes are decoded, a
 * malformed one (`%ZZ`, or bytes that are not UTF-8) is passed on as it was written.
 */
export function decodeRouteSegment(segment: string): string {
  return segment.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Compiles a route template; `{name}`, `{name?}` and `{name:int}` segments become parameters. */
export function compileRoute(template: string, functionName: string): CompiledRoute {
  const segments: Segment[] = template
    .replace(/^\/+|\/+$/g, "")
    .split("/")
    .filter((segment) => segment.length > 0)
    .map((segment) => {
      const param = SEGMENT_PARAM.exec(segment);
      if (!param) {
        if (segment.includes("{") || segment.includes("}")) {
          throw new HostConfigurationError(
            `function ${functionName}: route segment ${JSON.stringify(segment)} is malformed`,
          );
        }
        return { kind: "literal", text: segment.toLowerCase() };
      }
      const [, name = "", constraintName, optional] = param;
      const constraint = constraintName === undefined ? undefined : CONSTRAINTS[constraintName];
      if (constraintName !== undefined && constraint === undefined) {
        throw new HostConfigurationError(
          `function ${functionName}: route constraint ${JSON.stringify(constraintName)} is unknown`,
        );
      }
      return { kind: "param", name, optional: optional === "?", ...(constraint ? { constraint } : {}) };
    });
  return {
    template,
    match(path) {
      const parts = path
        .replace(/^\/+|\/+$/g, "")
        .split("/")
        .filter((part) => part.length > 0);
      const params: Record<string, string> = {};
      let index = 0;
      for (const segment of segments) {
        const part = parts[index];
        if (part === undefined) {
          if (segment.kind === "param" && segment.optional) continue;
          return undefined;
        }
        if (segment.kind === "literal") {
          if (part.toLowerCase() !== segment.text) return undefined;
        } else {
          const value = decodeRouteSegment(part);
          if (segment.constraint && !segment.constraint.test(value)) return undefined;
          params[segment.name] = value;
        }
        index += 1;
      }
      return index === parts.length ? params : undefined;
    },
  };
}
