import type { Command } from "commander";
import { addEmulateExchangeCommand } from "./emulate-exchange.js";
import { addEmulateGraphCommand } from "./emulate-graph.js";
import { addEmulateHostCommand } from "./emulate-host.js";
import { addEmulateServiceBusCommand } from "./emulate-servicebus.js";
import { addEmulateStackCommand } from "./emulate-stack.js";

/** `mailferry emulate servicebus|graph|exchange|stack`: the embedded stand-ins for Azure, Graph and Exchange. */
export function registerEmulateCommands(program: Command): void {
  const emulate = program
    .command("emulate")
    .description("run the embedded emulators that stand in for Azure, Graph and Exchange Online");
  addEmulateServiceBusCommand(emulate);
  addEmulateGraphCommand(emulate);
  addEmulateExchangeCommand(emulate);
  addEmulateStackCommand(emulate);
  addEmulateHostCommand(emulate);
}
