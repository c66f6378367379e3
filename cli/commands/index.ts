import type { Command } from "commander";
import { registerEmulateCommands } from "./emulate.js";

/** Adds every command group to the program. */
export function registerCommands(program: Command): void {
  registerEmulateCommands(program);
}
