/**
 * Derives `graph-v1.0.json` from Microsoft's Graph v1.0 CSDL metadata:
 *
 *   npx tsx packages/azure-local/src/graph/metadata/derive.ts <path to v1.0 CSDL> [--commit <sha>] [--out <file>]
 *
 * The CSDL is microsoftgraph/msgraph-metadata's `v1.0-Prod.csdl` (MIT); it is not kept in this
 * repository. Every operation of `surface.ts` is resolved segment by segment against the metadata;
 * one that does not resolve stops the script, naming the segment.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { allProperties, lineage, parseCsdl, type BoundOperation, type Csdl } from "./csdl.js";
import {
  DESCRIPTION_URL,
  descriptionSchema,
  type DescribedOperation,
  type GraphDescription,
} from "./description.js";
import {
  BETA_SURFACE,
  DOCS_ONLY_PROPERTIES,
  IMPORT_URL_FIELDS,
  PROTOCOL_OPERATIONS,
  V1_OPERATIONS,
  type DocumentedOperation,
} from "./surface.js";

/** The msgraph-metadata commit the committed description was derived from. */
export const SOURCE_COMMIT = "f54f11b60956ea7b185ca0447b2b80805836ec7b";

/** A path segment the metadata cannot place. */
export class UnresolvedSegmentError extends Error {
  constructor(path: string, segment: string, reason: string) {
    super(`${path}: segment '${segment}' does not resolve in the metadata (${reason})`);
    this.name = "UnresolvedSegmentError";
  }
}

interface Position {
  /** `microsoft.graph.x` or `Collection(microsoft.graph.x)`. */
  readonly type: string;
  /** The navigation property that led here and the type declaring it (for capability annotations). */
  readonly via?: { readonly owner: string; readonly name: string };
}

function elementOf(type: string): string {
  return /^Collection\((.+)\)$/.exec(type)?.[1] ?? type;
}

function isCollection(type: string): boolean {
  return type.startsWith("Collection(");
}

/** The bound operation of this name whose binding fits the position (or a base type of it). */
function boundOperation(csdl: Csdl, position: string, segment: string): BoundOperation | undefined {
  const name = segment.includes(".") ? segment : `microsoft.graph.${segment}`;
  const element = elementOf(position);
  const candidates = lineage(csdl, element).map((type) =>
    isCollection(position) ? `Collection(${type.name})` : type.name,
  );
  for (const binding of candidates) {
    const found = csdl.operations.find(
      (operation) => operation.name === name && operation.binding === binding,
    );
    if (found) return found;
  }
  return undefined;
}

interface Resolved {
  readonly segments: string[];
  readonly target: DescribedOperation["target"];
  readonly operation?: BoundOperation;
  readonly last: Position;
}

function resolvePath(csdl: Csdl, path: string): Resolved {
  const parts = path.split("/").filter(Boolean);
  const [rootName, ...rest] = parts;
  const rootType = rootName ? csdl.roots.get(rootName) : undefined;
  if (!rootName || !rootType)
    throw new UnresolvedSegmentError(path, rootName ?? "", "no entity set or singleton");
  const segments = [`${rootName}: ${isCollection(rootType) ? "entity set" : "singleton"} ${rootType}`];
  let position: Position = { type: rootType };
  let operation: BoundOperation | undefined;
  let kind: DescribedOperation["target"]["kind"] = isCollection(rootType) ? "collection" : "entity";
  for (const part of rest) {
    if (operation) throw new UnresolvedSegmentError(path, part, `nothing follows ${operation.name}`);
    if (/^\{\w+\}$/.test(part)) {
      if (!isCollection(position.type))
        throw new UnresolvedSegmentError(path, part, "a key needs a collection");
      position = { ...position, type: elementOf(position.type) };
      segments.push(`${part}: key of ${position.type}`);
      kind = "entity";
      continue;
    }
    if (part === "$ref") {
      if (isCollection(position.type) || !position.via)
        throw new UnresolvedSegmentError(path, part, "$ref needs an entity reached by navigation");
      segments.push(`$ref: reference to ${position.type}`);
      kind = "ref";
      continue;
    }
    const bound = boundOperation(csdl, position.type, part);
    if (bound) {
      operation = bound;
      segments.push(`${part}: ${bound.kind} ${bound.name} bound to ${bound.binding}`);
      kind = bound.kind;
      continue;
    }
    if (isCollection(position.type))
      throw new UnresolvedSegmentError(path, part, `${position.type} has no ${part}`);
    let next: Position | undefined;
    for (const type of lineage(csdl, position.type)) {
      const navigation = type.navigation.get(part);
      if (navigation) {
        next = { type: navigation, via: { owner: type.name, name: part } };
        segments.push(`${part}: navigation ${navigation}`);
        kind = isCollection(navigation) ? "collection" : "entity";
        break;
      }
      const property = type.properties.get(part);
      if (property) {
        next = { type: property };
        segments.push(`${part}: property ${property}`);
        kind = "property";
        break;
      }
    }
    if (!next)
      throw new UnresolvedSegmentError(path, part, `${position.type} has no such property or operation`);
    position = next;
  }
  const targetType = operation ? (operation.returns ?? "") : position.type;
  return {
    segments,
    target: { kind, type: targetType },
    ...(operation ? { operation } : {}),
    last: position,
  };
}

