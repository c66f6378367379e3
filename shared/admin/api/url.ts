/**
 * Checks of the request line that the Functions host does not make for the app: a path with a
 * malformed percent-encoding (the host passes `%ZZ` on undecoded) and a query parameter given more
 * than once (the host hands the worker a map, which keeps only one of the values). Both are read
 * from the request's URL as the caller sent it.
 */
import { RequestValidationError, type FieldProblem } from "../errors.js";

/** A `%` not followed by two hex digits, or escapes that do not decode as UTF-8. */
function malformedEscapes(path: string): string | undefined {
  for (const segment of path.split("/")) {
    if (!segment.includes("%")) continue;
    if (/%(?![0-9A-Fa-f]{2})/.test(segment)) return segment;
    try {
      decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return undefined;
}

/** The names of query parameters that occur more than once (the function key's `code` included). */
export function repeatedQueryParameters(search: URLSearchParams): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of search.keys()) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  return [...repeated];
}

/**
 * Refuses a request line the app cannot read unambiguously: a 400 naming the path segment with a
 * malformed percent-encoding, or each query parameter given more than once.
 */
export function checkRequestUrl(url: string | undefined): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url, "http://localhost");
  } catch {
    throw new RequestValidationError([{ path: "url", message: "is not a URL" }]);
  }
  const problems: FieldProblem[] = [];
  const segment = malformedEscapes(parsed.pathname);
  if (segment !== undefined) {
    problems.push({
      path: "route",
      message: `segment ${JSON.stringify(segment)} has a malformed percent-encoding (use %XX with two hex digits of UTF-8)`,
    });
  }
  for (const name of repeatedQueryParameters(parsed.searchParams)) {
    problems.push({ path: `query.${name}`, message: "is given more than once; give it once" });
  }
  if (problems.length > 0) throw new RequestValidationError(problems);
}
