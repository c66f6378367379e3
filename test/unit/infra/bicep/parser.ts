/**
 * Reads Bicep into top-level statements with their decorators, and values into objects, arrays,
 * `for` and `if` forms; any other expression is kept as its source text. That covers every
 * construct the templates in infra/ use; anything else is refused rather than misread.
 */
import { BicepSyntaxError } from "./errors.js";
import { tokenize, type Token } from "./tokenizer.js";

export interface BicepProperty {
  readonly key: string;
  readonly value: BicepValue;
}

export type BicepValue =
  | { readonly kind: "object"; readonly properties: readonly BicepProperty[]; readonly text: string }
  | { readonly kind: "array"; readonly items: readonly BicepValue[]; readonly text: string }
  | {
      readonly kind: "for";
      readonly item: string;
      readonly index?: string;
      readonly source: string;
      readonly body: BicepValue;
      readonly text: string;
    }
  | { readonly kind: "if"; readonly condition: string; readonly body: BicepValue; readonly text: string }
  /** Any other expression; `stringValue` is set for a plain string literal. */
  | { readonly kind: "expression"; readonly text: string; readonly stringValue?: string };

export interface Decorator {
  /** Name without a `sys.` namespace, e.g. `description`. */
  readonly name: string;
  /** Source text between the parentheses. */
  readonly args: string;
}

export type StatementKeyword =
  | "targetScope"
  | "param"
  | "var"
  | "output"
  | "resource"
  | "module"
  | "metadata"
  | "type"
  | "func"
  | "import";

export interface BicepStatement {
  readonly keyword: StatementKeyword;
  /** Symbolic name (empty for targetScope). */
  readonly name: string;
  readonly decorators: readonly Decorator[];
  /** Param/output type; resource `Type@version`; module path. */
  readonly type?: string;
  readonly existing?: boolean;
  /** Default value, body or expression. */
  readonly value?: BicepValue;
  readonly line: number;
}

export interface BicepFile {
  readonly statements: readonly BicepStatement[];
}

const KEYWORDS = new Set<string>([
  "targetScope",
  "param",
  "var",
  "output",
  "resource",
  "module",
  "metadata",
  "type",
  "func",
  "import",
]);

const OPENERS: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };

