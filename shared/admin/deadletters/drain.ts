/**
 * Replay and purge of dead-lettered `moves` messages. A dry run browses and counts; a replay or
 * purge is recorded before it starts and when it ends (with how many messages it moved, also
 * when it was stopped part-way). A purge must be confirmed with the count a dry run showed, and
 * never removes more than that, even if more matching messages arrive meanwhile.
 */
import type { DrainResult, DrainedMessage } from "../../bus/deadletter.js";
import { ConfirmationMismatchError } from "../errors.js";
import { recordAction, type Operator } from "../actions/record.js";
import type { AdminPorts } from "../ports.js";
import { DEFAULT_DRAIN, type DeadLetterFilter, type PurgeRequest, type ReplayRequest } from "../requests.js";
import { targetDiagnosis } from "./diagnose.js";
import { filterOf, matchesFilter, viewDeadLetter, type DeadLetterView } from "./view.js";

/** Most message outcomes a report lists one by one (the counts cover the rest). */
const LISTED = 1000;

export interface DrainReport {
  readonly queue: string;
  readonly dryRun: boolean;
  /** Messages in the selection (a dry run counts them; up to `max`). */
  readonly matched: number;
  /** Messages replayed or purged. */
  readonly done: number;
  /** Stopped on request before the selection was exhausted. */
  readonly stopped: boolean;
  /** `max` was reached; more matching messages may remain. */
  readonly more: boolean;
  /** The messages (the first 1000), with the MessageId of the re-sent copy for a replay. */
  readonly messages: readonly (DrainedMessage | Pick<DeadLetterView, "sequenceNumber" | "messageId">)[];
  readonly actionId?: string;
}

export interface DrainCallbacks {
  readonly signal?: AbortSignal;
  /** Called after each message with how many are done. */
  readonly onMessage?: (done: number, message: DrainedMessage) => void;
}

async function countMatching(
  ports: AdminPorts,
  filter: DeadLetterFilter,
  max: number,
): Promise<{
  matched: number;
  examples: Pick<DeadLetterView, "sequenceNumber" | "messageId">[];
  more: boolean;
}> {
  let matched = 0;
  const examples: Pick<DeadLetterView, "sequenceNumber" | "messageId">[] = [];
  const diagnose = targetDiagnosis(ports.store);
  for await (const message of ports.deadLetters.browse()) {
    const view = await diagnose(viewDeadLetter(message));
    if (!matchesFilter(view, filter)) continue;
    if (matched >= max) return { matched, examples, more: true };
    matched += 1;
    if (examples.length < LISTED)
      examples.push({ sequenceNumber: view.sequenceNumber, messageId: view.messageId });
  }
  return { matched, examples, more: false };
}

function dryRunReport(ports: AdminPorts, counted: Awaited<ReturnType<typeof countMatching>>): DrainReport {
  return {
    queue: ports.deadLetters.queueName,
    dryRun: true,
    matched: counted.matched,
    done: 0,
    stopped: false,
    more: counted.more,
    messages: counted.examples,
  };
}

function report(ports: AdminPorts, result: DrainResult, actionId: string, capped: boolean): DrainReport {
  return {
    queue: ports.deadLetters.queueName,
    dryRun: false,
    matched: result.drained.length,
    done: result.drained.length,
    stopped: result.stopped,
    more: capped && result.reachedMax,
    messages: result.drained.slice(0, LISTED),
    actionId,
  };
}

function replayEnding(result: DrainResult): { outcome: "completed" | "stopped"; detail?: string } {
  if (result.stopped)
    return { outcome: "stopped", detail: `stopped after ${result.drained.length} messages` };
  return result.reachedMax
    ? { outcome: "completed", detail: "reached max; more matching messages may remain" }
    : { outcome: "completed" };
}

function purgeEnding(result: DrainResult): { outcome: "completed" | "stopped"; detail?: string } {
  return result.stopped
    ? { outcome: "stopped", detail: `stopped after ${result.drained.length} messages` }
    : { outcome: "completed" };
}

/** Replays the selected dead-lettered messages to `moves`, or counts them in a dry run. */
export async function replayDeadLetters(
  ports: AdminPorts,
  request: ReplayRequest,
  operator: Operator,
  callbacks: DrainCallbacks = {},
): Promise<DrainReport> {
  const filter = filterOf(request);
  const max = request.max ?? DEFAULT_DRAIN;
  if (request.dryRun === true) return dryRunReport(ports, await countMatching(ports, filter, max));
  const { result, actionId } = await recordAction(
    ports,
    operator,
    {
      action: "deadletter.replay",
      target: `queue ${ports.deadLetters.queueName}`,
      filter: {
        ...filter,
        all: request.all === true,
        max,
        ...(request.ratePerSecond ? { ratePerSecond: request.ratePerSecond } : {}),
      },
    },
    (progress) => {
      const diagnose = targetDiagnosis(ports.store);
      return ports.deadLetters.replay({
        match: async (message) => matchesFilter(await diagnose(viewDeadLetter(message)), filter),
        max,
        ...(request.ratePerSecond !== undefined ? { ratePerSecond: request.ratePerSecond } : {}),
        ...(callbacks.signal !== undefined ? { signal: callbacks.signal } : {}),
        onMessage: (message) => {
          progress.count += 1;
          callbacks.onMessage?.(progress.count, message);
        },
      });
    },
    replayEnding,
  );
  return report(ports, result, actionId, true);
}

/**
 * Purges the selected dead-lettered messages for good. Unless it is a dry run, the request must
 * confirm the number of messages it expects to remove; if the selection holds another number now,
 * nothing is removed (ConfirmationMismatchError).
 */
export async function purgeDeadLetters(
  ports: AdminPorts,
  request: PurgeRequest,
  operator: Operator,
  callbacks: DrainCallbacks = {},
): Promise<DrainReport> {
  const filter = filterOf(request);
  const counted = await countMatching(ports, filter, Number.MAX_SAFE_INTEGER);
  if (request.dryRun === true) return dryRunReport(ports, counted);
  const expected = request.expectedCount ?? -1;
  if (counted.matched !== expected) throw new ConfirmationMismatchError(expected, counted.matched);
  if (expected === 0) {
    return {
      queue: ports.deadLetters.queueName,
      dryRun: false,
      matched: 0,
      done: 0,
      stopped: false,
      more: false,
      messages: [],
    };
  }
  const { result, actionId } = await recordAction(
    ports,
    operator,
    {
      action: "deadletter.purge",
      target: `queue ${ports.deadLetters.queueName}`,
      filter: { ...filter, all: request.all === true, expectedCount: expected },
    },
    (progress) => {
      const diagnose = targetDiagnosis(ports.store);
      return ports.deadLetters.purge({
        match: async (message) => matchesFilter(await diagnose(viewDeadLetter(message)), filter),
        max: expected,
        ...(callbacks.signal !== undefined ? { signal: callbacks.signal } : {}),
        onMessage: (message) => {
          progress.count += 1;
          callbacks.onMessage?.(progress.count, message);
        },
      });
    },
    purgeEnding,
  );
  return report(ports, result, actionId, false);
}
