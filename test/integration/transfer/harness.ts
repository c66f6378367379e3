/**
 * The transfer engine against the Graph simulator, without the rest of the pipeline: one
 * simulator per suite, the real Graph adapters, and in-memory transfer state per mailbox.
 */
import { afterAll, beforeAll } from "vitest";
import {
  startGraphSimulator,
  type GraphSimulator,
  type GraphSimulatorOptions,
  type SimulatedAccount,
} from "@mailferry/azure-local/graph";
import { readGraphSettings } from "../../../shared/config/graph.js";
import { closeGraphTransports } from "../../../shared/graph/client.js";
import { MailboxGovernor, PUBLISHED_LIMITS } from "../../../shared/graph/governor.js";
import { createMailboxApi } from "../../../shared/runtime/create.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { runTransferSlice, type SliceOutcome, type SliceRequest } from "../../../shared/transfer/engine.js";
import type { MailboxApi } from "../../../shared/graph/mailbox-api.js";
import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";

export interface TransferHarness {
  readonly graph: GraphSimulator;
  readonly source: MailboxApi;
  readonly target: MailboxApi;
}

/** Starts a simulator for the suite (closed after it) and returns its handles once started. */
export function useTransferHarness(options: GraphSimulatorOptions): () => TransferHarness {
  let harness: TransferHarness | undefined;
  beforeAll(async () => {
    const graph = await startGraphSimulator({ plantTrouble: false, logger: silentLogger, ...options });
    const settings = readGraphSettings(graph.settings());
    harness = { graph, source: createMailboxApi(settings.source), target: createMailboxApi(settings.target) };
  });
  afterAll(async () => {
    await harness?.graph.close();
    await closeGraphTransports();
  });
  return () => {
    if (!harness) throw new Error("the transfer harness has not started");
    return harness;
  };
}

/** Runs slices of `request` until the pass is done, and returns the last outcome. */
export async function untilDone(request: () => SliceRequest): Promise<SliceOutcome> {
  let outcome = await runTransferSlice(request());
  while (outcome.kind !== "done") outcome = await runTransferSlice(request());
  return outcome;
}

/**
 * One account's mailboxes, and slice requests over them with fresh governors: the primaries, or
 * with `archive` the in-place archives (through beta, the only version that serves them).
 */
export async function mailboxPair(
  harness: TransferHarness,
  entry: SimulatedAccount,
  options: { readonly archive?: boolean } = {},
): Promise<{
  readonly sourceMailboxId: string;
  readonly targetMailboxId: string;
  readonly state: InMemoryTransferState;
  readonly request: (deadline: number, extra?: Partial<SliceRequest>) => SliceRequest;
}> {
  const archive = options.archive === true;
  const source = archive ? harness.source.forArchives() : harness.source;
  const target = archive ? harness.target.forArchives() : harness.target;
  const [sourceUser, targetUser] = [
    await source.findUser(entry.sourceUpn),
    await target.findUser(entry.targetUpn),
  ];
  const sourceIds = sourceUser && (await source.mailboxIds(sourceUser.id, archive));
  const targetIds = targetUser && (await target.mailboxIds(targetUser.id, archive));
  if (!sourceIds || !targetIds) throw new Error(`no mailboxes for ${entry.sourceUpn}`);
  const sourceMailboxId = archive ? (sourceIds.inPlaceArchiveMailboxId ?? "") : sourceIds.primaryMailboxId;
  const targetMailboxId = archive ? (targetIds.inPlaceArchiveMailboxId ?? "") : targetIds.primaryMailboxId;
  if (!sourceMailboxId || !targetMailboxId) throw new Error(`no archives for ${entry.sourceUpn}`);
  const state = new InMemoryTransferState();
  return {
    sourceMailboxId,
    targetMailboxId,
    state,
    request: (deadline, extra = {}) => ({
      source: {
        api: source,
        mailboxId: sourceMailboxId,
        governor: new MailboxGovernor(PUBLISHED_LIMITS),
      },
      target: {
        api: target,
        mailboxId: targetMailboxId,
        governor: new MailboxGovernor(PUBLISHED_LIMITS),
      },
      key: entry.sourceUpn,
      state,
      deadline,
      now: () => new Date(),
      round: 0,
      largeItemBytes: 150 * 1024 * 1024,
      logger: silentLogger,
      ...extra,
    }),
  };
}
