/**
 * The admin API's functions, in the order the local host matches their routes (literal segments
 * such as `deadletters/replay` are told apart from parameters by their methods).
 */
import type { FunctionDefinition } from "./definition.js";
import { adminAccountFunction } from "./admin-account.js";
import { adminAccountCompleteFunction } from "./admin-account-complete.js";
import { adminActionsFunction } from "./admin-actions.js";
import { adminDeadLetterFunction } from "./admin-deadletter.js";
import { adminDeadLettersFunction } from "./admin-deadletters.js";
import { adminFailuresFunction } from "./admin-failures.js";
import { adminPurgeFunction } from "./admin-purge.js";
import { adminReplayFunction } from "./admin-replay.js";
import { adminReportFunction } from "./admin-report.js";
import { adminRetryFunction } from "./admin-retry.js";
import { adminStatusFunction } from "./admin-status.js";
import { adminWaveFunction } from "./admin-wave.js";

export const ADMIN_FUNCTIONS: readonly FunctionDefinition[] = [
  adminStatusFunction,
  adminAccountFunction,
  adminAccountCompleteFunction,
  adminFailuresFunction,
  adminRetryFunction,
  adminDeadLettersFunction,
  adminReplayFunction,
  adminPurgeFunction,
  adminDeadLetterFunction,
  adminReportFunction,
  adminWaveFunction,
  adminActionsFunction,
];
