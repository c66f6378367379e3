/**
 * The compact description of the Graph surface mailferry uses, derived from Microsoft's CSDL by
 * `derive.ts` and committed as `graph-v1.0.json`. The simulator refuses every request it does
 * not describe and shapes its answers to the described properties.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

export const GRAPH_VERSIONS = ["v1.0", "beta"] as const;

const operationSchema = z.object({
  id: z.string().min(1),
  method: z.enum(["GET", "POST", "PATCH", "DELETE"]),
  path: z.string().startsWith("/"),
  versions: z.array(z.enum(GRAPH_VERSIONS)).min(1),
  page: z.string().min(1),
  /** The CSDL's reading of each segment, e.g. `folders: navigation Collection(microsoft.graph.mailboxFolder)`. */
  segments: z.array(z.string()),
  target: z.object({
    kind: z.enum(["collection", "entity", "property", "action", "function", "ref", "protocol"]),
    type: z.string(),
  }),
  /** What a body may hold: the properties of an entity type, or an action's parameters. */
  body: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("entity"), type: z.string() }),
      z.object({ kind: z.literal("parameters"), names: z.array(z.string()) }),
    ])
    .optional(),
  /** The type (or `Collection(type)`) a successful answer carries. */
  returns: z.string().optional(),
  /** The type whose properties `$select` may name. */
  select: z.string().optional(),
  odata: z.array(z.string()),
  parameters: z.array(z.object({ name: z.string(), required: z.boolean() })),
  headers: z.array(z.string()),
  permissions: z.array(z.string()),
  usedFor: z.string(),
  /** Where the CSDL's capability annotations deny what the page documents. */
  conflict: z.string().optional(),
});

export const descriptionSchema = z.object({
  source: z.object({
    repository: z.literal("microsoftgraph/msgraph-metadata"),
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    file: z.string(),
    license: z.string(),
  }),
  regenerate: z.string(),
  docs: z.string(),
  /** Structural properties per type, inherited ones included (v1.0 metadata). */
  types: z.record(z.string(), z.array(z.string())),
  operations: z.array(operationSchema),
  beta: z.object({
    source: z.string(),
    /** Types whose beta properties differ from v1.0's. */
    types: z.record(z.string(), z.array(z.string())),
    redirects: z.object({ page: z.string(), summary: z.string() }),
  }),
  /** Properties the docs give a type and the CSDL does not: refused unless the docs' reading is on. */
  docsOnly: z.array(z.object({ type: z.string(), property: z.string(), page: z.string() })),
  importUrl: z.object({ page: z.string(), fields: z.array(z.string()) }),
});

export type GraphDescription = z.infer<typeof descriptionSchema>;
export type DescribedOperation = z.infer<typeof operationSchema>;

/** Where the committed description lives. */
export const DESCRIPTION_URL = new URL("./graph-v1.0.json", import.meta.url);

let loaded: GraphDescription | undefined;

/** The committed description, read and checked once per process. */
export function graphDescription(): GraphDescription {
  loaded ??= descriptionSchema.parse(JSON.parse(readFileSync(DESCRIPTION_URL, "utf8")));
  return loaded;
}
