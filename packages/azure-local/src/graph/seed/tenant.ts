/**
 * Seeds the source and target tenants deterministically from one number: users with mailboxes whose
 * sizes follow a long tail, nested folders of every mailbox type, items spanning years, some archive
 * mailboxes, and planted trouble (missing users, missing licences, bad items, items too large).
 */
import { mailboxIdFor } from "../model/ids.js";
import { addFolder, addItem, addSearchFolder, createMailbox, wellKnownFolder } from "../model/mailbox.js";
import type { RealismOptions } from "../options.js";
import type {
  Folder,
  FolderClass,
  ItemClass,
  ItemTrouble,
  Mailbox,
  MailboxKind,
  Sku,
  Tenant,
  TenantSide,
  User,
} from "../model/types.js";
import { Random } from "../random.js";
import {
  DEPARTMENTS,
  FOLDER_TOPICS,
  GIVEN_NAMES,
  JOB_TITLES,
  OFFICES,
  SUBJECT_TEMPLATES,
  SURNAMES,
} from "./names.js";

/** What the seed planted for one account, so the demo and tests know what to expect. */
export type AccountExpectation =
  | "ok"
  | "sourceUserMissing"
  | "targetUserMissing"
  | "noLicence"
  | "badItems"
  | "largeItems"
  | "archive"
  /** Realism: the target mailbox fills up during the copy (ErrorQuotaExceeded). */
  | "targetFull"
  /** Realism: the target mailbox is outside the target app's RBAC for Applications scope. */
  | "outsideScope"
  /** Realism: the target mailbox is still being provisioned when the migration starts. */
  | "slowMailbox";

/** One account of the migration inventory. */
export interface SimulatedAccount {
  readonly sourceUpn: string;
  readonly targetUpn: string;
  readonly expectation: AccountExpectation;
  /** Items in the source mailbox, archive included (0 when the source user is missing). */
  readonly itemCount: number;
  /** Sum of the items' sizes in bytes, archive included. */
  readonly totalBytes: number;
  /** Items in the source archive mailbox (included in itemCount). */
  readonly archiveItemCount: number;
  /** Planted items that cannot be moved: export or import fails, or too large. */
  readonly unmovableItemCount: number;
}

export interface SeedOptions {
  seed: number;
  mailboxes: number;
  itemsPerMailbox: number;
  plantTrouble: boolean;
  /** Latest received time of seeded items; fixed so a seed always gives the same tenant. */
  anchorMs: number;
  /** Size above which an item counts as too large to export. */
  maxItemBytes: number;
  /**
   * Gives every licensed target user an in-place archive too, and every target user licensed later
   * one on assignment (an age policy needs somewhere to put old mail). Default false: only the
   * targets of "archive" accounts get one.
   */
  archiveAllTargets?: boolean;
  /** The target tenant's language (default en-GB; `de-DE` names Outlook's folders in German). */
  targetLocale?: string;
  /** Realism switches that shape the seed (search folders, expanding archives, planted trouble). */
  realism?: RealismOptions;
  /** When the simulator starts (epoch ms): slow mailboxes appear some time after it. */
  startMs?: number;
}

export interface SeededWorld {
  readonly source: Tenant;
  readonly target: Tenant;
  readonly accounts: readonly SimulatedAccount[];
  /** A licensed account with a mailbox in each tenant, outside the inventory (notifications). */
  readonly serviceUpns: Readonly<Record<TenantSide, string>>;
}

export const EXCHANGE_SKU: Sku = {
  skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900",
  skuPartNumber: "ENTERPRISEPACK",
  includesExchange: true,
};
export const NON_MAIL_SKU: Sku = {
  skuId: "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235",
  skuPartNumber: "POWER_BI_STANDARD",
  includesExchange: false,
};

const DAY_MS = 24 * 60 * 60 * 1000;
const YEAR_MS = 365 * DAY_MS;

