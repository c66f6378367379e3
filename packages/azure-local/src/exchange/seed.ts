/**
 * Seeds a hybrid organisation: on-premises mailboxes with sizes, item counts and some archives,
 * and the mail users Entra Connect made of them in Exchange Online, some planted wrong: a mail
 * user that is missing, one whose ExchangeGuid is not the mailbox's, one without its ArchiveGuid.
 */
import { GIVEN_NAMES, SURNAMES } from "../graph/seed/names.js";
import { Random } from "../graph/random.js";
import { type CloudRecipient, type OnPremUser, type Organisation, type Planted, ZERO_GUID } from "./model.js";
import type { OrganisationOptions } from "./options.js";

/** Average size of an item, to derive item counts from mailbox sizes. */
const BYTES_PER_ITEM = 80 * 1024;

/** What a seeded account is, for the inventory an operator exports from on-premises. */
export interface HybridAccount {
  readonly upn: string;
  readonly exchangeGuid: string;
  readonly archiveGuid?: string;
  readonly primaryBytes: number;
  readonly archiveBytes?: number;
  /** What the seed planted that pre-flight must find. */
  readonly planted?: Planted;
}

function plantedSet(random: Random, upns: readonly string[], rate: number): Set<string> {
  return new Set(random.shuffle(upns).slice(0, Math.round(upns.length * rate)));
}

/** A new organisation; the same seed and options give the same organisation. */
export function seedOrganisation(options: OrganisationOptions): Organisation {
  const random = new Random(options.seed).fork("exchange");
  const ids = random.fork("ids");
  const sizes = random.fork("sizes");
  const onPrem = new Map<string, OnPremUser>();
  const cloud = new Map<string, CloudRecipient>();
  const width = String(options.mailboxes).length;
  const median = options.meanMailboxBytes / Math.exp(0.5 * 0.8 * 0.8);
  for (let i = 0; i < options.mailboxes; i++) {
    const given = GIVEN_NAMES[i % GIVEN_NAMES.length] ?? "User";
    const surname = SURNAMES[Math.floor(i / GIVEN_NAMES.length) % SURNAMES.length] ?? "Example";
    const alias = `${given}.${surname}.${String(i + 1).padStart(width, "0")}`.toLowerCase();
    const upn = `${alias}@${options.domain}`;
    const bytes = Math.max(1024 * 1024, Math.round(sizes.logNormal(median, 0.8)));
    const hasArchive = sizes.chance(options.archiveRate);
    const archiveBytes = hasArchive ? Math.max(1024 * 1024, Math.round(sizes.logNormal(median, 0.8))) : 0;
    const user: OnPremUser = {
      upn,
      alias,
      displayName: `${given} ${surname}`,
      exchangeGuid: ids.guid(),
      ...(hasArchive ? { archiveGuid: ids.guid() } : {}),
      primary: { bytes, items: Math.max(1, Math.round(bytes / BYTES_PER_ITEM)) },
      ...(hasArchive
        ? { archive: { bytes: archiveBytes, items: Math.max(1, Math.round(archiveBytes / BYTES_PER_ITEM)) } }
        : {}),
      primaryIn: "onprem",
      ...(hasArchive ? { archiveIn: "onprem" as const } : {}),
    };
    onPrem.set(upn, user);
  }
  const upns = [...onPrem.keys()];
  const trouble = random.fork("trouble");
  const missing = plantedSet(trouble, upns, options.missingMailUserRate);
  const mismatched = plantedSet(
    trouble,
    upns.filter((upn) => !missing.has(upn)),
    options.guidMismatchRate,
  );
  const archiveOwners = upns.filter(
    (upn) => onPrem.get(upn)?.archiveGuid !== undefined && !missing.has(upn) && !mismatched.has(upn),
  );
  const archiveMissing = plantedSet(trouble, archiveOwners, options.archiveGuidMissingRate);
  const planted = new Map<string, Planted>();
  for (const user of onPrem.values()) {
    if (missing.has(user.upn)) {
      planted.set(user.upn, "MailUserNotFound");
      continue;
    }
    const wrongGuid = mismatched.has(user.upn);
    if (wrongGuid) planted.set(user.upn, "ExchangeGuidMismatch");
    if (archiveMissing.has(user.upn)) planted.set(user.upn, "ArchiveGuidMissing");
    cloud.set(user.upn, {
      upn: user.upn,
      alias: user.alias,
      displayName: user.displayName,
      externalDirectoryObjectId: ids.guid(),
      exchangeGuid: wrongGuid ? ids.guid() : user.exchangeGuid,
      archiveGuid:
        user.archiveGuid !== undefined && !archiveMissing.has(user.upn) ? user.archiveGuid : ZERO_GUID,
      recipientTypeDetails: "MailUser",
    });
  }
  return {
    tenantId: random.fork("tenant").guid(),
    domain: options.domain,
    onPrem,
    cloud,
    endpoints: new Map(),
    batches: new Map(),
    moves: new Map(),
    planted,
    sourceReachable: true,
    nextOrder: 0,
  };
}

/** The accounts of the organisation, as an inventory exported from on-premises would list them. */
export function hybridInventory(organisation: Organisation): HybridAccount[] {
  return [...organisation.onPrem.values()].map((user) => {
    const planted = organisation.planted.get(user.upn);
    return {
      upn: user.upn,
      exchangeGuid: user.exchangeGuid,
      ...(user.archiveGuid !== undefined ? { archiveGuid: user.archiveGuid } : {}),
      primaryBytes: user.primary.bytes,
      ...(user.archive !== undefined ? { archiveBytes: user.archive.bytes } : {}),
      ...(planted !== undefined ? { planted } : {}),
    };
  });
}
