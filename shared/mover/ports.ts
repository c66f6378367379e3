/**
 * What the mover and its move engines work with, declared here beside them. The function app's
 * services provide all of it (the composition root passes them in); a unit test passes fakes.
 */
import type { ActivityLog } from "../activity/port.js";
import type { CutoverAnnouncer } from "../bus/cutovers.js";
import type { MoveQueue } from "../bus/port.js";
import type { PipelineSettings } from "../config/index.js";
import type { HybridExchange } from "../exchange/port.js";
import type { GovernorRegistry } from "../graph/governor.js";
import type { MailboxGraph } from "../graph/port.js";
import type { FolderMemory } from "./folder-memory.js";
import type { MigrationStore } from "../store/port.js";
import type { Logger } from "../telemetry/logger.js";
import type { TransferStateStore } from "../transfer/state/port.js";

/** One tenant's Graph access and the governors of its mailboxes. */
export interface GraphSide {
  readonly api: MailboxGraph;
  readonly governors: GovernorRegistry;
}

export interface MoverPorts {
  readonly store: MigrationStore;
  readonly moves: MoveQueue;
  /** Cutover notices for systems outside Graph (`cutovers` queue). */
  readonly cutovers: CutoverAnnouncer;
  readonly transferState: TransferStateStore;
  /** Which folders each mailbox's last slice left unchanged, kept between slices on this instance. */
  readonly folderMemory: FolderMemory;
  readonly activity: ActivityLog;
  readonly source: GraphSide;
  readonly target: GraphSide;
  /** Exchange Online's admin endpoint, for hybrid waves; absent without the EXCHANGE_* settings. */
  readonly exchange?: HybridExchange;
  readonly pipeline: PipelineSettings;
  readonly logger: Logger;
  /** The current time (a test or demo may run faster than the wall clock). */
  now(): Date;
}