/** Outlook's folders: well-known name, English display name, folder class. */
const WELL_KNOWN: readonly (readonly [string, string, FolderClass])[] = [
  ["inbox", "Inbox", "IPF.Note"],
  ["drafts", "Drafts", "IPF.Note"],
  ["sentitems", "Sent Items", "IPF.Note"],
  ["deleteditems", "Deleted Items", "IPF.Note"],
  ["junkemail", "Junk Email", "IPF.Note"],
  ["archive", "Archive", "IPF.Note"],
  ["outbox", "Outbox", "IPF.Note"],
  ["calendar", "Calendar", "IPF.Appointment"],
  ["contacts", "Contacts", "IPF.Contact"],
  ["tasks", "Tasks", "IPF.Task"],
];
const ARCHIVE_WELL_KNOWN: readonly (readonly [string, string, FolderClass])[] = [
  ["inbox", "Inbox", "IPF.Note"],
  ["sentitems", "Sent Items", "IPF.Note"],
  ["deleteditems", "Deleted Items", "IPF.Note"],
];

/** How a German-language mailbox names Outlook's folders (a localised tenant). */
export const GERMAN_NAMES: Readonly<Record<string, string>> = {
  inbox: "Posteingang",
  drafts: "Entwürfe",
  sentitems: "Gesendete Elemente",
  deleteditems: "Gelöschte Elemente",
  junkemail: "Junk-E-Mail",
  archive: "Archiv",
  outbox: "Postausgang",
  calendar: "Kalender",
  contacts: "Kontakte",
  tasks: "Aufgaben",
};

/** Share of the inventory given each kind of trouble, in the order they are handed out. */
const TROUBLE_SHARE: readonly (readonly [AccountExpectation, number])[] = [
  ["badItems", 0.03],
  ["archive", 0.05],
  ["sourceUserMissing", 0.02],
  ["targetUserMissing", 0.02],
  ["noLicence", 0.02],
  ["largeItems", 0.02],
];

const ITEM_CLASS: Record<FolderClass, ItemClass> = {
  "IPF.Note": "IPM.Note",
  "IPF.Appointment": "IPM.Appointment",
  "IPF.Contact": "IPM.Contact",
  "IPF.Task": "IPM.Task",
};

/** Sizes by item class: [median bytes, spread, min, max]. Mail has the long tail (attachments). */
const SIZE_MODEL: Record<ItemClass, readonly [number, number, number, number]> = {
  "IPM.Note": [14_000, 1.25, 1_200, 12 * 1024 * 1024],
  "IPM.Appointment": [6_000, 0.8, 1_500, 2 * 1024 * 1024],
  "IPM.Contact": [3_500, 0.5, 900, 300_000],
  "IPM.Task": [2_500, 0.5, 800, 200_000],
};

function emptyTenant(
  side: TenantSide,
  tenantId: string,
  domain: string,
  displayName: string,
  locale = "en-GB",
): Tenant {
  return {
    side,
    locale,
    tenantId,
    domain,
    displayName,
    users: new Map(),
    usersByUpn: new Map(),
    mailboxes: new Map(),
    skus: [EXCHANGE_SKU, NON_MAIL_SKU],
  };
}

/** Hands out trouble kinds: about their share of the inventory, at least one each while half stays ok. */
function planExpectations(rng: Random, count: number, plantTrouble: boolean): AccountExpectation[] {
  const plan: AccountExpectation[] = [];
  if (plantTrouble) {
    const budget = Math.floor(count / 2);
    for (const [kind, share] of TROUBLE_SHARE) {
      const wanted = Math.max(1, Math.round(count * share));
      for (let i = 0; i < wanted && plan.length < budget; i += 1) plan.push(kind);
    }
  }
  while (plan.length < count) plan.push("ok");
  return rng.shuffle(plan);
}

function makeUser(
  tenant: Tenant,
  rng: Random,
  person: { localPart: string; given: string; surname: string },
  wantsArchive = false,
): User {
  const upn = `${person.localPart}@${tenant.domain}`;
  const user: User = {
    id: rng.guid(),
    userPrincipalName: upn,
    displayName: `${person.given} ${person.surname}`,
    givenName: person.given,
    surname: person.surname,
    jobTitle: rng.pick(JOB_TITLES),
    department: rng.pick(DEPARTMENTS),
    officeLocation: rng.pick(OFFICES),
    usageLocation: "GB",
    assignedLicenses: [],
    primaryMailboxId: undefined,
    archiveMailboxId: undefined,
    wantsArchive,
    timeZone: tenant.locale === "de-DE" ? "W. Europe Standard Time" : "GMT Standard Time",
    locale: tenant.locale,
  };
  tenant.users.set(user.id, user);
  tenant.usersByUpn.set(upn.toLowerCase(), user);
  return user;
}

