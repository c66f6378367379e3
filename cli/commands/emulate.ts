import type { Command } from "commander";

/** `mailferry emulate servicebus|graph|stack`: the embedded stand-ins for Azure and Graph. */
export function registerEmulateCommands(program: Command): void {
  program.command("emulate").description("run the embedded emulators that stand in for Azure and Graph");
}
