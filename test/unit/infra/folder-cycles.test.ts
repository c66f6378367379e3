import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const ROOMS = ["shared", "functions", "cli", "local"];
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/g;

/** A file's folder as a room of the house: `shared/mover` for `shared/mover/hybrid/watch.ts`. */
function folderOf(file: string): string {
  const parts = relative(root, file).split(sep);
  return parts.length > 2 ? parts.slice(0, 2).join("/") : (parts[0] ?? "");
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Which folders each folder imports (type-only imports included: they bind the folders too). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of ROOMS.flatMap((room) => sourceFiles(join(root, room)))) {
    const from = folderOf(file);
    for (const match of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2];
      if (specifier === undefined) continue;
      const to = folderOf(resolve(dirname(file), specifier));
      if (to === from) continue;
      const edges = graph.get(from) ?? new Set<string>();
      edges.add(to);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** The strongly connected groups of more than one folder (Tarjan): each is a ring of imports. */
function rings(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member !== undefined) group.push(member);
      } while (member !== undefined && member !== node);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("folder imports", () => {
  it("form no ring: no folder depends, directly or through others, on one that depends on it", () => {
    const graph = folderGraph();
    expect(graph.get("shared/mover")?.size ?? 0).toBeGreaterThan(0);
    expect(rings(graph)).toEqual([]);
  });

  it("would see a ring if there were one", () => {
    const graph = new Map([
      ["shared/a", new Set(["shared/b"])],
      ["shared/b", new Set(["shared/c"])],
      ["shared/c", new Set(["shared/a"])],
    ]);
    expect(rings(graph)).toEqual([["shared/a", "shared/b", "shared/c"]]);
  });
});
