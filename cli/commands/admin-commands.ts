import type { Command } from "commander";
import { registerAccountCommand } from "./account.js";
import { registerActionsCommand } from "./admin-actions.js";
import { registerWaveApproveCommand } from "./admin-wave-approve.js";
import { registerWaveCompleteCommand } from "./admin-wave-complete.js";
import { registerWaveUsersCommand } from "./admin-wave-users.js";
import { registerDlqCommands } from "./dlq.js";
import { registerFailuresCommand } from "./failures.js";
import { registerReportCommand } from "./report.js";
import { registerRetryCommand } from "./retry.js";
import { registerStatusCommand } from "./status.js";

/**
 * The operator commands: status, account (with `account complete`), failures, retry, dlq, report,
 * actions, `wave complete`, `wave approve` and `wave users`. Register after the `wave` command so they join it.
 */
export function registerAdminCommands(program: Command): void {
  registerStatusCommand(program);
  registerAccountCommand(program);
  registerFailuresCommand(program);
  registerRetryCommand(program);
  registerDlqCommands(program);
  registerReportCommand(program);
  registerActionsCommand(program);
  registerWaveCompleteCommand(program);
  registerWaveApproveCommand(program);
  registerWaveUsersCommand(program);
}
