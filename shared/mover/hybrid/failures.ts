/**
 * The hybrid engine's failure classes, each with the fix an Exchange administrator applies before
 * `mailferry retry --class <class>`. Failures Exchange's Mailbox Replication Service reports carry
 * its failure type as the class; their hints come from the type's ending (Transient, Permanent).
 */
export const HYBRID_FAILURES = {
  MailUserNotFound:
    "Exchange Online has no mail user for the account: synchronise the on-premises user with Entra Connect (it must be mail-enabled on premises), then retry",
  TargetAlreadyMailbox:
    "the user already has a mailbox in Exchange Online, so there is nothing to move into: remove that mailbox (or its licence-created mailbox) or leave the account out, then retry",
  ExchangeGuidMissing:
    "the Exchange Online mail user has no ExchangeGuid: synchronise the on-premises ExchangeGuid with Entra Connect, then retry",
  ExchangeGuidMismatch:
    "the Exchange Online mail user's ExchangeGuid is not the on-premises mailbox's: synchronise the on-premises ExchangeGuid with Entra Connect, then retry",
  ArchiveGuidMissing:
    "the mailbox has an archive but the Exchange Online mail user has no ArchiveGuid: synchronise the on-premises ArchiveGuid with Entra Connect, then retry",
  ArchiveGuidMismatch:
    "the Exchange Online mail user's ArchiveGuid is not the on-premises archive's: synchronise the on-premises ArchiveGuid with Entra Connect, then retry",
  MoveAlreadyExists:
    "Exchange Online already has a migration user for the account in a batch this wave did not make: let it finish or remove it (Remove-MigrationUser), then retry",
  TargetNotLicensed:
    "the wave requires a licence and the target user has none: assign one (with a usage location), then retry",
  MigrationEndpointUnavailable:
    "Exchange Online cannot reach the on-premises MRS proxy through the wave's migration endpoint: check the proxy, its certificate and the endpoint's credential (Test-MigrationServerAvailability -Endpoint), then retry",
  MigrationEndpointNotFound:
    "the wave's migration endpoint does not exist in Exchange Online: create it (mailferry endpoint create, or New-MigrationEndpoint), then retry",
  ExchangeNotConfigured:
    "hybrid waves need the EXCHANGE_* settings of an app with Exchange.ManageAsApp and an Exchange role: set them, then retry",
} as const;

export type HybridFailureClass = keyof typeof HYBRID_FAILURES;

/** The fix for a failure class, when one is known (MRS failure types by their ending). */
export function failureHint(failureClass: string): string | undefined {
  const known = (HYBRID_FAILURES as Readonly<Record<string, string>>)[failureClass];
  if (known !== undefined) return known;
  if (/TransientException$/.test(failureClass))
    return "Exchange's Mailbox Replication Service gave up on a failure that may pass: retry resumes the move where it stopped";
  if (/PermanentException$/.test(failureClass))
    return "Exchange's Mailbox Replication Service cannot go on with this move: fix what its message names, then retry (the move is removed and made again)";
  return undefined;
}

/** Whether a failed move is resumed (Start-MigrationUser) rather than removed and made again. */
export function resumable(failureType: string | undefined): boolean {
  return failureType !== undefined && /TransientException$/.test(failureType);
}