/** Creates a mailbox with the well-known folders of its kind and attaches it to the user. */
export function provisionMailbox(tenant: Tenant, user: User, kind: MailboxKind): Mailbox {
  const mailbox = createMailbox({
    id: mailboxIdFor(tenant.tenantId, user.userPrincipalName, kind),
    tenantId: tenant.tenantId,
    side: tenant.side,
    ownerUpn: user.userPrincipalName,
    kind,
  });
  for (const [wellKnownName, name, folderClass] of kind === "primary" ? WELL_KNOWN : ARCHIVE_WELL_KNOWN) {
    const localised = tenant.locale === "de-DE" ? (GERMAN_NAMES[wellKnownName] ?? name) : name;
    addFolder(mailbox, mailbox.rootId, localised, folderClass).wellKnownName = wellKnownName;
  }
  tenant.mailboxes.set(mailbox.id, mailbox);
  if (kind === "primary") user.primaryMailboxId = mailbox.id;
  else user.archiveMailboxId = mailbox.id;
  return mailbox;
}

/**
 * Creates the user's primary mailbox (and archive, if wanted) unless they exist. Under realism a
 * new archive auto-expands, and new mailboxes take `provisioningDelaySeconds` to appear.
 */
export function ensureMailboxes(
  tenant: Tenant,
  user: User,
  withArchive: boolean,
  realism?: RealismOptions,
): void {
  const delayMs = (realism?.provisioningDelaySeconds ?? 0) * 1000;
  if (!user.primaryMailboxId) {
    const mailbox = provisionMailbox(tenant, user, "primary");
    if (delayMs > 0) mailbox.availableAt = Date.now() + delayMs;
  }
  if (withArchive && !user.archiveMailboxId) {
    const archive = provisionMailbox(tenant, user, "archive");
    if (delayMs > 0) archive.availableAt = Date.now() + delayMs;
    if (realism?.autoExpandingArchives) expandArchive(tenant, archive, "inbox");
  }
}

/**
 * Expands a folder of an archive into a new auxiliary archive, as auto-expanding archiving does:
 * the folder stays in the main archive's tree, its items move to the auxiliary one, where the
 * folder has the same id (concepts/handle-archive-mailbox-redirects.md).
 */
export function expandArchive(tenant: Tenant, main: Mailbox, folderIdOrName: string): Mailbox | undefined {
  const folder = main.folders.get(folderIdOrName) ?? wellKnownFolder(main, folderIdOrName);
  if (!folder || folder.parentId === undefined) return undefined;
  const index = (main.auxiliaries?.length ?? 0) + 1;
  const aux = createMailbox({
    id: mailboxIdFor(tenant.tenantId, main.ownerUpn, `archive-aux${index}`),
    tenantId: tenant.tenantId,
    side: tenant.side,
    ownerUpn: main.ownerUpn,
    kind: "archive",
  });
  aux.auxiliaryOf = main.id;
  // Its items' change sequence goes on from the main archive's.
  aux.seq = main.seq;
  aux.nextLocalId = main.nextLocalId + 1_000_000;
  aux.folders.set(folder.id, folder);
  for (const itemId of folder.itemIds) {
    const item = main.items.get(itemId);
    if (!item) continue;
    main.items.delete(itemId);
    aux.items.set(itemId, item);
  }
  folder.expandedTo = aux.id;
  main.auxiliaries = [...(main.auxiliaries ?? []), aux.id];
  tenant.mailboxes.set(aux.id, aux);
  return aux;
}

/** Gives a user the Exchange licence and a primary mailbox (and an archive if wanted). */
export function licenseUser(tenant: Tenant, user: User, withArchive: boolean): void {
  user.assignedLicenses = [{ skuId: EXCHANGE_SKU.skuId, disabledPlans: [] }];
  ensureMailboxes(tenant, user, withArchive);
}

function topFolder(mailbox: Mailbox, name: string): Folder {
  const root = mailbox.folders.get(mailbox.rootId) as Folder;
  const wellKnown = name.toLowerCase().replaceAll(" ", "");
  for (const id of root.childIds) {
    const folder = mailbox.folders.get(id);
    if (folder?.displayName === name || folder?.wellKnownName === wellKnown) return folder;
  }
  throw new RangeError(`mailbox ${mailbox.id} has no folder ${name}`);
}