/** The capability annotation on the navigation that leads to the target, when it denies `term`. */
function denied(csdl: Csdl, via: Position["via"], term: string): string | undefined {
  if (!via) return undefined;
  const target = `${via.owner}/${via.name}`;
  const record = csdl.capabilities.get(target);
  return record?.[term] === false ? `the CSDL annotates ${target} with ${term}=false` : undefined;
}

/** One documented operation as the metadata describes it; throws when a segment does not resolve. */
export function describeOperation(
  csdl: Csdl,
  documented: DocumentedOperation,
  betaIds: ReadonlySet<string> = new Set(),
): DescribedOperation {
  const resolved = resolvePath(csdl, documented.path);
  const { target, operation, last } = resolved;
  let body: DescribedOperation["body"];
  let returns: string | undefined;
  let select: string | undefined;
  let conflict: string | undefined;
  const wrong = (expected: string): never => {
    throw new UnresolvedSegmentError(
      documented.path,
      documented.method,
      `${expected}, the path is a ${target.kind}`,
    );
  };
  switch (documented.method) {
    case "GET":
      if (target.kind === "action" || target.kind === "ref") wrong("GET needs data or a function");
      returns = target.type;
      if (target.type.startsWith("microsoft.graph.") || target.type.startsWith("Collection(microsoft.graph."))
        select = elementOf(target.type);
      break;
    case "POST":
      if (target.kind === "action") {
        body = {
          kind: "parameters",
          names: (operation?.parameters ?? []).map((parameter) => parameter.name),
        };
        if (target.type) returns = target.type;
      } else if (target.kind === "collection") {
        body = { kind: "entity", type: elementOf(last.type) };
        returns = elementOf(last.type);
        conflict = denied(csdl, last.via, "Insertable");
      } else {
        wrong("POST needs a collection or an action");
      }
      break;
    case "PATCH":
      if (target.kind !== "entity") wrong("PATCH needs an entity");
      body = { kind: "entity", type: last.type };
      returns = last.type;
      conflict = denied(csdl, last.via, "Updatable");
      break;
    case "DELETE":
      if (target.kind !== "entity" && target.kind !== "ref") wrong("DELETE needs an entity or a reference");
      conflict = denied(csdl, last.via, "Deletable");
      break;
  }
  return {
    id: documented.id,
    method: documented.method,
    path: documented.path,
    versions: betaIds.has(documented.id) ? ["v1.0", "beta"] : ["v1.0"],
    page: documented.page,
    segments: resolved.segments,
    target,
    ...(body ? { body } : {}),
    ...(returns ? { returns } : {}),
    ...(select ? { select } : {}),
    odata: [...(documented.odata ?? [])],
    parameters: [...(documented.parameters ?? [])],
    headers: [...(documented.headers ?? [])],
    permissions: [...documented.permissions],
    usedFor: documented.usedFor,
    ...(conflict ? { conflict: `${conflict}; ${documented.page} documents ${documented.method}` } : {}),
  };
}

