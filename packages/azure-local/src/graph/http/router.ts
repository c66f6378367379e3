/**
 * Table-driven routing: each route is a method, a path pattern with `{name}` placeholders and a
 * handler. Literal segments win over placeholders and are compared case-insensitively, as Graph does.
 */
import type { GraphVersion, Route } from "./types.js";

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly { literal?: string; param?: string }[];
  readonly literals: number;
}

export type RouteMatch =
  | { kind: "match"; route: Route; params: Record<string, string> }
  | { kind: "methodNotAllowed" }
  | { kind: "notFound" };

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const segments = split(route.pattern).map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment)?.[1];
        return param ? { param } : { literal: segment.toLowerCase() };
      });
      return { route, segments, literals: segments.filter((s) => s.literal !== undefined).length };
    });
  }

  match(method: string, version: GraphVersion, path: string): RouteMatch {
    const parts = split(path);
    let best: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    let pathKnown = false;
    for (const compiled of this.compiled) {
      if (compiled.segments.length !== parts.length) continue;
      if (compiled.route.versions && !compiled.route.versions.includes(version)) continue;
      const params: Record<string, string> = {};
      const fits = compiled.segments.every((segment, index) => {
        const part = parts[index] ?? "";
        if (segment.param !== undefined) {
          params[segment.param] = safeDecode(part);
          return part !== "";
        }
        return segment.literal === part.toLowerCase();
      });
      if (!fits) continue;
      pathKnown = true;
      if (compiled.route.method !== method.toUpperCase()) continue;
      if (!best || compiled.literals > best.compiled.literals) best = { compiled, params };
    }
    if (best) return { kind: "match", route: best.compiled.route, params: best.params };
    return pathKnown ? { kind: "methodNotAllowed" } : { kind: "notFound" };
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
