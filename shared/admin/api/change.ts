/**
 * Admin API operations that change something (role Migration.Operator). Each is recorded in the
 * operator-actions log by its use-case; dry runs change nothing and are not recorded.
 */
import { replayDeadLetters, purgeDeadLetters } from "../deadletters/drain.js";
import { RequestValidationError } from "../errors.js";
import { completeAccount } from "../complete.js";
import {
  accountCompleteBody,
  accountParams,
  purgeBody,
  replayBody,
  retryBody,
  waveOperationBody,
  waveOperationParams,
} from "../requests.js";
import { retryFailed } from "../retry.js";
import { changeWave } from "../waves.js";
import type { AdminOperation } from "./http.js";
import { ok } from "./respond.js";

/** POST ops/retry: Failed accounts by wave, list, class or group as a new attempt; dryRun lists them. */
export const retryOperation: AdminOperation = {
  access: "change",
  async handle({ ports, body, operator }) {
    return ok(await retryFailed(ports, await body(retryBody), operator));
  },
};

/** POST ops/deadletters/replay: re-sends the selected dead-lettered messages (at most `max`). */
export const replayOperation: AdminOperation = {
  access: "change",
  async handle({ ports, body, operator }) {
    return ok(await replayDeadLetters(ports, await body(replayBody), operator));
  },
};

/** POST ops/deadletters/purge: removes the selected messages; needs confirm and expectedCount. */
export const purgeOperation: AdminOperation = {
  access: "change",
  async handle({ ports, body, operator }) {
    return ok(await purgeDeadLetters(ports, await body(purgeBody), operator));
  },
};

/**
 * POST ops/waves/{waveId}/{pause|resume|cancel|complete}. Complete without `at` sets the wave's
 * completeNow (synced accounts are cut over at once, no window needed); with `at` its completeAfter.
 */
export const waveOperation: AdminOperation = {
  access: "change",
  async handle({ ports, params, body, operator }) {
    const { waveId, operation } = params(waveOperationParams);
    const input = await body(waveOperationBody);
    if (operation !== "complete" && input.at !== undefined) {
      throw new RequestValidationError([{ path: "body.at", message: "is only accepted by complete" }]);
    }
    const { wave, actionId } = await changeWave(ports, waveId, operation, input, operator);
    const { etag: _etag, ...shown } = wave;
    return ok({ wave: shown, actionId });
  },
};

/**
 * POST ops/accounts/{accountId}/complete with `{ at?, reason? }`: without `at` the account's
 * completeNow (cut over as soon as it is synced, window or not); with `at` its completeAfter.
 * Refused (409) for Completed, CompletedWithWarnings, Failed, Stopped and Skipped accounts.
 */
export const accountCompleteOperation: AdminOperation = {
  access: "change",
  async handle({ ports, params, body, operator }) {
    const { accountId } = params(accountParams);
    const input = await body(accountCompleteBody);
    return ok(await completeAccount(ports, accountId, input, operator));
  },
};
