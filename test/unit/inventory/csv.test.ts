import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { csvRecords, type CsvRecord } from "../../../shared/inventory/csv.js";
import { CsvSyntaxError } from "../../../shared/inventory/index.js";

async function records(text: string, chunk = 7): Promise<CsvRecord[]> {
  // Small chunks make records straddle chunk boundaries, as they do in large files.
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunk) chunks.push(text.slice(i, i + chunk));
  const out: CsvRecord[] = [];
  for await (const record of csvRecords(Readable.from(chunks))) out.push(record);
  return out;
}

describe("csvRecords", () => {
  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ])("numbers lines exactly with %s line ends and embedded line breaks", async (_name, eol) => {
    const text = ["h1,h2", "a,b", `"multi${eol}line",c`, "", "d,e", `"x${eol}${eol}y",z`, "f,g"].join(eol);
    const got = await records(text);
    expect(got.map((record) => [record.line, record.fields[0]])).toEqual([
      [1, "h1"],
      [2, "a"],
      [3, `multi${eol}line`],
      [6, "d"],
      [7, `x${eol}${eol}y`],
      [10, "f"],
    ]);
  });

  it("drops a byte order mark and keeps quoted commas in their field", async () => {
    const got = await records('\ufeffh1,h2\n"a,b",c\n');
    expect(got[0]?.fields).toEqual(["h1", "h2"]);
    expect(got[1]?.fields).toEqual(["a,b", "c"]);
  });

  it("fails at the line where an unclosed quote opens", async () => {
    const error = await records('h\nok\n"never\nclosed\n').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(3);
  });
});
