/**
 * What the operator use-cases work with. The function app's Services provide all of it; the CLI
 * builds the same ports from settings without Graph (see create.ts).
 */
import type { ActivityLog } from "../activity/port.js";
import type { DeadLetterQueue } from "../bus/deadletter.js";
import type { HybridExchange } from "../exchange/port.js";
import type { MoveQueue } from "../bus/port.js";
import type { ReleaseLedger } from "../releases/ledger.js";
import type { MigrationStore } from "../store/port.js";
import type { Logger } from "../telemetry/logger.js";
import type { TransferStateStore } from "../transfer/state/port.js";
import type { OperatorActionLog } from "./actions/port.js";

export interface AdminPorts {
  readonly store: MigrationStore;
  readonly moves: MoveQueue;
  /** The `moves` queue's dead-letter sub-queue. */
  readonly deadLetters: DeadLetterQueue;
  readonly activity: ActivityLog;
  readonly releases: ReleaseLedger;
  readonly transferState: TransferStateStore;
  readonly operatorActions: OperatorActionLog;
  /** Exchange Online, for hybrid waves; absent without the EXCHANGE_* settings. */
  readonly exchange?: HybridExchange;
  readonly logger: Logger;
  now(): Date;
}
