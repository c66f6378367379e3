/**
 * Binds a cmdlet call the way PowerShell would, against the allow-list derived from Microsoft's
 * reference pages (`reference/cmdlets.json`): the cmdlet must apply to Exchange Online, every
 * parameter must exist there, one parameter set must take them all with its mandatory ones given,
 * and each value must fit its type. Refusals carry PowerShell's own error texts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DerivedReference } from "./reference/derive.js";
import {
  ambiguousParameters,
  badValue,
  missingMandatory,
  unknownCmdlet,
  unknownParameter,
} from "./errors.js";

export type ParameterValue = string | number | boolean | Date | Buffer | Credential | readonly string[];

/** A PSCredential as the REST body carries it. */
export interface Credential {
  readonly userName: string;
  readonly password: string;
}

/** A call bound to its parameter set: values keyed by the reference's spelling of each name. */
export interface BoundCall {
  readonly cmdlet: string;
  readonly set: string;
  readonly values: ReadonlyMap<string, ParameterValue>;
}

let reference: DerivedReference | undefined;

/** The derived allow-list (read once). */
export function allowList(): DerivedReference {
  reference ??= JSON.parse(
    readFileSync(fileURLToPath(new URL("./reference/cmdlets.json", import.meta.url)), "utf8"),
  ) as DerivedReference;
  return reference;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function coerce(cmdlet: string, name: string, type: string, raw: unknown): ParameterValue {
  const fail = (detail: string): never => {
    throw badValue(name, detail);
  };
  switch (type) {
    case "SwitchParameter":
    case "Boolean":
    case "System.Boolean":
      return typeof raw === "boolean"
        ? raw
        : fail(`Cannot convert value "${String(raw)}" to type "System.Boolean".`);
    case "DateTime":
    case "System.DateTime": {
      if (typeof raw !== "string" || Number.isNaN(Date.parse(raw)))
        return fail(`Cannot convert value "${String(raw)}" to type "System.DateTime".`);
      return new Date(raw);
    }
    case "Int32":
    case "System.Int32":
      return typeof raw === "number" && Number.isInteger(raw)
        ? raw
        : fail(`Cannot convert value "${String(raw)}" to type "System.Int32".`);
    case "Unlimited":
      if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) return raw;
      if (typeof raw === "string" && (/^unlimited$/i.test(raw) || /^\d+$/.test(raw)))
        return /^unlimited$/i.test(raw) ? "Unlimited" : Number(raw);
      return fail(`Cannot convert value "${String(raw)}" to type "Unlimited".`);
    case "Byte[]":
      if (typeof raw !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(raw))
        return fail("The value must be the bytes as a base64 string.");
      return Buffer.from(raw, "base64");
    case "Guid":
      return typeof raw === "string" && GUID.test(raw)
        ? raw.toLowerCase()
        : fail(`Cannot convert value "${String(raw)}" to type "System.Guid".`);
    case "PSCredential": {
      const value = raw as { UserName?: unknown; Password?: unknown } | null;
      if (
        value === null ||
        typeof value !== "object" ||
        typeof value.UserName !== "string" ||
        typeof value.Password !== "string" ||
        value.UserName === "" ||
        value.Password === ""
      )
        return fail("A PSCredential needs a UserName and a Password.");
      return { userName: value.UserName, password: value.Password };
    }
    case "MultiValuedProperty":
      if (Array.isArray(raw) && raw.every((item) => typeof item === "string")) return raw;
      return typeof raw === "string" ? [raw] : fail("The value must be a string or a list of strings.");
    default:
      // Strings and identity parameters (Fqdn, SmtpAddress, *IdParameter, enumerations).
      if (typeof raw === "string" && raw !== "") return raw;
      return fail(`The value for ${cmdlet} -${name} must be a non-empty string.`);
  }
}

/** Binds `parameters` to a parameter set of `cmdlet`, or throws Exchange's refusal. */
export function bindCall(cmdlet: string, parameters: Readonly<Record<string, unknown>>): BoundCall {
  const definition = Object.entries(allowList().cmdlets).find(
    ([name]) => name.toLowerCase() === cmdlet.toLowerCase(),
  );
  if (definition === undefined) throw unknownCmdlet(cmdlet);
  const [canonical, { parameters: known, parameterSets }] = definition;
  const given = Object.keys(parameters);
  // A parameter Exchange Online has, even if only in a set it cannot use, binds by name; the set
  // resolution below then refuses it.
  const spelling = new Map<string, string>(known.map((name) => [name.toLowerCase(), name]));
  for (const name of given) if (!spelling.has(name.toLowerCase())) throw unknownParameter(name);
  const names = given.map((name) => spelling.get(name.toLowerCase()) as string);
  const candidates = Object.entries(parameterSets).filter(([, members]) =>
    names.every((name) => members[name] !== undefined),
  );
  if (candidates.length === 0) throw ambiguousParameters();
  const complete = candidates.filter(([, members]) =>
    Object.entries(members).every(([name, parameter]) => !parameter.mandatory || names.includes(name)),
  );
  if (complete.length === 0) {
    const [, members] = candidates[0] as (typeof candidates)[number];
    throw missingMandatory(
      Object.entries(members)
        .filter(([name, parameter]) => parameter.mandatory && !names.includes(name))
        .map(([name]) => name),
    );
  }
  // Several sets may fit (PowerShell then takes the default one); the values bind the same way.
  const [set, members] = complete[0] as (typeof complete)[number];
  const values = new Map<string, ParameterValue>();
  given.forEach((raw, index) => {
    const name = names[index] as string;
    const type = members[name]?.type ?? "String";
    values.set(name, coerce(canonical, name, type, parameters[raw]));
  });
  return { cmdlet: canonical, set, values };
}
