import type { Command } from "commander";
import { registerAdminCommands } from "./admin-commands.js";
import { registerDemoCommand } from "./demo.js";
import { registerEmulateCommands } from "./emulate.js";
import { registerEndpointCommands } from "./endpoint.js";
import { registerImportCommand } from "./import.js";
import { registerWaveCommands } from "./wave.js";

/** Adds every command group to the program. */
export function registerCommands(program: Command): void {
  registerEmulateCommands(program);
  registerDemoCommand(program);
  registerImportCommand(program);
  registerWaveCommands(program);
  registerAdminCommands(program);
  registerEndpointCommands(program);
}