/** Parses a whole Bicep file. */
export function parseBicep(source: string): BicepFile {
  return new Parser(source).file();
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  file(): BicepFile {
    const statements: BicepStatement[] = [];
    let decorators: Decorator[] = [];
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (token === undefined) break;
      if (token.text === "@") {
        decorators.push(this.decorator());
        continue;
      }
      statements.push(this.statement(decorators));
      decorators = [];
    }
    if (decorators.length > 0) throw this.error("decorators without a declaration");
    return { statements };
  }

  private decorator(): Decorator {
    this.expect("@");
    let name = this.identifier();
    if (name === "sys" && this.peek()?.text === ".") {
      this.advance();
      name = this.identifier();
    }
    const open = this.expect("(");
    const close = this.skipBalanced(open);
    return { name, args: this.source.slice(open.end, close.start).trim() };
  }

  private statement(decorators: Decorator[]): BicepStatement {
    const keywordToken = this.advance();
    const keyword = keywordToken.text;
    if (keywordToken.kind !== "identifier" || !KEYWORDS.has(keyword)) {
      throw this.error(`expected a declaration, found ${JSON.stringify(keyword)}`, keywordToken);
    }
    const line = keywordToken.line;
    switch (keyword as StatementKeyword) {
      case "targetScope": {
        this.expect("=");
        return { keyword: "targetScope", name: "", decorators, value: this.value(), line };
      }
      case "param": {
        const name = this.identifier();
        const type = this.rawUntil(["=", "\n"]);
        const value = this.peek()?.text === "=" ? (this.advance(), this.value()) : undefined;
        return { keyword: "param", name, decorators, type, ...(value ? { value } : {}), line };
      }
      case "output": {
        const name = this.identifier();
        const type = this.rawUntil(["="]);
        this.expect("=");
        return { keyword: "output", name, decorators, type, value: this.value(), line };
      }
      case "var": {
        const name = this.identifier();
        this.expect("=");
        return { keyword: "var", name, decorators, value: this.value(), line };
      }
      case "resource":
      case "module": {
        const name = this.identifier();
        const typeToken = this.advance();
        if (typeToken.kind !== "string" || typeToken.value === undefined) {
          throw this.error("expected a type or path string", typeToken);
        }
        const existing = this.peek()?.text === "existing";
        if (existing) this.advance();
        this.expect("=");
        return {
          keyword: keyword as "resource" | "module",
          name,
          decorators,
          type: typeToken.value,
          existing,
          value: this.value(),
          line,
        };
      }
      default: {
        const name = this.peek()?.kind === "identifier" ? this.identifier() : "";
        const text = this.rawUntil(["\n"]);
        return {
          keyword: keyword as StatementKeyword,
          name,
          decorators,
          value: { kind: "expression", text },
          line,
        };
      }
    }
  }

  /** A value: object, array, `for`, `if`, or an expression kept as text. */
  private value(): BicepValue {
    const token = this.peek();
    if (token === undefined) throw this.error("expected a value");
    if (token.text === "{" && this.isWholeValue(token)) return this.object();
    if (token.text === "[") {
      const after = this.peekAfterNewlines(1);
      if (after?.text === "for") return this.forExpression();
      if (this.isWholeValue(token)) return this.array();
    }
    if (token.text === "if" && this.tokens[this.position + 1]?.text === "(") return this.ifExpression();
    const start = this.position;
    this.skipExpression();
    const first = this.tokens[start];
    const last = this.tokens[this.position - 1];
    if (first === undefined || last === undefined) throw this.error("expected an expression");
    const text = this.source.slice(first.start, last.end);
    const single = this.position - start === 1 && first.kind === "string" && first.value !== undefined;
    return single && first.value !== undefined
      ? { kind: "expression", text, stringValue: first.value }
      : { kind: "expression", text };
  }

  /** True when the bracket at `token` closes the value (nothing like `.prop` or `? :` follows). */
  private isWholeValue(token: Token): boolean {
    const saved = this.position;
    this.advance();
    this.skipBalanced(token);
    const next = this.peek();
    this.position = saved;
    return next === undefined || next.kind === "newline" || [",", "}", "]", ")"].includes(next.text);
  }

  private object(): BicepValue {
    const open = this.expect("{");
    const properties: BicepProperty[] = [];
    for (;;) {
      this.skipSeparators();
      const token = this.advance();
      if (token.text === "}")
        return { kind: "object", properties, text: this.source.slice(open.start, token.end) };
      let key: string;
      if (token.kind === "identifier") key = token.text;
      else if (token.kind === "string") key = token.value ?? token.text;
      else throw this.error(`expected a property name, found ${JSON.stringify(token.text)}`, token);
      if (this.peek()?.kind === "identifier" || this.peek()?.kind === "string") {
        throw this.error(`nested declaration ${JSON.stringify(key)} is not supported here`, token);
      }
      this.expect(":");
      properties.push({ key, value: this.value() });
    }
  }

  private array(): BicepValue {
    const open = this.expect("[");
    const items: BicepValue[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.peek()?.text === "]") {
        const close = this.advance();
        return { kind: "array", items, text: this.source.slice(open.start, close.end) };
      }
      items.push(this.value());
    }
  }

  private forExpression(): BicepValue {
    const open = this.expect("[");
    this.skipNewlines();
    this.expect("for");
    let item: string;
    let index: string | undefined;
    if (this.peek()?.text === "(") {
      this.advance();
      item = this.identifier();
      this.expect(",");
      index = this.identifier();
      this.expect(")");
    } else {
      item = this.identifier();
    }
    this.expect("in");
    const source = this.rawUntil([":"]);
    this.expect(":");
    const body = this.value();
    this.skipNewlines();
    const close = this.expect("]");
    const text = this.source.slice(open.start, close.end);
    return { kind: "for", item, ...(index === undefined ? {} : { index }), source, body, text };
  }

  private ifExpression(): BicepValue {
    const start = this.expect("if");
    const open = this.expect("(");
    const close = this.skipBalanced(open);
    const condition = this.source.slice(open.end, close.start).trim();
    const body = this.value();
    return {
      kind: "if",
      condition,
      body,
      text: this.source.slice(start.start, this.tokens[this.position - 1]?.end),
    };
  }

  /** Consumes an expression up to a newline, comma or closing bracket outside its own brackets. */
  private skipExpression(): void {
    let consumed = 0;
    for (;;) {
      const token = this.peek();
      if (token === undefined) break;
      if (token.kind === "newline" || [",", ")", "]", "}"].includes(token.text)) break;
      this.advance();
      consumed += 1;
      if (OPENERS[token.text] !== undefined) this.skipBalanced(token);
    }
    if (consumed === 0) throw this.error("expected an expression");
  }

  /** Source text up to (not including) the first stop token outside brackets. */
  private rawUntil(stops: readonly string[]): string {
    const start = this.peek();
    let last: Token | undefined;
    for (;;) {
      const token = this.peek();
      if (token === undefined) break;
      const text = token.kind === "newline" ? "\n" : token.text;
      if (stops.includes(text)) break;
      this.advance();
      last = token;
      if (OPENERS[token.text] !== undefined) last = this.skipBalanced(token);
    }
    return start !== undefined && last !== undefined ? this.source.slice(start.start, last.end).trim() : "";
  }

  /** With the opener just consumed, consumes through its matching closer and returns the closer. */
  private skipBalanced(opener: Token): Token {
    const stack = [OPENERS[opener.text]];
    for (;;) {
      const token = this.advance();
      if (OPENERS[token.text] !== undefined) stack.push(OPENERS[token.text]);
      else if ([")", "]", "}"].includes(token.text)) {
        if (stack.pop() !== token.text) throw this.error(`unbalanced ${JSON.stringify(token.text)}`, token);
        if (stack.length === 0) return token;
      }
    }
  }

  private skipNewlines(): void {
    while (this.peek()?.kind === "newline") this.advance();
  }

  private skipSeparators(): void {
    while (this.peek()?.kind === "newline" || this.peek()?.text === ",") this.advance();
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private peekAfterNewlines(offset: number): Token | undefined {
    let index = this.position + offset;
    while (this.tokens[index]?.kind === "newline") index += 1;
    return this.tokens[index];
  }

  private advance(): Token {
    const token = this.tokens[this.position];
    if (token === undefined) throw this.error("unexpected end of file");
    this.position += 1;
    return token;
  }

  private expect(text: string): Token {
    const token = this.advance();
    if (token.text !== text)
      throw this.error(`expected ${JSON.stringify(text)}, found ${JSON.stringify(token.text)}`, token);
    return token;
  }

  private identifier(): string {
    const token = this.advance();
    if (token.kind !== "identifier")
      throw this.error(`expected a name, found ${JSON.stringify(token.text)}`, token);
    return token.text;
  }

  private error(message: string, token: Token | undefined = this.peek()): BicepSyntaxError {
    return new BicepSyntaxError(token?.line ?? this.tokens[this.tokens.length - 1]?.line ?? 1, message);
  }
}
