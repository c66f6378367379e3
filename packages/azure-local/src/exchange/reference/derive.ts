/**
 * Derives the Exchange simulator's allow-list from Microsoft's cmdlet reference pages
 * (MicrosoftDocs/office-docs-powershell, `exchange/exchange-ps/ExchangePowerShell/*.md`): for every
 * cmdlet the pages say applies to Exchange Online, its parameter sets and, in each, the parameters
 * that apply to Exchange Online with whether they are mandatory and their type.
 *
 *   npx tsx packages/azure-local/src/exchange/reference/derive.ts <folder with the .md pages> <commit> [out.json]
 *
 * The output names the source and commit; `cmdlets.json` next to this file is its result for the
 * pages the project builds against.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const ONLINE = "Exchange Online";

export interface DerivedParameter {
  readonly type: string;
  readonly mandatory: boolean;
}

export interface DerivedCmdlet {
  /** Every parameter the page says applies to Exchange Online, in a usable set or not. */
  readonly parameters: readonly string[];
  /** Parameter set name → parameters applicable to Exchange Online in it. */
  readonly parameterSets: Record<string, Record<string, DerivedParameter>>;
}

export interface DerivedReference {
  readonly source: string;
  readonly commit: string;
  readonly licence: string;
  readonly derivedBy: string;
  readonly cmdlets: Record<string, DerivedCmdlet>;
}

interface ParameterBlock {
  readonly sets: readonly string[] | "all";
  readonly mandatory: boolean;
  readonly type: string;
}

interface ParameterDoc {
  readonly online: boolean;
  readonly blocks: ParameterBlock[];
}

/** The `applicable:` line of the front matter. */
function appliesOnline(text: string): boolean {
  const line = /^applicable:(.*)$/m.exec(text)?.[1] ?? "";
  return line.split(",").some((part) => part.trim() === ONLINE);
}

function section(text: string, heading: string, next: string): string {
  const start = text.indexOf(`\n## ${heading}`);
  if (start < 0) return "";
  const end = text.indexOf(`\n## ${next}`, start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** Parameter set names from the SYNTAX section (`### Name` before each code block). */
function syntaxSets(syntax: string): string[] {
  const names = [...syntax.matchAll(/^### (\S.*)$/gm)].map((match) => (match[1] ?? "").trim());
  return names.length === 0 ? ["Default"] : names;
}

/** Names written mandatory in a set's syntax line: `-Name <T>` outside brackets, `[-Identity] <T>`. */
function syntaxMandatory(syntax: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const blocks = syntax.split(/^### /m);
  for (const block of blocks) {
    const name = /^(\S.*)$/m.exec(block)?.[1]?.trim();
    const code = /```\n([\s\S]*?)```/.exec(block)?.[1];
    if (code === undefined) continue;
    const set = syntax.includes("\n### ") ? (name ?? "Default") : "Default";
    const mandatory = new Set<string>();
    // A parameter is mandatory when its name is not inside an optional [...] group; a positional
    // one is written `[-Name] <Type>` (only the name is optional).
    let depth = 0;
    for (let i = 0; i < code.length; i++) {
      const char = code[i];
      if (char === "[") depth += 1;
      else if (char === "]") depth -= 1;
      else if (char === "-" && /\s|\[/.test(code[i - 1] ?? " ")) {
        const word = /^-([A-Za-z][A-Za-z0-9]*)/.exec(code.slice(i))?.[1];
        if (word === undefined) continue;
        const positional = depth === 1 && code.slice(i + word.length + 1).startsWith("] <");
        if (depth === 0 || positional) mandatory.add(word);
      }
    }
    out.set(set, mandatory);
  }
  return out;
}

function parameterDocs(parameters: string): Map<string, ParameterDoc> {
  const docs = new Map<string, ParameterDoc>();
  const headings = [...parameters.matchAll(/^### -([A-Za-z][A-Za-z0-9]*)\s*$/gm)];
  headings.forEach((heading, index) => {
    const name = heading[1] ?? "";
    const from = heading.index ?? 0;
    const to = headings[index + 1]?.index ?? parameters.length;
    const body = parameters.slice(from, to);
    const applicable = /^> Applicable:(.*)$/m.exec(body)?.[1] ?? "";
    const blocks: ParameterBlock[] = [];
    for (const yaml of body.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const text = yaml[1] ?? "";
      const sets = (/^Parameter Sets:\s*(.*)$/m.exec(text)?.[1] ?? "").trim();
      blocks.push({
        sets:
          sets === "(All)"
            ? "all"
            : sets
                .split(",")
                .map((set) => set.trim())
                .filter((set) => set !== ""),
        mandatory: /^Required:\s*True/im.test(text),
        type: (/^Type:\s*(.*)$/m.exec(text)?.[1] ?? "").trim(),
      });
    }
    const previous = docs.get(name);
    docs.set(name, {
      online: applicable.split(",").some((part) => part.trim() === ONLINE) || (previous?.online ?? false),
      blocks: [...(previous?.blocks ?? []), ...blocks],
    });
  });
  return docs;
}

/** One cmdlet's parameter sets as Exchange Online accepts them; undefined when it is on-premises only. */
export function deriveCmdlet(text: string): DerivedCmdlet | undefined {
  if (!appliesOnline(text)) return undefined;
  const syntax = section(text, "SYNTAX", "DESCRIPTION");
  const sets = syntaxSets(syntax);
  const written = syntaxMandatory(syntax);
  const docs = parameterDocs(section(text, "PARAMETERS", "INPUTS"));
  const parameterSets: Record<string, Record<string, DerivedParameter>> = {};
  for (const set of sets) {
    const members: Record<string, DerivedParameter> = {};
    let usableOnline = true;
    for (const [name, doc] of docs) {
      const block = doc.blocks.find((candidate) => candidate.sets === "all" || candidate.sets.includes(set));
      if (block === undefined) continue;
      const mandatory = block.mandatory || (written.get(set)?.has(name) ?? false);
      if (!doc.online) {
        // A set that cannot be used without an on-premises-only parameter is not Exchange Online's.
        if (mandatory) usableOnline = false;
        continue;
      }
      members[name] = { type: block.type, mandatory };
    }
    if (usableOnline) parameterSets[set] = members;
  }
  const parameters = [...docs].filter(([, doc]) => doc.online).map(([name]) => name);
  return { parameters, parameterSets };
}

/** Every page in `folder` that applies to Exchange Online, by cmdlet name. */
export function deriveReference(folder: string, commit: string): DerivedReference {
  const cmdlets: Record<string, DerivedCmdlet> = {};
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith(".md"))
    .sort()) {
    const derived = deriveCmdlet(readFileSync(join(folder, file), "utf8"));
    if (derived !== undefined) cmdlets[basename(file, ".md")] = derived;
  }
  return {
    source:
      "MicrosoftDocs/office-docs-powershell, exchange/exchange-ps/ExchangePowerShell/<cmdlet>.md (Exchange cmdlet reference pages)",
    commit,
    licence: "CC BY 4.0 (Microsoft)",
    derivedBy: "packages/azure-local/src/exchange/reference/derive.ts",
    cmdlets,
  };
}

function main(): void {
  const [folder, commit, out] = process.argv.slice(2);
  if (folder === undefined || commit === undefined || !/^[0-9a-f]{40}$/.test(commit)) {
    process.stderr.write("usage: derive.ts <folder of cmdlet pages> <40-digit commit> [out.json]\n");
    process.exitCode = 2;
    return;
  }
  const text = `${JSON.stringify(deriveReference(folder, commit), null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(basename(process.argv[1]))) main();
