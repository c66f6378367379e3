import type { Account } from "../domain/index.js";
import { PermanentTransferError } from "../transfer/errors.js";
import type { MailboxApi } from "../transfer/mailbox-api.js";
import type { MoveCheckpoint } from "./checkpoint.js";
import { withTransientRetry } from "../transfer/retry.js";

/** Time pre-flight's Graph reads may spend on retries of transient failures. */
const PREFLIGHT_BUDGET_MS = 30_000;

/**
 * Checks an account before any content moves: both users exist, the target is licensed, and both
 * have mailboxes. Problems are permanent failures with a class operators can act on.
 */
export async function preflight(
  account: Account,
  source: MailboxApi,
  target: MailboxApi,
): Promise<MoveCheckpoint> {
  const deadline = Date.now() + PREFLIGHT_BUDGET_MS;
  const [sourceUser, targetUser] = await Promise.all([
    withTransientRetry(() => source.findUser(account.source.objectId ?? account.source.upn), deadline),
    withTransientRetry(() => target.findUser(account.target.objectId ?? account.target.upn), deadline),
  ]);
  if (!sourceUser) {
    throw new PermanentTransferError(
      "SourceUserNotFound",
      "the source tenant has no such user",
      "Request_ResourceNotFound",
    );
  }
  if (!targetUser) {
    throw new PermanentTransferError(
      "TargetUserNotFound",
      "the target tenant has no such user",
      "Request_ResourceNotFound",
    );
  }
  if ((targetUser.assignedLicenses ?? []).length === 0) {
    throw new PermanentTransferError(
      "TargetNotLicensed",
      "the target user has no licence, so Exchange Online gives it no mailbox",
      "NoLicense",
    );
  }
  const [sourceMailbox, targetMailbox] = await Promise.all([
    withTransientRetry(() => source.mailboxIds(sourceUser.id, false), deadline),
    withTransientRetry(() => target.mailboxIds(targetUser.id, false), deadline),
  ]);
  if (!sourceMailbox?.primaryMailboxId) {
    throw new PermanentTransferError("MailboxNotFound", "the source user has no mailbox", "MailboxNotFound");
  }
  if (!targetMailbox?.primaryMailboxId) {
    throw new PermanentTransferError("MailboxNotFound", "the target user has no mailbox", "MailboxNotFound");
  }
  return {
    v: 1,
    sourceUserId: sourceUser.id,
    targetUserId: targetUser.id,
    sourceMailboxId: sourceMailbox.primaryMailboxId,
    targetMailboxId: targetMailbox.primaryMailboxId,
    round: 0,
    pendingPass: false,
  };
}
