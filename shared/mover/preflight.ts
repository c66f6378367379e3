import type { Account, WaveRecord } from "../domain/index.js";
import { MailboxProvisioningError, PermanentTransferError } from "../graph/errors.js";
import type { UserDirectory } from "../graph/port.js";
import type { MoveCheckpoint } from "./checkpoint.js";
import { withTransientRetry } from "../graph/retry.js";

/** Time pre-flight's Graph reads may spend on retries of transient failures. */
const PREFLIGHT_BUDGET_MS = 30_000;

/**
 * Checks an account before any content moves: both users exist, the target is licensed, both
 * have mailboxes, and the target has an archive when the source has one or the wave's age policy
 * needs one. Problems are permanent failures with a class operators can act on, found before the
 * cutover window. Archive mailbox ids come from beta, the only version that has them.
 */
export async function preflight(
  account: Account,
  wave: Pick<WaveRecord, "archiveAgeMonths">,
  source: UserDirectory,
  target: UserDirectory,
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
    withTransientRetry(() => source.mailboxIds(sourceUser.id, true), deadline),
    withTransientRetry(() => target.mailboxIds(targetUser.id, true), deadline),
  ]);
  if (!sourceMailbox?.primaryMailboxId) {
    throw new PermanentTransferError("MailboxNotFound", "the source user has no mailbox", "MailboxNotFound");
  }
  if (!targetMailbox?.primaryMailboxId) {
    // Licensed, yet no mailbox: Exchange Online provisions one minutes after a licence is assigned.
    // The mover looks again later, within a bound, instead of failing the account now.
    throw new MailboxProvisioningError("target");
  }
  const sourceArchive = sourceMailbox.inPlaceArchiveMailboxId ?? undefined;
  const targetArchive = targetMailbox.inPlaceArchiveMailboxId ?? undefined;
  if (targetArchive === undefined && (sourceArchive !== undefined || wave.archiveAgeMonths !== undefined)) {
    throw new PermanentTransferError(
      "TargetArchiveMissing",
      sourceArchive !== undefined
        ? "the source user has an archive but the target user has none; enable the target's archive first"
        : "the wave moves old items to the archive but the target user has none; enable the target's archive first",
      "ArchiveNotEnabled",
    );
  }
  return {
    v: 1,
    sourceUserId: sourceUser.id,
    targetUserId: targetUser.id,
    sourceMailboxId: sourceMailbox.primaryMailboxId,
    targetMailboxId: targetMailbox.primaryMailboxId,
    ...(sourceArchive === undefined ? {} : { sourceArchiveMailboxId: sourceArchive }),
    ...(targetArchive === undefined ? {} : { targetArchiveMailboxId: targetArchive }),
    finalized: [],
    warnings: [],
  };
}
