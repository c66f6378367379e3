/**
 * Everything a function handler works with, built once per process from settings (create.ts): the
 * composition root's bag of adapters. The app's composition root (functions/app.ts, loaded by the
 * Functions worker) holds them (functions/services.ts) and hands them to each use case, which
 * declares the narrow ports it uses beside itself; the services satisfy them structurally. Use
 * cases never import this module.
 */
import type { CutoverAnnouncer } from "../bus/cutovers.js";
import type { ActivityLog } from "../activity/port.js";
import type { AlertPorts } from "../alerts/create.js";
import type { OperatorActionLog } from "../admin/actions/port.js";
import type { DeadLetterQueue } from "../bus/deadletter.js";
import type { HybridExchange } from "../exchange/port.js";
import type { FolderMemory } from "../mover/folder-memory.js";
import type { MoveQueue } from "../bus/port.js";
import type { PipelineSettings } from "../config/index.js";
import type { GraphSide } from "../mover/ports.js";
import type { ReleaseLedger } from "../releases/ledger.js";
import type { MigrationStore } from "../store/port.js";
import type { Logger } from "../telemetry/logger.js";
import type { TransferStateStore } from "../transfer/state/port.js";

export type { GraphSide };

export interface Services {
  readonly store: MigrationStore;
  readonly moves: MoveQueue;
  /** Cutover notices for systems outside Graph (`cutovers` queue). */
  readonly cutovers: CutoverAnnouncer;
  readonly transferState: TransferStateStore;
  /** Folder checkpoints this instance's slices left, so an account's next slice here skips reading them. */
  readonly folderMemory: FolderMemory;
  readonly activity: ActivityLog;
  readonly releases: ReleaseLedger;
  /** The `moves` queue's dead-letter sub-queue (operators list, replay and purge it). */
  readonly deadLetters: DeadLetterQueue;
  /** Who changed what through the admin API. */
  readonly operatorActions: OperatorActionLog;
  readonly source: GraphSide;
  readonly target: GraphSide;
  /** Exchange Online's admin endpoint, for hybrid waves; absent without the EXCHANGE_* settings. */
  readonly exchange?: HybridExchange;
  readonly pipeline: PipelineSettings;
  readonly logger: Logger;
  /** The alert rules' states, dead-letter depths and notification channels, built on first use. */
  alerts(): Promise<AlertPorts>;
  /** The current time (a test or demo may run faster than the wall clock). */
  now(): Date;
  close(): Promise<void>;
}
