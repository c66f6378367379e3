/** The node a link attaches to. */
export type LinkAddress =
  | { readonly kind: "cbs" }
  | { readonly kind: "management"; readonly entityPath: string }
  | { readonly kind: "entity"; readonly entityPath: string };

const CBS_NODE = "$cbs";
const MANAGEMENT_SUFFIX = "/$management";

/**
 * The entity path of an address or audience: `moves`, `sb://host:5672/moves/` and `/moves` all
 * give `moves`. Paths compare case-insensitively elsewhere, so case is kept here.
 */
export function entityPathOf(address: string): string {
  let path = address.trim();
  const scheme = path.indexOf("://");
  if (scheme >= 0) {
    const slash = path.indexOf("/", scheme + 3);
    path = slash >= 0 ? path.slice(slash) : "";
  }
  return path.replace(/^\/+|\/+$/g, "");
}

/** Classifies a link address: the CBS node, an entity's `$management` node, or an entity. */
export function parseLinkAddress(address: string): LinkAddress {
  const path = entityPathOf(address);
  if (path === CBS_NODE) return { kind: "cbs" };
  if (path.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
    return { kind: "management", entityPath: path.slice(0, -MANAGEMENT_SUFFIX.length) };
  }
  return { kind: "entity", entityPath: path };
}

/** Whether a token for `scope` (an entity path, "" for the namespace) grants access to `path`. */
export function scopeCovers(scope: string, path: string): boolean {
  const s = scope.toLowerCase();
  const p = path.toLowerCase();
  return s === "" || p === s || p.startsWith(`${s}/`);
}