/** Every type an operation selects, posts or returns, with its structural properties. */
function typesOf(csdl: Csdl, operations: readonly DescribedOperation[]): Record<string, string[]> {
  const names = new Set<string>();
  for (const operation of operations) {
    for (const type of [
      operation.select,
      operation.returns,
      operation.body?.kind === "entity" ? operation.body.type : undefined,
    ]) {
      if (type) names.add(elementOf(type));
    }
  }
  const out: Record<string, string[]> = {};
  for (const name of [...names].sort()) {
    if (!csdl.types.has(name)) continue;
    out[name] = allProperties(csdl, name);
  }
  return out;
}

/** Builds the description from CSDL text. */
export function deriveDescription(xml: string, commit: string): GraphDescription {
  const csdl = parseCsdl(xml);
  const betaIds = new Set<string>(BETA_SURFACE.mailboxOperations);
  const operations = V1_OPERATIONS.map((documented) => describeOperation(csdl, documented, betaIds));
  const protocol: DescribedOperation[] = PROTOCOL_OPERATIONS.map((documented) => ({
    id: documented.id,
    method: documented.method,
    path: documented.path,
    versions: ["v1.0", "beta"],
    page: documented.page,
    segments: ["$batch: JSON batching (not in the metadata)"],
    target: { kind: "protocol", type: "" },
    odata: [],
    parameters: [],
    headers: [],
    permissions: [...documented.permissions],
    usedFor: documented.usedFor,
  }));
  const types = typesOf(csdl, operations);
  for (const { type, property } of DOCS_ONLY_PROPERTIES) {
    if (types[type]?.includes(property)) {
      throw new Error(`${type} now has ${property} in the metadata: drop it from DOCS_ONLY_PROPERTIES`);
    }
  }
  const description: GraphDescription = {
    source: {
      repository: "microsoftgraph/msgraph-metadata",
      commit,
      file: "v1.0-Prod.csdl",
      license: "MIT",
    },
    regenerate:
      "npx tsx packages/azure-local/src/graph/metadata/derive.ts <path to v1.0-Prod.csdl> --commit <sha>",
    docs: "microsoftgraph/microsoft-graph-docs-contrib (each operation names its page)",
    types,
    operations: [...operations, ...protocol],
    beta: {
      source: `written by hand from ${BETA_SURFACE.exchangeSettingsProperties.page} and the beta pages of the operations marked beta (the beta metadata is not derived here)`,
      types: { "microsoft.graph.exchangeSettings": [...BETA_SURFACE.exchangeSettingsProperties.properties] },
      redirects: { ...BETA_SURFACE.redirects },
    },
    docsOnly: DOCS_ONLY_PROPERTIES.map((entry) => ({ ...entry })),
    importUrl: { page: "concepts/import-exchange-mailbox-item.md", fields: [...IMPORT_URL_FIELDS] },
  };
  return descriptionSchema.parse(description);
}

function main(): void {
  const program = new Command()
    .name("derive")
    .description("derive graph-v1.0.json from Microsoft's Graph v1.0 CSDL")
    .argument("<csdl>", "path to v1.0-Prod.csdl from microsoftgraph/msgraph-metadata")
    .option("--commit <sha>", "the msgraph-metadata commit the CSDL comes from", SOURCE_COMMIT)
    .option("--out <file>", "where to write the description", fileURLToPath(DESCRIPTION_URL))
    .parse();
  const [path] = program.args;
  const options = program.opts<{ commit: string; out: string }>();
  if (!path) throw new Error("name the CSDL file");
  const description = deriveDescription(readFileSync(path, "utf8"), options.commit);
  writeFileSync(options.out, `${JSON.stringify(description, null, 2)}\n`);
  console.log(
    `wrote ${options.out}: ${description.operations.length} operations, ${Object.keys(description.types).length} types`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
