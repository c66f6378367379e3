/** `emulate stack --env` prints lines a POSIX shell takes back to the very same values. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { exportLines } from "../../../cli/commands/shell-env.js";

const SETTINGS = {
  MailferryTables:
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a+b/c==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;",
  GRAPH_CLIENT_SECRET: `it's "quoted" $HOME \`date\` \\n; rm -rf /tmp/x`,
  EMPTY: "",
  "Some:Nested.Name": "value",
};

describe("exportLines", () => {
  it("round-trips every value through sh, quotes, dollars and backticks included", async () => {
    const script = [
      ...exportLines(SETTINGS),
      `printf '%s\\0' "$MailferryTables" "$GRAPH_CLIENT_SECRET" "$EMPTY"`,
    ].join("\n");
    const { stdout } = await promisify(execFile)("sh", ["-c", script]);
    expect(stdout.split("\0").slice(0, 3)).toEqual([
      SETTINGS.MailferryTables,
      SETTINGS.GRAPH_CLIENT_SECRET,
      "",
    ]);
  });

  it("says so for a name the shell cannot export instead of printing a broken line", () => {
    expect(exportLines(SETTINGS)).toContain(
      "# Some:Nested.Name is not a shell variable name: set it another way",
    );
  });
});