function addCustomFolders(mailbox: Mailbox, rng: Random, count: number): void {
  const mailParents: Folder[] = [topFolder(mailbox, "Inbox")];
  if (mailbox.kind === "primary") mailParents.push(topFolder(mailbox, "Archive"));
  const root = mailbox.folders.get(mailbox.rootId) as Folder;
  for (let i = 0; i < count; i += 1) {
    const where = rng.weighted<"mail" | "root" | "calendar" | "contacts">([
      ["mail", 6],
      ["root", 2],
      ["calendar", mailbox.kind === "primary" ? 0.6 : 0],
      ["contacts", mailbox.kind === "primary" ? 0.6 : 0],
    ]);
    const parent =
      where === "mail"
        ? rng.pick(mailParents)
        : where === "root"
          ? root
          : topFolder(mailbox, where === "calendar" ? "Calendar" : "Contacts");
    const name = rng.chance(0.25)
      ? `${rng.pick(FOLDER_TOPICS)} ${rng.int(2015, 2025)}`
      : rng.pick(FOLDER_TOPICS);
    const clash = parent.childIds.some(
      (id) => mailbox.folders.get(id)?.displayName.toLowerCase() === name.toLowerCase(),
    );
    if (clash) continue;
    const folder = addFolder(
      mailbox,
      parent.id,
      name,
      parent.parentId === undefined ? "IPF.Note" : parent.folderClass,
    );
    if (folder.folderClass === "IPF.Note") mailParents.push(folder);
  }
}

function folderWeights(mailbox: Mailbox): (readonly [Folder, number])[] {
  const byName: Record<string, number> = {
    Inbox: 40,
    "Sent Items": 15,
    Archive: 8,
    "Deleted Items": 4,
    Drafts: 1,
    "Junk Email": 1,
    Outbox: 0,
    Calendar: 6,
    Contacts: 4,
    Tasks: 2,
  };
  const out: (readonly [Folder, number])[] = [];
  for (const folder of mailbox.folders.values()) {
    if (folder.parentId === undefined) continue;
    const topLevel = folder.parentId === mailbox.rootId;
    const weight = topLevel && folder.displayName in byName ? (byName[folder.displayName] ?? 0) : 5;
    if (weight > 0) out.push([folder, weight]);
  }
  return out;
}

function itemSize(rng: Random, itemClass: ItemClass): number {
  const [median, spread, min, max] = SIZE_MODEL[itemClass];
  return Math.round(Math.min(max, Math.max(min, rng.logNormal(median, spread))));
}

function subjectFor(rng: Random): string {
  return rng.pick(SUBJECT_TEMPLATES).replace("{topic}", rng.pick(FOLDER_TOPICS));
}

function fillMailbox(mailbox: Mailbox, rng: Random, itemCount: number, anchorMs: number): void {
  const folders = folderWeights(mailbox);
  const spanMs = 8 * YEAR_MS;
  const offsetMs = mailbox.kind === "archive" ? 3 * YEAR_MS : 0;
  for (let i = 0; i < itemCount; i += 1) {
    const folder = rng.weighted(folders);
    const itemClass = ITEM_CLASS[folder.folderClass];
    // Squaring the draw makes recent mail more common than old mail.
    const ageMs = offsetMs + Math.floor(spanMs * rng.next() ** 2);
    addItem(mailbox, folder.id, {
      itemClass,
      size: itemSize(rng, itemClass),
      receivedMs: anchorMs - ageMs,
      subject: subjectFor(rng),
    });
  }
}

