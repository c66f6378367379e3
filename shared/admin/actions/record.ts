import { randomUUID } from "node:crypto";
import { asError } from "../../errors.js";
import type { Logger } from "../../telemetry/logger.js";
import type { OperatorAction, OperatorActionKind, OperatorActionLog, OperatorActionOutcome } from "./port.js";

/** Who is acting, and through what. */
export interface Operator {
  readonly actor: string;
  readonly via: "http" | "cli";
}

/** What a change is about to do. */
export interface ActionDraft {
  readonly action: OperatorActionKind;
  readonly target: string;
  readonly filter: Readonly<Record<string, unknown>>;
}

/** Counts what a change has done so far, so an interrupted or failed change is recorded truly. */
export interface ActionProgress {
  count: number;
}

/** How a change ended, as its record should say. */
export interface ActionEnding {
  readonly outcome: Exclude<OperatorActionOutcome, "started" | "failed">;
  readonly detail?: string;
}

export interface RecordingPorts {
  readonly operatorActions: OperatorActionLog;
  readonly logger: Logger;
  now(): Date;
}

/**
 * Runs a change between two writes of its record: `started` before anything changes, then the
 * outcome and count. If the change throws, the record says `failed` with what was done so far.
 */
export async function recordAction<T>(
  ports: RecordingPorts,
  operator: Operator,
  draft: ActionDraft,
  work: (progress: ActionProgress) => Promise<T>,
  ending: (result: T) => ActionEnding,
): Promise<{ readonly result: T; readonly actionId: string }> {
  const started: OperatorAction = {
    id: randomUUID(),
    at: ports.now().toISOString(),
    actor: operator.actor,
    via: operator.via,
    action: draft.action,
    target: draft.target,
    filter: draft.filter,
    count: 0,
    outcome: "started",
  };
  await ports.operatorActions.put(started);
  const progress: ActionProgress = { count: 0 };
  let result: T;
  try {
    result = await work(progress);
  } catch (error) {
    await ports.operatorActions
      .put({
        ...started,
        count: progress.count,
        outcome: "failed",
        detail: asError(error).message.slice(0, 1000),
        finishedAt: ports.now().toISOString(),
      })
      .catch((recordError: unknown) =>
        ports.logger.error("could not record a failed operator action", {
          actionId: started.id,
          error: recordError,
        }),
      );
    throw error;
  }
  const end = ending(result);
  await ports.operatorActions.put({
    ...started,
    count: progress.count,
    outcome: end.outcome,
    ...(end.detail !== undefined ? { detail: end.detail } : {}),
    finishedAt: ports.now().toISOString(),
  });
  ports.logger.info("operator action", {
    actionId: started.id,
    actor: operator.actor,
    action: draft.action,
    target: draft.target,
    count: progress.count,
    outcome: end.outcome,
  });
  return { result, actionId: started.id };
}
