/**
 * The cmdlets the simulator answers. Every cmdlet in the derived allow-list that applies to
 * Exchange Online is bound and checked first; those not simulated here are refused after that with
 * a message saying so, never silently accepted.
 */
import { bindCall } from "../bind.js";
import { CmdletError } from "../errors.js";
import {
  completeMigrationBatch,
  getMigrationBatch,
  newMigrationBatch,
  setMigrationBatch,
} from "./batches.js";
import type { CmdletContext, CmdletHandler, CmdletOutput } from "./context.js";
import {
  getMigrationEndpoint,
  newMigrationEndpoint,
  setMigrationEndpoint,
  testMigrationServerAvailability,
} from "./endpoints.js";
import {
  getMigrationUser,
  getMigrationUserStatistics,
  getMoveRequest,
  getMoveRequestStatistics,
  removeMigrationUser,
  removeMoveRequest,
  resumeMoveRequest,
  setMigrationUser,
  setMoveRequest,
  startMigrationUser,
  stopMigrationUser,
  suspendMoveRequest,
} from "./moves.js";
import { getMailbox, getMailUser } from "./recipients.js";

export type { CmdletContext, OnPremAdministrator } from "./context.js";

const HANDLERS: Readonly<Record<string, CmdletHandler>> = {
  "Get-MailUser": getMailUser,
  "Get-Mailbox": getMailbox,
  "New-MigrationEndpoint": newMigrationEndpoint,
  "Get-MigrationEndpoint": getMigrationEndpoint,
  "Set-MigrationEndpoint": setMigrationEndpoint,
  "Test-MigrationServerAvailability": testMigrationServerAvailability,
  "New-MigrationBatch": newMigrationBatch,
  "Set-MigrationBatch": setMigrationBatch,
  "Get-MigrationBatch": getMigrationBatch,
  "Complete-MigrationBatch": completeMigrationBatch,
  "Get-MigrationUser": getMigrationUser,
  "Set-MigrationUser": setMigrationUser,
  "Start-MigrationUser": startMigrationUser,
  "Stop-MigrationUser": stopMigrationUser,
  "Remove-MigrationUser": removeMigrationUser,
  "Get-MigrationUserStatistics": getMigrationUserStatistics,
  "Get-MoveRequest": getMoveRequest,
  "Get-MoveRequestStatistics": getMoveRequestStatistics,
  "Set-MoveRequest": setMoveRequest,
  "Resume-MoveRequest": resumeMoveRequest,
  "Suspend-MoveRequest": suspendMoveRequest,
  "Remove-MoveRequest": removeMoveRequest,
};

export interface CmdletResult {
  readonly cmdlet: string;
  readonly output: CmdletOutput;
  /** -ResultSize as given, if it was. */
  readonly resultSize?: number;
}

/** Binds and runs one cmdlet; throws CmdletError as Exchange would refuse it. */
export function runCmdlet(
  name: string,
  parameters: Readonly<Record<string, unknown>>,
  context: CmdletContext,
): CmdletResult {
  const call = bindCall(name, parameters);
  const handler = HANDLERS[call.cmdlet];
  if (handler === undefined) {
    throw new CmdletError(
      501,
      "Microsoft.Exchange.Simulator.NotSimulatedException",
      `${call.cmdlet} is a valid Exchange Online cmdlet, but the simulator does not run it.`,
    );
  }
  const size = call.values.get("ResultSize");
  return {
    cmdlet: call.cmdlet,
    output: handler(call, context),
    ...(size === "Unlimited"
      ? { resultSize: Number.POSITIVE_INFINITY }
      : typeof size === "number"
        ? { resultSize: size }
        : {}),
  };
}
