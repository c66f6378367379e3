/**
 * Which step of an account's move a failure class belongs to. Pre-flight failures (a user, a
 * licence, a mailbox or an archive missing; for hybrid waves the mail user, its GUIDs, the
 * endpoint) are found before any content moves and usually come from the inventory or the tenant's
 * set-up, not from the migration's health: alerts and status count them apart.
 */
const PREFLIGHT_FAILURE_CLASSES: ReadonlySet<string> = new Set([
  // Graph engine: pre-flight and the licence assignment before it.
  "SourceUserNotFound",
  "TargetUserNotFound",
  "TargetNotLicensed",
  "MailboxNotFound",
  "TargetArchiveMissing",
  "UsageLocationMissing",
  "LicenceAssignmentFailed",
  "OutsideApplicationScope",
  // Hybrid engine: the checks before a move request is made.
  "MailUserNotFound",
  "TargetAlreadyMailbox",
  "ExchangeGuidMissing",
  "ExchangeGuidMismatch",
  "ArchiveGuidMissing",
  "ArchiveGuidMismatch",
  "MoveAlreadyExists",
  "MigrationEndpointUnavailable",
  "MigrationEndpointNotFound",
  "ExchangeNotConfigured",
]);

/** Whether a failure class is one found in pre-flight, before any content moved. */
export function isPreflightFailure(failureClass: string | undefined): boolean {
  return failureClass !== undefined && PREFLIGHT_FAILURE_CLASSES.has(failureClass);
}
