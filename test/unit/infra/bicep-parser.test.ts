import { describe, expect, it } from "vitest";
import { BicepSyntaxError } from "./bicep/errors.js";
import { parseBicep, type BicepValue } from "./bicep/parser.js";
import { tokenize } from "./bicep/tokenizer.js";
import { property, stringOf, textOf } from "./model.js";

describe("Bicep tokenizer", () => {
  it("applies escapes in plain strings and keeps interpolated ones as text", () => {
    const [plain, interpolated] = tokenize("'it\\'s' 'a${b[\"x\"] ?? '}'}c'").filter(
      (token) => token.kind === "string",
    );
    expect(plain?.value).toBe("it's");
    expect(interpolated?.value).toBeUndefined();
    expect(interpolated?.text).toBe("'a${b[\"x\"] ?? '}'}c'");
  });

  it("drops comments, keeps newlines, and reads multi-line strings", () => {
    const tokens = tokenize("a // note\n/* block\n */ b '''\nline1\nline2'''");
    expect(tokens.map((token) => token.kind)).toEqual(["identifier", "newline", "identifier", "string"]);
    expect(tokens[3]?.value).toBe("line1\nline2");
    expect(tokens[3]?.line).toBe(3);
  });

  it("refuses an unterminated string", () => {
    expect(() => tokenize("x = 'open")).toThrow(BicepSyntaxError);
  });
});

describe("Bicep parser", () => {
  const source = [
    "targetScope = 'subscription'",
    "",
    "@description('Where.')",
    "@allowed([",
    "  'a'",
    "  'b'",
    "])",
    "param where string = 'a'",
    "",
    "@sys.description('How many.')",
    "param count int",
    "",
    "var items = loadJsonContent('../x.json').items",
    "",
    "resource parent 'Microsoft.X/things@2024-01-01' existing = {",
    "  name: 'p'",
    "}",
    "",
    "resource children 'Microsoft.X/things/children@2024-01-01' = [",
    "  for (item, index) in items: {",
    "    parent: parent",
    "    name: item.name",
    "    properties: {",
    "      'odata.type': 'T'",
    "      size: empty(where) ? 1 : {",
    "        nested: true",
    "      }.nested",
    "      list: [",
    "        1, 2",
    "      ]",
    "    }",
    "  }",
    "]",
    "",
    "module m 'app/m.bicep' = if (count > 0) {",
    "  name: 'm'",
    "}",
    "",
    "@description('The name.')",
    "output name string = children[0].name",
  ].join("\n");
  const file = parseBicep(source);
  const byName = (name: string) => file.statements.find((statement) => statement.name === name);

  it("reads declarations with their decorators", () => {
    expect(file.statements.map((statement) => `${statement.keyword} ${statement.name}`)).toEqual([
      "targetScope ",
      "param where",
      "param count",
      "var items",
      "resource parent",
      "resource children",
      "module m",
      "output name",
    ]);
    expect(byName("where")?.decorators.map((decorator) => decorator.name)).toEqual([
      "description",
      "allowed",
    ]);
    expect(byName("count")?.decorators.map((decorator) => decorator.name)).toEqual(["description"]);
    expect(byName("count")?.value).toBeUndefined();
    expect(stringOf(byName("where")?.value)).toBe("a");
    expect(byName("parent")?.existing).toBe(true);
    expect(byName("children")?.type).toBe("Microsoft.X/things/children@2024-01-01");
  });

  it("reads for and if forms and nested objects", () => {
    const loop = byName("children")?.value as BicepValue;
    expect(loop.kind).toBe("for");
    if (loop.kind !== "for") return;
    expect([loop.item, loop.index, loop.source]).toEqual(["item", "index", "items"]);
    expect(textOf(property(loop, "name"))).toBe("item.name");
    expect(stringOf(property(loop, "properties", "odata.type"))).toBe("T");
    expect(textOf(property(loop, "properties", "size"))).toBe(
      "empty(where) ? 1 : {\n        nested: true\n      }.nested",
    );
    expect(property(loop, "properties", "list")).toMatchObject({
      kind: "array",
      items: [{ text: "1" }, { text: "2" }],
    });
    const module = byName("m")?.value;
    expect(module).toMatchObject({ kind: "if", condition: "count > 0" });
    expect(stringOf(property(module, "name"))).toBe("m");
    expect(textOf(byName("items")?.value)).toBe("loadJsonContent('../x.json').items");
  });

  it("refuses constructs it does not model instead of misreading them", () => {
    expect(() => parseBicep("resource a 'T@1' = {\n  resource b 'c' = {\n  }\n}")).toThrow(
      /nested declaration/,
    );
    expect(() => parseBicep("@description('dangling')\n")).toThrow(BicepSyntaxError);
    expect(() => parseBicep("param x string = (1")).toThrow(BicepSyntaxError);
  });
});
