/**
 * One account as an operator needs to see it: where it stands, what was copied, which items were
 * skipped, and every status change it went through.
 */
import type { Account, AuditRecord } from "../domain/index.js";
import { mailboxKey, type BadItemRecord } from "../transfer/state/port.js";
import { readCheckpoint } from "../mover/checkpoint.js";
import { readHybridCheckpoint } from "../mover/hybrid/checkpoint.js";
import type { AdminPorts } from "./ports.js";
import { findAccount, userRow, type UserRow } from "./users.js";

/**
 * An account without its storage version and the engine's opaque resume point. Besides status and
 * progress it carries the cutover state: `round` (0 = initial copy, then one per incremental pass
 * or cutover), `syncedAt` (initial copy finished), and the account's own `completeAfter` and
 * `completeNow` when an operator set them.
 */
export type AccountView = Omit<Account, "etag" | "checkpoint"> & {
  readonly hasCheckpoint: boolean;
  /** What pre-flight and the first folder listing found, once they ran. */
  readonly preflight?: {
    /** Items the source held when its folders were listed (primary and archive). */
    readonly expectedItems?: number;
    readonly sourceArchive: boolean;
    readonly targetArchive: boolean;
    /** Finalize actions done in this attempt, and warnings they left. */
    readonly finalized: readonly string[];
    readonly warnings: readonly string[];
  };
  /** A hybrid account's move in Exchange, as the watcher last saw it. */
  readonly hybrid?: {
    readonly batch: string;
    readonly evening?: string;
    readonly completeAfter?: string;
    readonly exchangeStatus?: string;
    readonly statusDetail?: string;
    readonly percentComplete?: number;
    readonly score?: string;
    readonly approvedBy?: string;
    readonly waiting?: string;
    readonly removedAt?: string;
  };
};

/** The operator's view of an account (see AccountView). */
export function accountView(account: Account): AccountView {
  const { etag: _etag, checkpoint, ...rest } = account;
  const resolved = readCheckpoint(checkpoint);
  const hybrid = readHybridCheckpoint(checkpoint);
  return {
    ...rest,
    hasCheckpoint: checkpoint !== undefined,
    ...(hybrid
      ? {
          hybrid: {
            batch: hybrid.batch,
            ...(hybrid.evening !== undefined ? { evening: hybrid.evening } : {}),
            ...(hybrid.completeAfterSet !== undefined ? { completeAfter: hybrid.completeAfterSet } : {}),
            ...(hybrid.exchangeStatus !== undefined ? { exchangeStatus: hybrid.exchangeStatus } : {}),
            ...(hybrid.statusDetail !== undefined ? { statusDetail: hybrid.statusDetail } : {}),
            ...(hybrid.percentComplete !== undefined ? { percentComplete: hybrid.percentComplete } : {}),
            ...(hybrid.score !== undefined ? { score: hybrid.score } : {}),
            ...(hybrid.approvedBy !== undefined ? { approvedBy: hybrid.approvedBy } : {}),
            ...(hybrid.waiting !== undefined ? { waiting: hybrid.waiting } : {}),
            ...(hybrid.removedAt !== undefined ? { removedAt: hybrid.removedAt } : {}),
          },
        }
      : {}),
    ...(resolved
      ? {
          preflight: {
            ...(resolved.expectedItems === undefined ? {} : { expectedItems: resolved.expectedItems }),
            sourceArchive: resolved.sourceArchiveMailboxId !== undefined,
            targetArchive: resolved.targetArchiveMailboxId !== undefined,
            finalized: resolved.finalized,
            warnings: resolved.warnings,
          },
        }
      : {}),
  };
}

export interface AccountDetail {
  readonly account: AccountView;
  /** The account's per-user statistics, as `wave users` lists them. */
  readonly user: UserRow;
  readonly history: readonly AuditRecord[];
  /** Items skipped in the primary and the archive mailbox. */
  readonly badItems: readonly (BadItemRecord & { readonly mailbox: "primary" | "archive" })[];
}

/**
 * Reads an account, found by id, source UPN or target UPN, with its statistics, audit trail and
 * skipped items (NotFoundError when unknown).
 */
export async function accountDetail(ports: AdminPorts, key: string): Promise<AccountDetail> {
  const account = await findAccount(ports, key);
  const accountId = account.id;
  const wave = await ports.store.waves.find(account.waveId);
  const [history, primary, archive] = await Promise.all([
    ports.store.accounts.history(accountId),
    ports.transferState.listBadItems(mailboxKey(accountId, "primary")),
    ports.transferState.listBadItems(mailboxKey(accountId, "archive")),
  ]);
  return {
    account: accountView(account),
    // A wave removed since still leaves the account's own figures to show.
    user: userRow(account, wave ?? { engine: "graph", badItemLimit: Number.MAX_SAFE_INTEGER }, ports.now()),
    history,
    badItems: [
      ...primary.map((item) => ({ ...item, mailbox: "primary" as const })),
      ...archive.map((item) => ({ ...item, mailbox: "archive" as const })),
    ],
  };
}
