/**
 * Admin API operations that only read (role Migration.Reader or Migration.Operator).
 */
import { accountDetail } from "../account.js";
import { failureGroups } from "../failures.js";
import { listDeadLetters, showDeadLetter } from "../deadletters/list.js";
import { waveReport } from "../report.js";
import { waveStatus } from "../status.js";
import {
  accountParams,
  actionsQuery,
  deadLetterListQuery,
  deadLetterParams,
  failuresQuery,
  noQuery,
  reportParams,
  reportQuery,
  statusQuery,
  usersQuery,
} from "../requests.js";
import { waveUsers } from "../users.js";
import type { AdminOperation } from "./http.js";
import { ok } from "./respond.js";

/** GET ops/status[?wave=]: every wave (or one) with counts, pace, failure rate and ETAs. */
export const statusOperation: AdminOperation = {
  access: "read",
  async handle({ ports, query }) {
    const { wave } = query(statusQuery);
    return ok(await waveStatus(ports, wave));
  },
};

/** GET ops/accounts/{accountId}: state, progress, bad items and history of one account. */
export const accountOperation: AdminOperation = {
  access: "read",
  async handle({ ports, params, query }) {
    const { accountId } = params(accountParams);
    query(noQuery);
    return ok(await accountDetail(ports, accountId));
  },
};

/** GET ops/failures[?wave=&examples=]: failed accounts grouped by class and reason. */
export const failuresOperation: AdminOperation = {
  access: "read",
  async handle({ ports, query }) {
    const { wave, examples } = query(failuresQuery);
    return ok(
      await failureGroups(ports, {
        ...(wave !== undefined ? { waveId: wave } : {}),
        ...(examples !== undefined ? { examples } : {}),
      }),
    );
  },
};

/** GET ops/deadletters[?groupBy=&filters]: the dead-letter queue grouped. */
export const deadLettersOperation: AdminOperation = {
  access: "read",
  async handle({ ports, query }) {
    return ok(await listDeadLetters(ports, query(deadLetterListQuery)));
  },
};

/** GET ops/deadletters/{sequenceNumber}: one dead-lettered message with its body. */
export const deadLetterOperation: AdminOperation = {
  access: "read",
  async handle({ ports, params, query }) {
    const { sequenceNumber } = params(deadLetterParams);
    query(noQuery);
    return ok(await showDeadLetter(ports, sequenceNumber));
  },
};

/** GET ops/waves/{waveId}/report[?status=]: the wave's accounts as CSV. */
export const reportOperation: AdminOperation = {
  access: "read",
  async handle({ ports, params, query }) {
    const { waveId } = params(reportParams);
    const { status } = query(reportQuery);
    let csv = "";
    for await (const line of waveReport(ports, waveId, status)) csv += line;
    return {
      status: 200,
      body: csv,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${waveId}-accounts.csv"`,
      },
    };
  },
};

/**
 * GET ops/waves/{waveId}/users[?status=&sort=&descending=&stalled=&search=&offset=&limit=]: the
 * wave's accounts with their per-user statistics, filtered, sorted and paged (100 by default).
 */
export const usersOperation: AdminOperation = {
  access: "read",
  async handle({ ports, params, query }) {
    const { waveId } = params(reportParams);
    const request = query(usersQuery);
    return ok(await waveUsers(ports, waveId, { limit: 100, ...request }));
  },
};

/** GET ops/actions[?limit=]: the latest operator actions, newest first. */
export const actionsOperation: AdminOperation = {
  access: "read",
  async handle({ ports, query }) {
    const { limit } = query(actionsQuery);
    return ok({ actions: await ports.operatorActions.list(limit ?? 50) });
  },
};
