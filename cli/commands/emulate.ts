import type { Command } from "commander";
import { addEmulateGraphCommand } from "./emulate-graph.js";
import { addEmulateHostCommand } from "./emulate-host.js";
import { addEmulateServiceBusCommand } from "./emulate-servicebus.js";
import { addEmulateStackCommand } from "./emulate-stack.js";

/** `mailferry emulate servicebus|graph|stack`: the embedded stand-ins for Azure and Graph. */
export function registerEmulateCommands(program: Command): void {
  const emulate = program
    .command("emulate")
    .description("run the embedded emulators that stand in for Azure and Graph");
  addEmulateServiceBusCommand(emulate);
  addEmulateGraphCommand(emulate);
  addEmulateStackCommand(emulate);
  addEmulateHostCommand(emulate);
}
