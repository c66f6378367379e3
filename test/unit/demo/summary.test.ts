/** The end of the demo: who needs attention and why, what to run next, all within 80 columns. */
import { describe, expect, it } from "vitest";
import { printAttention, type AttentionItem } from "../../../local/demo/attention.js";
import { TEXT_WIDTH, wrapLine } from "../../../local/demo/wrap.js";

const ITEMS: AttentionItem[] = [
  {
    sourceUpn: "xavi.singh@riverside-legacy.example",
    status: "Failed",
    kind: "TargetNotLicensed",
    reason:
      "the target user has no licence, so Exchange Online gives it no mailbox at all, not even a shared one",
  },
  {
    sourceUpn: "quinn.campbell@riverside-legacy.example",
    status: "CompletedWithWarnings",
    kind: "warnings",
    reason: "4 bad items skipped",
  },
];

describe("the demo's summary", () => {
  it("lists failed and warned accounts with their reasons and the commands to run next", () => {
    const printed: string[] = [];
    printAttention((line) => printed.push(line), ITEMS, ".artifacts/demo-report.csv");
    const text = printed.join("\n");
    expect(text).toContain("1 failed account, 1 with warnings");
    expect(text).toMatch(
      /FAILED xavi\.singh@riverside-legacy\.example {2}TargetNotLicensed\n {6}the target user/,
    );
    expect(text).toMatch(
      /WARNED quinn\.campbell@riverside-legacy\.example {2}warnings\n {6}4 bad items skipped/,
    );
    expect(text).toContain("npx mailferry failures --wave demo");
    expect(text).toContain("npx mailferry retry --wave demo --class TargetNotLicensed --dry-run");
    for (const line of printed) expect(line.length).toBeLessThanOrEqual(TEXT_WIDTH);
    // A long reason is wrapped, not cut.
    expect(text.replace(/\s+/g, " ")).toContain("not even a shared one");
  });

  it("prints nothing when no account needs attention", () => {
    const printed: string[] = [];
    printAttention((line) => printed.push(line), [], "report.csv");
    expect(printed).toEqual([]);
  });

  it("wraps long lines at spaces with a hanging indent and keeps a long URL whole", () => {
    const line = `  ${"word ".repeat(40).trim()}`;
    const parts = wrapLine(line);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join(" ").replace(/ +/g, " ").trim()).toBe(line.trim());
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(TEXT_WIDTH);
    expect(parts[1]?.startsWith("    word")).toBe(true);
    const url = `http://127.0.0.1:45587/api/dash?code=${"k".repeat(90)}`;
    expect(wrapLine(url)).toEqual([url]);
    expect(wrapLine(`  see ${url} now`)).toEqual(["  see", `    ${url}`, "    now"]);
  });

  it("wraps each line of a text on its own and keeps a table's spacing", () => {
    const table = [
      "status     accounts  items",
      "---------  --------  -----",
      "Completed       178   6262",
    ].join("\n");
    expect(wrapLine(table)).toEqual(table.split("\n"));
    const long = `Completed${" ".repeat(60)}178${" ".repeat(20)}6262`;
    const [first, second] = wrapLine(long);
    expect(first).toBe(`Completed${" ".repeat(60)}178`);
    expect(second).toBe("  6262");
  });
});
