import { InvalidArgumentError, type Command } from "commander";
import { EXIT, printJsonLine } from "./output.js";

function number(min: number, max: number, integer: boolean) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
      throw new InvalidArgumentError(
        `must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}`,
      );
    }
    return parsed;
  };
}

function engineChoice(value: string): string {
  if (!["graph", "hybrid", "both"].includes(value))
    throw new InvalidArgumentError("must be graph, hybrid or both");
  return value;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** `mailferry demo`: the main job that `npm start` runs. */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "migrate a simulated tenant (graph: a copy between tenants) and a simulated hybrid organisation (hybrid: Exchange's own moves) end to end on the embedded stack and verify every mailbox",
    )
    .option("--engine <engine>", "graph, hybrid, or both one after the other", engineChoice, "both")
    .option(
      "--hybrid-clock <factor>",
      "simulated seconds per real second for the hybrid wave (a day of pre-staging and an evening)",
      number(60, 7200, false),
      900,
    )
    .option("--mailboxes <n>", "accounts in the simulated tenant", number(1, 100_000, true), 200)
    .option("--items-per-mailbox <n>", "mean items per mailbox (long-tailed)", number(1, 10_000, true), 40)
    .option("--seed <n>", "seed of the simulated tenant", number(0, 2 ** 31, true), 1)
    .option(
      "--fault-rate <share>",
      "share of Graph requests that fail (500/503/504/reset)",
      number(0, 0.5, false),
      0,
    )
    .option(
      "--throttle <scale>",
      "Graph throttle window scale: 1 = published limits, 0.01 = 100x faster",
      number(0.0001, 1, false),
      0.01,
    )
    .option("--clock <factor>", "run timers this many times faster than real time", number(1, 3600, false), 1)
    .option(
      "--realistic",
      "turn on the Graph simulator's realism: ids that change on move, expiring delta tokens, a full target mailbox, one outside the app's scope, a German target tenant, auto-expanding archives, search folders, slow mailbox provisioning",
      false,
    )
    .option("--report <path>", "where to write the CSV report", ".artifacts/demo-report.csv")
    .option("--timeout <seconds>", "give up after this long", number(10, 86_400, true), 1800)
    .option("--json", "print the outcome as one JSON line on stdout (the progress goes to stderr)")
    .action(
      async (options: {
        mailboxes: number;
        itemsPerMailbox: number;
        seed: number;
        faultRate: number;
        throttle: number;
        clock: number;
        realistic: boolean;
        report: string;
        timeout: number;
        engine: string;
        hybridClock: number;
        json?: boolean;
      }) => {
        const { wrapLine } = await import("../../local/demo/wrap.js");
        const json = options.json === true;
        // The demo's text fits 80 columns; with --json it goes to stderr, leaving stdout to the JSON.
        const out = json ? process.stderr : process.stdout;
        const write = (line: string): void => {
          for (const part of wrapLine(line)) out.write(`${part}\n`);
        };
        const outcome: Record<string, unknown> = {};
        let passed = true;
        if (options.engine !== "hybrid") {
          const { runDemo } = await import("../../local/demo/run.js");
          const result = await runDemo({
            mailboxes: options.mailboxes,
            itemsPerMailbox: options.itemsPerMailbox,
            seed: options.seed,
            faultRate: options.faultRate,
            throttle: options.throttle,
            clockFactor: options.clock,
            realistic: options.realistic,
            reportPath: options.report,
            timeoutSeconds: options.timeout,
            ...(out.isTTY ? { terminal: out } : {}),
            write,
          });
          passed &&= result.verification.passed;
          outcome.graph = {
            passed: result.verification.passed,
            seconds: result.seconds,
            accounts: result.verification.verdicts.length,
            byStatus: countBy(result.verification.verdicts.map((verdict) => verdict.status)),
            report: options.report,
          };
        }
        if (options.engine !== "graph") {
          if (options.engine === "both") write("");
          const { runHybridDemo } = await import("../../local/demo/hybrid-run.js");
          const hybrid = await runHybridDemo({
            mailboxes: options.mailboxes,
            seed: options.seed,
            clockFactor: options.hybridClock,
            timeoutSeconds: options.timeout,
            write,
          });
          passed &&= hybrid.passed;
          outcome.hybrid = { passed: hybrid.passed, seconds: hybrid.seconds, problems: hybrid.problems };
        }
        if (json) printJsonLine({ passed, ...outcome });
        process.exitCode = passed ? EXIT.ok : EXIT.failure;
      },
    );
}
