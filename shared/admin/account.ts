/**
 * One account as an operator needs to see it: where it stands, what was copied, which items were
 * skipped, and every status change it went through.
 */
import type { Account, AuditRecord } from "../domain/index.js";
import { mailboxKey, type BadItemRecord } from "../transfer/state/port.js";
import type { AdminPorts } from "./ports.js";

/**
 * An account without its storage version and the engine's opaque resume point. Besides status and
 * progress it carries the cutover state: `round` (0 = initial copy, then one per incremental pass
 * or cutover), `syncedAt` (initial copy finished), and the account's own `completeAfter` and
 * `completeNow` when an operator set them.
 */
export type AccountView = Omit<Account, "etag" | "checkpoint"> & { readonly hasCheckpoint: boolean };

/** The operator's view of an account (see AccountView). */
export function accountView(account: Account): AccountView {
  const { etag: _etag, checkpoint, ...rest } = account;
  return { ...rest, hasCheckpoint: checkpoint !== undefined };
}

export interface AccountDetail {
  readonly account: AccountView;
  readonly history: readonly AuditRecord[];
  /** Items skipped in the primary and the archive mailbox. */
  readonly badItems: readonly (BadItemRecord & { readonly mailbox: "primary" | "archive" })[];
}

/** Reads an account, its audit trail and its skipped items (NotFoundError when unknown). */
export async function accountDetail(ports: AdminPorts, accountId: string): Promise<AccountDetail> {
  const account = await ports.store.accounts.get(accountId);
  const [history, primary, archive] = await Promise.all([
    ports.store.accounts.history(accountId),
    ports.transferState.listBadItems(mailboxKey(accountId, "primary")),
    ports.transferState.listBadItems(mailboxKey(accountId, "archive")),
  ]);
  return {
    account: accountView(account),
    history,
    badItems: [
      ...primary.map((item) => ({ ...item, mailbox: "primary" as const })),
      ...archive.map((item) => ({ ...item, mailbox: "archive" as const })),
    ],
  };
}
