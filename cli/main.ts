/**
 * The `mailferry` command: operators' tooling and the embedded demo. Each command group lives in
 * its own module under cli/commands and registers itself on the program.
 */
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { EXIT, reportFatal } from "./commands/output.js";

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
  // A command group without its subcommand (e.g. `mailferry wave`): its help, as an error.
  "commander.help",
]);

const program = new Command("mailferry")
  .description("Unattended, wave-based mailbox migration into Exchange Online")
  // What is wrong, in one line that names the option, not followed by the whole help; commands
  // created after this inherit it.
  .showHelpAfterError(false)
  .configureOutput({
    outputError: (message, write) => write(`mailferry: ${message.replace(/^error: /, "").trimEnd()}\n`),
  })
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
