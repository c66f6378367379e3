/**
 * The `mailferry` command: operators' tooling and the embedded demo. Each command group lives in
 * its own module under cli/commands and registers itself on the program.
 */
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { reportFatal } from "./output.js";

const program = new Command("mailferry")
  .description("Unattended, wave-based mailbox migration into Exchange Online")
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    reportFatal(error);
  }
}
