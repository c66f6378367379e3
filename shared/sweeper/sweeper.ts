/**
 * The sweeper (a timer): repairs what a crash can leave behind. An account that is Queued,
 * Syncing or Completing, holds no live lease, and has not been written for a while has lost its
 * message (a crash between the write and the send, or a message that expired): its next slice
 * is sent again. Duplicates are harmless: MessageId dedup drops them inside the window, and the
 * mover ignores a slice the account has already passed.
 */
import { nextMoveMessage } from "../bus/messages.js";
import { hasLiveLease, type Account, type AccountStatus } from "../domain/index.js";
import { moveEngineFor } from "../mover/engines/index.js";
import type { MoveQueue } from "../bus/port.js";
import type { PipelineSettings } from "../config/index.js";
import type { MigrationStore } from "../store/port.js";
import type { Logger } from "../telemetry/logger.js";

/** Statuses in which an account waits for a message; Synced rests until the scheduler picks it. */
const SWEPT: readonly AccountStatus[] = ["Queued", "Syncing", "Completing"];

/** What the sweeper works with. */
export interface SweeperPorts {
  readonly store: MigrationStore;
  readonly moves: MoveQueue;
  readonly pipeline: PipelineSettings;
  readonly logger: Logger;
  now(): Date;
}

/** Re-sends the next slice of every stuck account; returns how many were re-sent. */
export async function runSweeper(services: SweeperPorts): Promise<number> {
  const now = services.now();
  const cutoff = now.getTime() - services.pipeline.requeueAfterMs;
  let resent = 0;
  for (const wave of await services.store.waves.list()) {
    if (wave.status === "Completed" || wave.status === "Cancelled") continue;
    // Only accounts that wait for a message lost one: Exchange moving a hybrid account needs none.
    const engine = moveEngineFor(wave);
    for (const status of SWEPT) {
      const stuck: Account[] = [];
      let token: string | undefined;
      do {
        const page = await services.store.accounts.listByStatus(wave.id, status, {
          limit: 500,
          ...(token ? { continuationToken: token } : {}),
        });
        for (const account of page.items) {
          if (
            !hasLiveLease(account, now) &&
            Date.parse(account.updatedAt) < cutoff &&
            engine.awaitsMessage(account)
          )
            stuck.push(account);
        }
        token = page.continuationToken;
      } while (token);
      if (stuck.length === 0) continue;
      // One id per sweep interval: re-sends within an interval still deduplicate.
      const resend = Math.max(1, Math.floor(now.getTime() / services.pipeline.requeueAfterMs));
      const messages = stuck.map((account) => nextMoveMessage(account, resend));
      await services.moves.send(messages);
      resent += messages.length;
      services.logger.warn("sweeper re-sent stuck accounts", {
        waveId: wave.id,
        status,
        count: messages.length,
      });
    }
  }
  return resent;
}
