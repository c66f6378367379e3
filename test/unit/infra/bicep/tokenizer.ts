/**
 * A small Bicep tokenizer: enough of the language for the templates in infra/ (comments, strings
 * with escapes and `${}` interpolation, multi-line strings, identifiers, numbers, punctuation and
 * significant newlines). No Bicep compiler can run here, so the drift test reads the text itself.
 */
import { BicepSyntaxError } from "./errors.js";

export type TokenKind = "identifier" | "string" | "number" | "punct" | "newline";

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token. */
  readonly text: string;
  /** For a string without interpolation: its value with escapes applied. */
  readonly value?: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

const TWO_CHAR_PUNCT = new Set(["==", "!=", "<=", ">=", "&&", "||", "??", "=~", "!~", ".?"]);
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", $: "$" };

/** Splits Bicep source into tokens; comments vanish, newlines stay (they separate entries). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    tokens.push({
      kind,
      text: source.slice(start, end),
      start,
      end,
      line,
      ...(value === undefined ? {} : { value }),
    });
  };

  while (index < source.length) {
    const char = source.charAt(index);
    const next = source.charAt(index + 1);
    if (char === "\n") {
      push("newline", index, index + 1);
      line += 1;
      index += 1;
    } else if (char === " " || char === "\t" || char === "\r") {
      index += 1;
    } else if (char === "/" && next === "/") {
      while (index < source.length && source.charAt(index) !== "\n") index += 1;
    } else if (char === "/" && next === "*") {
      const close = source.indexOf("*/", index + 2);
      if (close < 0) throw new BicepSyntaxError(line, "unterminated block comment");
      line += countNewlines(source.slice(index, close));
      index = close + 2;
    } else if (source.startsWith("'''", index)) {
      const close = source.indexOf("'''", index + 3);
      if (close < 0) throw new BicepSyntaxError(line, "unterminated multi-line string");
      const startLine = line;
      line += countNewlines(source.slice(index, close));
      tokens.push({
        kind: "string",
        text: source.slice(index, close + 3),
        value: source.slice(index + 3, close).replace(/^\r?\n/, ""),
        start: index,
        end: close + 3,
        line: startLine,
      });
      index = close + 3;
    } else if (char === "'") {
      const { end, value } = readString(source, index, line);
      push("string", index, end, value);
      index = end;
    } else if (/[A-Za-z_]/.test(char)) {
      const start = index;
      while (index < source.length && /[A-Za-z0-9_]/.test(source.charAt(index))) index += 1;
      push("identifier", start, index);
    } else if (/[0-9]/.test(char)) {
      const start = index;
      while (index < source.length && /[0-9.]/.test(source.charAt(index))) index += 1;
      push("number", start, index);
    } else if (TWO_CHAR_PUNCT.has(char + next)) {
      push("punct", index, index + 2);
      index += 2;
    } else if ("{}[]():,=?.@!<>+-*/%|&".includes(char)) {
      push("punct", index, index + 1);
      index += 1;
    } else {
      throw new BicepSyntaxError(line, `unexpected character ${JSON.stringify(char)}`);
    }
  }
  return tokens;
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === "\n") count += 1;
  return count;
}

/**
 * Reads a single-quoted string starting at `start`. Returns where it ends and, when it has no
 * interpolation, its value. Interpolations may nest strings and braces.
 */
function readString(source: string, start: number, line: number): { end: number; value?: string } {
  let index = start + 1;
  let value = "";
  let interpolated = false;
  while (index < source.length) {
    const char = source.charAt(index);
    if (char === "\n") throw new BicepSyntaxError(line, "newline in a single-quoted string");
    if (char === "'") return interpolated ? { end: index + 1 } : { end: index + 1, value };
    if (char === "\\") {
      const escaped = source.charAt(index + 1);
      const replacement = ESCAPES[escaped];
      if (replacement === undefined) throw new BicepSyntaxError(line, `unknown escape \\${escaped}`);
      value += replacement;
      index += 2;
    } else if (char === "$" && source.charAt(index + 1) === "{") {
      interpolated = true;
      index = skipInterpolation(source, index + 2, line);
    } else {
      value += char;
      index += 1;
    }
  }
  throw new BicepSyntaxError(line, "unterminated string");
}

/** Skips an interpolation body (after `${`) and returns the index after its closing brace. */
function skipInterpolation(source: string, start: number, line: number): number {
  let depth = 1;
  let index = start;
  while (index < source.length) {
    const char = source.charAt(index);
    if (char === "'") {
      index = readString(source, index, line).end;
      continue;
    }
    if (char === "{") depth += 1;
    if (char === "}") {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
    index += 1;
  }
  throw new BicepSyntaxError(line, "unterminated interpolation");
}
