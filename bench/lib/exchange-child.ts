/**
 * Runs the Exchange simulator in a process of its own for a benchmark: options come as JSON in the
 * first argument (with the clock's anchors), one JSON line on stdout says how to reach it, and the
 * simulator stops when stdin closes, so it never outlives the benchmark.
 */
import { createInterface } from "node:readline";
import { startExchangeSimulator, type ExchangeSimulatorOptions } from "@mailferry/azure-local/exchange";
import { silentLogger } from "../../shared/telemetry/logger.js";
import { anchoredClock, type ClockAnchor } from "./anchored-clock.js";

const { clock, ...options } = JSON.parse(process.argv[2] ?? "{}") as Omit<
  ExchangeSimulatorOptions,
  "clock"
> & {
  clock: ClockAnchor;
};
const simulated = anchoredClock(clock);
const exchange = await startExchangeSimulator({ ...options, clock: simulated, logger: silentLogger });
process.stdout.write(
  `${JSON.stringify({
    settings: exchange.settings(),
    inventory: exchange.inventory(),
    targetDeliveryDomain: exchange.targetDeliveryDomain,
  })}\n`,
);
const stop = (): void => {
  void exchange.close().finally(() => process.exit(0));
};
// Each line on stdin sets new anchors of the clock (to start it, or to jump it ahead).
createInterface({ input: process.stdin }).on("line", (line) => {
  simulated.reanchor(JSON.parse(line) as Partial<ClockAnchor>);
});
process.stdin.on("end", stop);
process.stdin.on("error", stop);
