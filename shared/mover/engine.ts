/**
 * The move-engine port: what the mover asks of the engine a wave chose. The mover parses the
 * message, claims the account and hands it here; the engine does the move's work for this message
 * and records what became of the account. Everything around a move (statuses, ledger, retries,
 * dead letters, alerts, reports) stays the pipeline's; only this work differs by engine.
 */
import type { MoveMessage } from "../bus/messages.js";
import type { Account, Wave } from "../domain/index.js";
import type { MoverPorts } from "./ports.js";
import type { Logger } from "../telemetry/logger.js";

/** One delivery of a `moves` message to the mover, as the trigger hands it over. */
export interface MoveDelivery {
  readonly invocationId: string;
  readonly deliveryCount: number;
}

export interface MoveInvocation extends MoveDelivery {
  /**
   * Who holds the account's lease while this message is worked on: the message itself, not the
   * invocation. Service Bus redelivers a message only once its lock is gone (the host renews it
   * while an invocation lives), so a redelivery takes the lease over at once from an invocation
   * that died with it, instead of waiting out a lease that outlives its holder.
   */
  readonly leaseOwner: string;
}

export type MoveResult =
  | "stale"
  | "busy"
  /** Its slice sent again under a new message: the invocation that worked it had died. */
  | "recovered"
  | "continued"
  | "scheduled"
  | "synced"
  | "completed"
  | "failed"
  /** Handed to Exchange, which moves the mailbox; a watcher follows it from here. */
  | "submitted";

/** One message's work for one claimed account. */
export interface MoveWork {
  readonly services: MoverPorts;
  /** Claimed by this invocation: the engine writes it under its ETag. */
  readonly account: Account;
  readonly wave: Wave;
  readonly message: MoveMessage;
  readonly invocation: MoveInvocation;
  readonly log: Logger;
}

export interface MoveEngine {
  /**
   * Does the message's work. Permanent problems are thrown as PermanentTransferError or
   * MoveFailedError (the account ends Failed with the class), a service's request to wait as
   * ThrottledError (the message comes back then); anything else is redelivered.
   */
  move(work: MoveWork): Promise<MoveResult>;
  /**
   * Whether an account that is Queued, Syncing or Completing waits for a `moves` message. The
   * sweeper re-sends a lost message only to those: a hybrid account Exchange is moving waits for
   * nothing from the queue.
   */
  awaitsMessage(account: Account): boolean;
}
