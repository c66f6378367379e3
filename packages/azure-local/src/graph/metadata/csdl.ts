/**
 * Reads a CSDL document (Graph's `$metadata`) into what `derive.ts` needs: entity and complex
 * types with their structural and navigation properties, bound actions and functions, the entity
 * container, and the capability annotations on navigation properties.
 */
import { XMLParser } from "fast-xml-parser";

export interface TypeDef {
  readonly name: string;
  readonly kind: "entity" | "complex";
  readonly baseType: string | undefined;
  /** Structural properties declared on this type (not inherited), name to type. */
  readonly properties: ReadonlyMap<string, string>;
  /** Navigation properties declared on this type, name to type. */
  readonly navigation: ReadonlyMap<string, string>;
}

export interface BoundOperation {
  readonly kind: "action" | "function";
  readonly name: string;
  /** The binding parameter's type, e.g. `Collection(microsoft.graph.mailboxItem)`. */
  readonly binding: string;
  readonly parameters: readonly { readonly name: string; readonly type: string }[];
  readonly returns: string | undefined;
}

export interface Csdl {
  readonly types: ReadonlyMap<string, TypeDef>;
  readonly operations: readonly BoundOperation[];
  /** Entity sets and singletons by name, to their type (a collection for entity sets). */
  readonly roots: ReadonlyMap<string, string>;
  /** Capability restrictions by annotation target (`microsoft.graph.mailbox/folders`), e.g. `Insertable: false`. */
  readonly capabilities: ReadonlyMap<string, Readonly<Record<string, boolean>>>;
}

const ARRAYS = new Set([
  "Schema",
  "EntityType",
  "ComplexType",
  "Property",
  "NavigationProperty",
  "Action",
  "Function",
  "Parameter",
  "EntitySet",
  "Singleton",
  "Annotations",
  "Annotation",
  "Record",
  "PropertyValue",
  "EntityContainer",
]);

interface XmlNode {
  readonly [key: string]: unknown;
}

function list(node: unknown, name: string): XmlNode[] {
  if (node === null || typeof node !== "object") return [];
  const value = (node as XmlNode)[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function attr(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  return typeof value === "string" ? value : undefined;
}

/** Parses the CSDL text; type names come out with their namespace, aliases resolved. */
export function parseCsdl(xml: string): Csdl {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    removeNSPrefix: true,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ARRAYS.has(name),
  });
  const document = parser.parse(xml) as XmlNode;
  const edmx = document.Edmx as XmlNode | undefined;
  const services = (edmx?.DataServices ?? {}) as XmlNode;
  const schemas = list(services, "Schema");
  const aliases = new Map<string, string>();
  for (const schema of schemas) {
    const namespace = attr(schema, "Namespace");
    const alias = attr(schema, "Alias");
    if (namespace && alias) aliases.set(alias, namespace);
  }
  const qualify = (raw: string): string => {
    const collection = /^Collection\((.+)\)$/.exec(raw);
    if (collection?.[1]) return `Collection(${qualify(collection[1])})`;
    const dot = raw.indexOf(".");
    if (dot < 0) return raw;
    const head = raw.slice(0, dot);
    const namespace = aliases.get(head);
    return namespace ? `${namespace}${raw.slice(dot)}` : raw;
  };

  const types = new Map<string, TypeDef>();
  const operations: BoundOperation[] = [];
  const roots = new Map<string, string>();
  const capabilities = new Map<string, Record<string, boolean>>();
  for (const schema of schemas) {
    const namespace = attr(schema, "Namespace") ?? "";
    for (const [kind, element] of [
      ["entity", "EntityType"],
      ["complex", "ComplexType"],
    ] as const) {
      for (const type of list(schema, element)) {
        const name = `${namespace}.${attr(type, "Name") ?? ""}`;
        const base = attr(type, "BaseType");
        types.set(name, {
          name,
          kind,
          baseType: base ? qualify(base) : undefined,
          properties: new Map(
            list(type, "Property").map((property) => [
              attr(property, "Name") ?? "",
              qualify(attr(property, "Type") ?? ""),
            ]),
          ),
          navigation: new Map(
            list(type, "NavigationProperty").map((property) => [
              attr(property, "Name") ?? "",
              qualify(attr(property, "Type") ?? ""),
            ]),
          ),
        });
      }
    }
    for (const [kind, element] of [
      ["action", "Action"],
      ["function", "Function"],
    ] as const) {
      for (const operation of list(schema, element)) {
        if (attr(operation, "IsBound") !== "true") continue;
        const [binding, ...parameters] = list(operation, "Parameter").map((parameter) => ({
          name: attr(parameter, "Name") ?? "",
          type: qualify(attr(parameter, "Type") ?? ""),
        }));
        if (!binding) continue;
        const returns = (operation.ReturnType as XmlNode | undefined) ?? undefined;
        const returnType = returns ? attr(returns, "Type") : undefined;
        operations.push({
          kind,
          name: `${namespace}.${attr(operation, "Name") ?? ""}`,
          binding: binding.type,
          parameters,
          returns: returnType ? qualify(returnType) : undefined,
        });
      }
    }
    for (const container of list(schema, "EntityContainer")) {
      for (const set of list(container, "EntitySet")) {
        roots.set(attr(set, "Name") ?? "", `Collection(${qualify(attr(set, "EntityType") ?? "")})`);
      }
      for (const singleton of list(container, "Singleton")) {
        roots.set(attr(singleton, "Name") ?? "", qualify(attr(singleton, "Type") ?? ""));
      }
    }
    for (const annotations of list(schema, "Annotations")) {
      const target = attr(annotations, "Target");
      if (!target) continue;
      for (const annotation of list(annotations, "Annotation")) {
        const term = attr(annotation, "Term") ?? "";
        if (!term.startsWith("Org.OData.Capabilities.V1.")) continue;
        for (const record of list(annotation, "Record")) {
          for (const value of list(record, "PropertyValue")) {
            const property = attr(value, "Property");
            const bool = attr(value, "Bool");
            if (!property || bool === undefined) continue;
            const entry = capabilities.get(target) ?? {};
            entry[property] = bool === "true";
            capabilities.set(target, entry);
          }
        }
      }
    }
  }
  return { types, operations, roots, capabilities };
}

/** The type and its base types, most derived first. */
export function lineage(csdl: Csdl, name: string): TypeDef[] {
  const out: TypeDef[] = [];
  let current = csdl.types.get(name);
  while (current) {
    out.push(current);
    current = current.baseType ? csdl.types.get(current.baseType) : undefined;
  }
  return out;
}

/** Every structural property of a type, inherited ones included, sorted. */
export function allProperties(csdl: Csdl, name: string): string[] {
  const names = new Set<string>();
  for (const type of lineage(csdl, name)) for (const property of type.properties.keys()) names.add(property);
  // Entities inherit `id` from microsoft.graph.entity; the key is always a property.
  return [...names].sort();
}
