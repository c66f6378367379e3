/**
 * How fast `mailferry --help` answers: the wall time of `--help`, `wave --help` and `import --help`
 * through the `mailferry` launcher (tsx, as a fresh clone runs it), against bare tsx start-up
 * (`node --import tsx` of an empty module), as the median of N runs. Run:
 *   npx tsx bench/cli-help.ts [--runs 5]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a whole number of 1 or more");

const launcher = fileURLToPath(new URL("../bin/mailferry.js", import.meta.url));

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median wall milliseconds of `node <args>`; throws when a run fails. */
function timed(args: readonly string[]): number {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { encoding: "utf8" });
    samples.push(performance.now() - started);
    if (result.status !== 0)
      throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  }
  return Math.round(median(samples));
}

printFigures("cli-help", {
  runs,
  tsxStartupMs: timed(["--import", "tsx", "--eval", "0"]),
  helpMs: timed([launcher, "--help"]),
  waveHelpMs: timed([launcher, "wave", "--help"]),
  importHelpMs: timed([launcher, "import", "--help"]),
});
