/**
 * The dead-letter queue grouped for operators: by reason and description (the default), by wave
 * or by account, with counts, first and last enqueue time and a few examples. Browsing peeks, so
 * listing never takes a lock or changes a delivery count.
 */
import { DeadLetterNotFoundError } from "../errors.js";
import type { AdminPorts } from "../ports.js";
import type { DeadLetterListRequest } from "../requests.js";
import { targetDiagnosis } from "./diagnose.js";
import { detailOf, filterOf, matchesFilter, viewDeadLetter, type DeadLetterDetail } from "./view.js";

/** Most messages one listing reads; a larger sub-queue is reported as truncated. */
export const MAX_SCAN = 100_000;

export interface DeadLetterExample {
  readonly sequenceNumber: number;
  readonly messageId: string;
  readonly enqueuedAt?: string;
  readonly accountId?: string;
}

export interface DeadLetterGroup {
  /** The group's key: the group id (by reason), the wave id or the account id. */
  readonly key: string;
  readonly reason?: string;
  readonly description?: string;
  readonly count: number;
  readonly firstAt?: string;
  readonly lastAt?: string;
  readonly examples: readonly DeadLetterExample[];
}

export interface DeadLetterListing {
  readonly queue: string;
  readonly groupBy: "reason" | "wave" | "account";
  /** Messages read. */
  readonly scanned: number;
  /** Messages in the selection. */
  readonly matched: number;
  /** The sub-queue held more than MAX_SCAN messages; the rest were not read. */
  readonly truncated: boolean;
  readonly groups: readonly DeadLetterGroup[];
}

interface Building {
  reason?: string;
  description?: string;
  count: number;
  firstAt?: string;
  lastAt?: string;
  examples: DeadLetterExample[];
}

/** Lists the dead-letter queue grouped, within the request's filter. */
export async function listDeadLetters(
  ports: AdminPorts,
  request: DeadLetterListRequest = {},
): Promise<DeadLetterListing> {
  const groupBy = request.groupBy ?? "reason";
  const examples = request.examples ?? 3;
  const filter = filterOf(request);
  const groups = new Map<string, Building>();
  let scanned = 0;
  let matched = 0;
  let truncated = false;
  const diagnose = targetDiagnosis(ports.store);
  for await (const message of ports.deadLetters.browse()) {
    if (scanned >= MAX_SCAN) {
      truncated = true;
      break;
    }
    scanned += 1;
    const view = await diagnose(viewDeadLetter(message));
    if (!matchesFilter(view, filter)) continue;
    matched += 1;
    const key =
      groupBy === "reason"
        ? view.group
        : groupBy === "wave"
          ? (view.waveId ?? "(unknown wave)")
          : (view.accountId ?? "(unknown account)");
    let group = groups.get(key);
    if (group === undefined) {
      group =
        groupBy === "reason"
          ? { reason: view.reason, description: view.description, count: 0, examples: [] }
          : { count: 0, examples: [] };
      groups.set(key, group);
    }
    group.count += 1;
    if (view.enqueuedAt !== undefined) {
      if (group.firstAt === undefined || view.enqueuedAt < group.firstAt) group.firstAt = view.enqueuedAt;
      if (group.lastAt === undefined || view.enqueuedAt > group.lastAt) group.lastAt = view.enqueuedAt;
    }
    if (group.examples.length < examples) {
      group.examples.push({
        sequenceNumber: view.sequenceNumber,
        messageId: view.messageId,
        ...(view.enqueuedAt !== undefined ? { enqueuedAt: view.enqueuedAt } : {}),
        ...(view.accountId !== undefined ? { accountId: view.accountId } : {}),
      });
    }
  }
  return {
    queue: ports.deadLetters.queueName,
    groupBy,
    scanned,
    matched,
    truncated,
    groups: [...groups.entries()]
      .map(([key, group]) => ({ key, ...group }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
  };
}

/** One dead-lettered message with its body and properties (DeadLetterNotFoundError if absent). */
export async function showDeadLetter(ports: AdminPorts, sequenceNumber: number): Promise<DeadLetterDetail> {
  const message = await ports.deadLetters.find(sequenceNumber);
  if (message === undefined) throw new DeadLetterNotFoundError(ports.deadLetters.queueName, sequenceNumber);
  const detail = detailOf(message);
  return { ...detail, ...(await targetDiagnosis(ports.store)(detail)) };
}