function plantItemTrouble(
  mailbox: Mailbox,
  rng: Random,
  kind: "badItems" | "largeItems",
  options: SeedOptions,
): number {
  const mail = [...mailbox.items.values()].filter((item) => item.itemClass === "IPM.Note" && !item.trouble);
  let planted = 0;
  if (kind === "badItems") {
    const picks = rng.shuffle(mail).slice(0, rng.int(2, 4));
    picks.forEach((item, index) => {
      const trouble: ItemTrouble = index % 2 === 0 ? "exportFails" : "importFails";
      item.trouble = trouble;
      planted += 1;
    });
    return planted;
  }
  const count = rng.int(1, 2);
  for (let i = 0; i < count; i += 1) {
    addItem(mailbox, topFolder(mailbox, rng.chance(0.5) ? "Inbox" : "Archive").id, {
      itemClass: "IPM.Note",
      size: options.maxItemBytes + rng.int(1, 250) * 1024 * 1024,
      receivedMs: options.anchorMs - rng.int(1, 2000) * DAY_MS,
      subject: `${subjectFor(rng)} (large attachment)`,
      trouble: "tooLarge",
    });
    planted += 1;
  }
  return planted;
}

function mailboxItemCount(rng: Random, mean: number): number {
  const spread = 0.9;
  const median = mean / Math.exp((spread * spread) / 2);
  return Math.round(Math.min(mean * 12, Math.max(2, rng.logNormal(median, spread))));
}

function summarise(mailboxes: readonly (Mailbox | undefined)[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const mailbox of mailboxes) {
    if (!mailbox) continue;
    for (const item of mailbox.items.values()) {
      count += 1;
      bytes += item.size;
    }
  }
  return { count, bytes };
}

/**
 * Shapes a seeded world to the realism switches without drawing from the seed's generator, so
 * the rest of the tenant stays as the seed made it: search folders in source mailboxes, an
 * expanded folder in every archive, and a few healthy accounts given a full, out-of-scope or
 * slowly provisioned target mailbox (their expectation says which).
 */
function applyRealism(
  source: Tenant,
  target: Tenant,
  accounts: readonly SimulatedAccount[],
  realism: RealismOptions,
  startMs: number,
): SimulatedAccount[] {
  const mailboxOf = (tenant: Tenant, upn: string, kind: "primary" | "archive"): Mailbox | undefined => {
    const user = tenant.usersByUpn.get(upn.toLowerCase());
    const id = kind === "primary" ? user?.primaryMailboxId : user?.archiveMailboxId;
    return id ? tenant.mailboxes.get(id) : undefined;
  };
  for (const entry of accounts) {
    const primary = mailboxOf(source, entry.sourceUpn, "primary");
    if (realism.searchFolders && primary) {
      const items = [...primary.items.values()];
      const inbox = wellKnownFolder(primary, "inbox");
      addSearchFolder(
        primary,
        "Unread Mail",
        items
          .filter((item) => item.folderId === inbox?.id)
          .slice(0, 3)
          .map((item) => item.id),
      );
      addSearchFolder(
        primary,
        "Large Mail",
        [...items]
          .sort((a, b) => b.size - a.size)
          .slice(0, 2)
          .map((item) => item.id),
      );
    }
    if (realism.autoExpandingArchives) {
      const archive = mailboxOf(source, entry.sourceUpn, "archive");
      if (archive) {
        // The folder holding most items is the one whose content moved out.
        const fullest = [...archive.folders.values()]
          .filter((folder) => folder.parentId !== undefined)
          .sort((a, b) => b.itemIds.size - a.itemIds.size)[0];
        if (fullest) expandArchive(source, archive, fullest.id);
      }
      const targetArchive = mailboxOf(target, entry.targetUpn, "archive");
      if (targetArchive) expandArchive(target, targetArchive, "inbox");
    }
  }
  // Trouble for healthy accounts with something to copy, first come first served.
  const wanted: AccountExpectation[] = [
    ...(realism.fullTarget ? (["targetFull"] as const) : []),
    ...(realism.outsideScope ? (["outsideScope"] as const) : []),
    ...(realism.provisioningDelaySeconds > 0 ? (["slowMailbox", "slowMailbox"] as const) : []),
  ];
  return accounts.map((entry) => {
    if (entry.expectation !== "ok" || entry.itemCount < 4 || wanted.length === 0) return entry;
    const mailbox = mailboxOf(target, entry.targetUpn, "primary");
    const trouble = wanted.shift();
    if (!mailbox || trouble === undefined) return entry;
    if (trouble === "targetFull") mailbox.quotaBytes = Math.floor(entry.totalBytes / 2);
    if (trouble === "outsideScope") mailbox.outsideAppScope = true;
    if (trouble === "slowMailbox") mailbox.availableAt = startMs + realism.provisioningDelaySeconds * 1000;
    return { ...entry, expectation: trouble };
  });
}

