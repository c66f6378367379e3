/**
 * The `mailferry` command: operators' tooling and the embedded demo. Each command group lives in
 * its own module under cli/commands and registers itself on the program.
 */
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { EXIT, reportFatal } from "./output.js";

/** Commander's refusals of what was typed: invalid input (exit 2), as the README promises. */
const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  "commander.invalidArgument",
  "commander.missingArgument",
  "commander.optionMissingArgument",
  "commander.missingMandatoryOptionValue",
  "commander.unknownOption",
  "commander.unknownCommand",
  "commander.excessArguments",
  "commander.conflictingOption",
]);

const program = new Command("mailferry")
  .description("Unattended, wave-based mailbox migration into Exchange Online")
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed what is wrong, naming the option; only its exit code (1) is not ours.
    process.exitCode = INPUT_ERROR_CODES.has(error.code) ? EXIT.invalidInput : error.exitCode;
  } else {
    reportFatal(error);
  }
}
