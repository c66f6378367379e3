/** Get-MailUser and Get-Mailbox over the simulated Exchange Online recipients. */
import { notFound } from "../errors.js";
import type { CloudRecipient } from "../model.js";
import { type CmdletHandler, type CmdletOutput, sizeText, text } from "./context.js";

function view(recipient: CloudRecipient, domain: string): Record<string, unknown> {
  return {
    Identity: recipient.alias,
    Name: recipient.alias,
    Alias: recipient.alias,
    DisplayName: recipient.displayName,
    UserPrincipalName: recipient.upn,
    PrimarySmtpAddress: recipient.upn,
    WindowsEmailAddress: recipient.upn,
    ExternalDirectoryObjectId: recipient.externalDirectoryObjectId,
    ExchangeGuid: recipient.exchangeGuid,
    ArchiveGuid: recipient.archiveGuid,
    ArchiveStatus: recipient.archive !== undefined ? "Active" : "None",
    RecipientType: recipient.recipientTypeDetails === "MailUser" ? "MailUser" : "UserMailbox",
    RecipientTypeDetails: recipient.recipientTypeDetails,
    IsDirSynced: true,
    EmailAddresses: [
      `SMTP:${recipient.upn}`,
      `smtp:${recipient.alias}@${domain.split(".")[0] ?? "sim"}.mail.onmicrosoft.com`,
    ],
    ...(recipient.primary !== undefined ? { TotalItemSize: sizeText(recipient.primary.bytes) } : {}),
  };
}

function matches(recipient: CloudRecipient, identity: string): boolean {
  const key = identity.toLowerCase();
  return (
    recipient.upn === key ||
    recipient.alias === key ||
    recipient.externalDirectoryObjectId === key ||
    recipient.exchangeGuid === key
  );
}

function list(type: CloudRecipient["recipientTypeDetails"]): CmdletHandler {
  return (call, context) => {
    const identity = text(call, "Identity");
    const all = [...context.org.cloud.values()].filter(
      (recipient) => recipient.recipientTypeDetails === type,
    );
    if (identity !== undefined) {
      const found = all.find((recipient) => matches(recipient, identity));
      if (found === undefined) throw notFound(identity);
      return [view(found, context.org.domain)];
    }
    const out: CmdletOutput = all.map((recipient) => view(recipient, context.org.domain));
    return out;
  };
}

export const getMailUser: CmdletHandler = list("MailUser");
export const getMailbox: CmdletHandler = list("UserMailbox");