/** Builds both tenants and the inventory. */
export function seedWorld(options: SeedOptions): SeededWorld {
  const rng = new Random(options.seed);
  const ids = rng.fork("tenants");
  const source = emptyTenant("source", ids.guid(), "riverside-legacy.example", "Riverside Trust (legacy)");
  const target = emptyTenant(
    "target",
    ids.guid(),
    "riverside.example",
    "Riverside Trust",
    options.targetLocale ?? "en-GB",
  );
  const plan = planExpectations(rng.fork("plan"), options.mailboxes, options.plantTrouble);
  const people = rng.fork("people");
  const taken = new Set<string>();
  const accounts: SimulatedAccount[] = [];
  // Whether a user wants an archive draws nothing from the generator, so seeds stay the same.
  const archiveAllTargets = options.archiveAllTargets ?? false;

  plan.forEach((expectation, index) => {
    const given = people.pick(GIVEN_NAMES);
    const surname = people.pick(SURNAMES);
    const base = `${given}.${surname}`.toLowerCase();
    let localPart = base;
    for (let n = 2; taken.has(localPart); n += 1) localPart = `${base}${n}`;
    taken.add(localPart);
    const person = { localPart, given, surname };
    const mailboxRng = rng.fork(`mailbox:${index}`);
    const sourceUpn = `${localPart}@${source.domain}`;
    const targetUpn = `${localPart}@${target.domain}`;
    let unmovable = 0;
    let primary: Mailbox | undefined;
    let archive: Mailbox | undefined;

    if (expectation !== "sourceUserMissing") {
      const user = makeUser(source, mailboxRng, person, expectation === "archive");
      licenseUser(source, user, user.wantsArchive);
      primary = source.mailboxes.get(user.primaryMailboxId ?? "");
      const count = mailboxItemCount(mailboxRng, options.itemsPerMailbox);
      if (primary) {
        addCustomFolders(
          primary,
          mailboxRng,
          Math.max(0, Math.round(Math.log2(count)) - 2 + mailboxRng.int(-1, 2)),
        );
        fillMailbox(primary, mailboxRng, count, options.anchorMs);
        if (expectation === "badItems" || expectation === "largeItems") {
          unmovable += plantItemTrouble(primary, mailboxRng, expectation, options);
        }
      }
      archive = source.mailboxes.get(user.archiveMailboxId ?? "");
      if (archive) {
        addCustomFolders(archive, mailboxRng, mailboxRng.int(1, 4));
        fillMailbox(archive, mailboxRng, Math.max(2, Math.round(count * 0.6)), options.anchorMs);
      }
    }
    if (expectation !== "targetUserMissing") {
      const wantsArchive = expectation === "archive" || archiveAllTargets;
      const user = makeUser(target, people.fork(`target:${index}`), person, wantsArchive);
      if (expectation !== "noLicence") licenseUser(target, user, user.wantsArchive);
    }
    const primaryTotals = summarise([primary]);
    const archiveTotals = summarise([archive]);
    accounts.push({
      sourceUpn,
      targetUpn,
      expectation,
      itemCount: primaryTotals.count + archiveTotals.count,
      totalBytes: primaryTotals.bytes + archiveTotals.bytes,
      archiveItemCount: archiveTotals.count,
      unmovableItemCount: unmovable,
    });
  });

  const planted = options.realism
    ? applyRealism(source, target, accounts, options.realism, options.startMs ?? Date.now())
    : accounts;
  accounts.splice(0, accounts.length, ...planted);

  const serviceRng = rng.fork("service");
  const servicePerson = { localPart: "mailferry.notices", given: "Migration", surname: "Notices" };
  for (const tenant of [source, target]) {
    const wantsArchive = tenant.side === "target" && archiveAllTargets;
    const user = makeUser(tenant, serviceRng.fork(tenant.side), servicePerson, wantsArchive);
    licenseUser(tenant, user, wantsArchive);
  }
  return {
    source,
    target,
    accounts,
    serviceUpns: {
      source: `${servicePerson.localPart}@${source.domain}`,
      target: `${servicePerson.localPart}@${target.domain}`,
    },
  };
}
