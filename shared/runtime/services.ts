/**
 * Everything a function handler works with, built once per process from settings: the composition
 * root's bag of adapters. The app's composition root (functions/app.ts, loaded by the Functions
 * worker) installs the factory with `useServices()`; handlers ask for the services with
 * `services()` and hand them to a use case, which declares the narrow ports it uses beside itself
 * (the services satisfy them structurally). Use cases never import this module.
 */
import type { CutoverAnnouncer } from "../bus/cutovers.js";
import type { ActivityLog } from "../activity/port.js";
import type { AlertPorts } from "../alerts/create.js";
import type { OperatorActionLog } from "../admin/actions/port.js";
import type { DeadLetterQueue } from "../bus/deadletter.js";
import type { HybridExchange } from "../exchange/port.js";
import type { MoveQueue } from "../bus/port.js";
import type { PipelineSettings } from "../config/index.js";
import type { GraphSide } from "../mover/ports.js";
import type { ReleaseLedger } from "../scheduler/ledger.js";
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

type Factory = () => Promise<Services>;

let factory: Factory | undefined;
let current: Promise<Services> | undefined;
let decorate: ((built: Services) => Services) | undefined;

/** Installs how services are built (the production factory, the local stack, or a test). */
export function useServices(next: Factory): void {
  factory = next;
  current = undefined;
}

/** The process's services, built on first use. */
export function services(): Promise<Services> {
  if (!factory) throw new Error("no services factory installed: call useServices() at start-up");
  if (!current) {
    const wrap = decorate;
    const building = factory().then((built) => (wrap ? wrap(built) : built));
    current = building;
    // A failed start is not kept: the next invocation tries again.
    building.catch(() => {
      if (current === building) current = undefined;
    });
  }
  return current;
}

/**
 * Wraps the services the installed factory builds from now on, or stops wrapping them
 * (undefined). Tests inject faults this way; the factory, and so how the app starts, stays the
 * app's own.
 */
export function decorateServices(wrap: ((built: Services) => Services) | undefined): void {
  decorate = wrap;
  current = undefined;
}

/** Closes the services if they were built, so the next call builds them again. */
export async function closeServices(): Promise<void> {
  const built = current;
  current = undefined;
  if (built) await (await built).close();
}
