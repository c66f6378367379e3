/**
 * Runs the Graph tenant simulator in a process of its own for a benchmark: options come as JSON in
 * the first argument, one JSON line on stdout says how to reach it, and the simulator stops when
 * stdin closes (so it never outlives the benchmark).
 */
import { startGraphSimulator, type GraphSimulatorOptions } from "@mailferry/azure-local/graph";
import { silentLogger } from "../../shared/telemetry/logger.js";

const options = JSON.parse(process.argv[2] ?? "{}") as GraphSimulatorOptions;
const graph = await startGraphSimulator({ ...options, logger: silentLogger });
process.stdout.write(`${JSON.stringify({ settings: graph.settings(), inventory: graph.inventory() })}\n`);
const stop = (): void => {
  void graph.close().finally(() => process.exit(0));
};
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
