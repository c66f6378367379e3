/**
 * "Complete now" and "complete after" for one account, like Exchange's CompleteAfter per mailbox:
 * without a time the account's `completeNow` is set to now (it is cut over as soon as it is
 * synced, window or not); with a time its `completeAfter` is set (no cutover before it). Each
 * replaces the other (the latest word counts). The account's own settings override its wave's. Accounts that are done or
 * off the path (Completed, CompletedWithWarnings, Failed, Stopped, Skipped) are refused. The write
 * is conditional on the account's version and is tried once more when someone else changed the
 * account in between. Every call is recorded, refused ones included.
 */
import type { Account, AccountStatus } from "../domain/index.js";
import { isConflict } from "../store/errors.js";
import { accountView, type AccountView } from "./account.js";
import { recordAction, type Operator } from "./actions/record.js";
import { completeHybridAccount } from "./hybrid.js";
import { AccountClosedError } from "./errors.js";
import type { AdminPorts } from "./ports.js";
import type { AccountCompleteBody } from "./requests.js";

/** Writes that collide with another writer are tried this often in all before the error is raised. */
const TRIES = 2;

/** Statuses in which an account cannot be completed, with what the operator may do instead. */
const REFUSED: Readonly<Partial<Record<AccountStatus, string>>> = {
  Completed: "it is cut over already",
  CompletedWithWarnings: "it is cut over already",
  Failed: "retry it first (mailferry retry)",
  Stopped: "it was stopped; queue it again first",
  Skipped: "it is excluded from the migration",
};

/** Whether an account in `status` may be given a completion time. */
export function canComplete(status: AccountStatus): boolean {
  return REFUSED[status] === undefined;
}

export interface AccountCompletion {
  readonly account: AccountView;
  /** `now`: completeNow was set; `after`: completeAfter was set. */
  readonly mode: "now" | "after";
  readonly actionId: string;
}

async function setCompletion(ports: AdminPorts, accountId: string, at: string | undefined): Promise<Account> {
  for (let attempt = 1; ; attempt++) {
    const now = ports.now();
    const account = await ports.store.accounts.get(accountId);
    const refusal = REFUSED[account.status];
    if (refusal !== undefined) throw new AccountClosedError(accountId, account.status, "complete", refusal);
    try {
      return await ports.store.accounts.updateProgress(
        accountId,
        account.etag,
        at === undefined
          ? { completeNow: now.toISOString(), completeAfter: null, at: now }
          : { completeAfter: new Date(at).toISOString(), completeNow: null, at: now },
      );
    } catch (error) {
      // A worker recorded progress between the read and the write: read it again and decide again.
      if (!isConflict(error) || attempt >= TRIES) throw error;
    }
  }
}

/** Sets an account's "complete now" (no `at`) or "complete after" (`at`), for an operator. */
export async function completeAccount(
  ports: AdminPorts,
  accountId: string,
  body: AccountCompleteBody,
  operator: Operator,
): Promise<AccountCompletion> {
  const mode = body.at === undefined ? "now" : "after";
  const { result, actionId } = await recordAction(
    ports,
    operator,
    {
      action: "account.complete",
      target: `account ${accountId}`,
      filter: {
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.at !== undefined ? { at: body.at } : {}),
      },
    },
    async (progress) => {
      const account = await setCompletion(ports, accountId, body.at);
      progress.count = 1;
      // A hybrid account's move is completed by Exchange: its CompleteAfter there changes too.
      return completeHybridAccount(ports, account);
    },
    (account) => ({
      outcome: "completed",
      detail:
        mode === "now"
          ? `complete now from ${account.completeNow ?? "-"}`
          : `complete after ${account.completeAfter ?? "-"}`,
    }),
  );
  return { account: accountView(result), mode, actionId };
}
