/**
 * What tests and `npm start` check at the end: every completed account's mailbox is in Exchange
 * Online with its GUID kept, its archive where it belongs, and nothing left on premises but a
 * remote mailbox (or, for an archive-only move, the primary mailbox alone).
 */
import { type Organisation, ZERO_GUID } from "./model.js";

export interface AccountInspection {
  readonly upn: string;
  /** What the organisation looks like for this account now. */
  readonly onPremises: "UserMailbox" | "RemoteUserMailbox" | "missing";
  readonly cloud: "MailUser" | "UserMailbox" | "missing";
  readonly primaryIn: "onprem" | "cloud" | "none";
  readonly archiveIn: "onprem" | "cloud" | "none";
  readonly exchangeGuidKept: boolean;
  readonly archiveGuidKept: boolean | null;
  /** Whether a move (migration user) for the account still exists. */
  readonly moveListed: boolean;
  /** Problems when the account is expected to have moved as `expect` says; empty when all is well. */
  readonly problems: readonly string[];
}

export type ExpectedMove = "PrimaryAndArchive" | "PrimaryOnly" | "ArchiveOnly" | "none";

/** Inspects one account against what was expected of it. */
export function inspectAccount(org: Organisation, upn: string, expect: ExpectedMove): AccountInspection {
  const key = upn.toLowerCase();
  const source = org.onPrem.get(key);
  const cloud = org.cloud.get(key);
  const problems: string[] = [];
  if (source === undefined) {
    return {
      upn: key,
      onPremises: "missing",
      cloud: cloud?.recipientTypeDetails ?? "missing",
      primaryIn: "none",
      archiveIn: "none",
      exchangeGuidKept: false,
      archiveGuidKept: null,
      moveListed: org.moves.has(key),
      problems: ["no such on-premises user"],
    };
  }
  const primaryMoved = expect === "PrimaryAndArchive" || expect === "PrimaryOnly";
  const archiveMoved =
    (expect === "PrimaryAndArchive" || expect === "ArchiveOnly") && source.archive !== undefined;
  if (primaryMoved) {
    if (source.primaryIn !== "cloud") problems.push("the primary mailbox is still on premises");
    if (cloud?.recipientTypeDetails !== "UserMailbox")
      problems.push("Exchange Online has no mailbox for the user");
    if (cloud?.primary?.bytes !== source.primary.bytes || cloud.primary.items !== source.primary.items)
      problems.push("the mailbox in Exchange Online does not hold the source's content");
  } else if (source.primaryIn !== "onprem")
    problems.push("the primary mailbox moved although it should not have");
  if ((primaryMoved || archiveMoved) && cloud !== undefined && cloud.exchangeGuid !== source.exchangeGuid)
    problems.push(`ExchangeGuid changed: ${source.exchangeGuid} on premises, ${cloud.exchangeGuid} online`);
  if (archiveMoved) {
    if (source.archiveIn !== "cloud") problems.push("the archive is still on premises");
    if (cloud?.archive?.bytes !== source.archive?.bytes)
      problems.push("the archive in Exchange Online does not hold the source's");
    if (cloud?.archiveGuid !== source.archiveGuid) problems.push("ArchiveGuid not kept");
  } else if (source.archive !== undefined && source.archiveIn !== "onprem" && expect !== "none")
    problems.push("the archive moved although it should not have");
  return {
    upn: key,
    onPremises: source.primaryIn === "cloud" ? "RemoteUserMailbox" : "UserMailbox",
    cloud: cloud?.recipientTypeDetails ?? "missing",
    primaryIn: source.primaryIn,
    archiveIn: source.archive === undefined ? "none" : (source.archiveIn ?? "onprem"),
    exchangeGuidKept: cloud !== undefined && cloud.exchangeGuid === source.exchangeGuid,
    archiveGuidKept:
      source.archiveGuid === undefined
        ? null
        : cloud !== undefined && cloud.archiveGuid !== ZERO_GUID && cloud.archiveGuid === source.archiveGuid,
    moveListed: org.moves.has(key),
    problems,
  };
}
