import { describe, expect, it } from "vitest";
import { csvLine, REPORT_COLUMNS, waveReport } from "../../../shared/admin/report.js";
import { addWave, failedAccount, memoryPorts } from "../../fixtures/admin/ports.js";
import { importedAccount, T0 } from "../../factories/index.js";

async function lines(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of iterable) out.push(line);
  return out;
}

describe("wave report", () => {
  it("quotes what needs quoting and defuses cells a spreadsheet would run", () => {
    expect(csvLine(["a,b", 'say "hi"', "=SUM(A1)", "-1", 7])).toBe(`"a,b","say ""hi""",'=SUM(A1),'-1,7\r\n`);
  });

  it("lists every account of the wave under the header, or those in one status", async () => {
    const ports = memoryPorts();
    await addWave(ports, "w1");
    await ports.store.accounts.upsertImported([importedAccount(1), importedAccount(2)], T0);
    await failedAccount(ports, 3, "w1", {
      class: "TargetNotLicensed",
      code: "NoLicense",
      message: "no, licence",
    });
    const all = await lines(waveReport(ports, "w1"));
    expect(all[0]).toBe(`${REPORT_COLUMNS.join(",")}\r\n`);
    expect(all).toHaveLength(4);
    const failed = await lines(waveReport(ports, "w1", "Failed"));
    expect(failed[1]).toMatch(
      /^user3@source\.contoso\.com,.*,Failed,.*,TargetNotLicensed,NoLicense,"no, licence"\r\n$/,
    );
    await expect(lines(waveReport(ports, "nope"))).rejects.toMatchObject({ name: "NotFoundError" });
  });
});
