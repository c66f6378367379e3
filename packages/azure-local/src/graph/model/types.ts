/**
 * The in-memory tenant: directory users, their mailboxes, folders and items. Items keep only
 * metadata; their exported content is regenerated on demand from identity and version.
 */

export type TenantSide = "source" | "target";

/** Folder classes of every mailbox type the import/export API moves alike. */
export type FolderClass = "IPF.Note" | "IPF.Appointment" | "IPF.Contact" | "IPF.Task";

/** Item classes matching the folder classes above. */
export type ItemClass = "IPM.Note" | "IPM.Appointment" | "IPM.Contact" | "IPM.Task";

/** Planted trouble on one item. */
export type ItemTrouble = "exportFails" | "importFails" | "tooLarge";

/** Where an imported item came from: a specific version of a specific source item. */
export interface ItemOrigin {
  readonly tenantId: string;
  readonly mailboxId: string;
  readonly itemId: string;
  readonly version: number;
}

export interface Item {
  readonly id: string;
  folderId: string;
  readonly itemClass: ItemClass;
  size: number;
  readonly receivedMs: number;
  readonly createdMs: number;
  modifiedMs: number;
  /** Bumped by every content change; part of the change key and of the exported data. */
  version: number;
  changeKey: string;
  /** Mailbox change sequence of the last change that a delta query must report. */
  changedSeq: number;
  subject: string;
  trouble?: ItemTrouble;
  origin?: ItemOrigin;
}

export interface Folder {
  readonly id: string;
  /** Undefined only for the hidden root ("Top of Information Store"). */
  parentId: string | undefined;
  displayName: string;
  readonly folderClass: FolderClass;
  changedSeq: number;
  readonly childIds: string[];
  readonly itemIds: Set<string>;
  /** Items that left this folder (deleted or moved out), with the sequence of their departure. */
  readonly itemTombstones: Map<string, number>;
  /** Outlook's locale-independent name of a folder it created (`inbox`, `sentitems`, ...). */
  wellKnownName?: string;
  /** A search folder: `itemIds` name items that live in other folders. */
  search?: boolean;
  /**
   * An expanded archive folder: its items live in this auxiliary archive mailbox, where the folder
   * has the same id (concepts/handle-archive-mailbox-redirects.md).
   */
  expandedTo?: string;
}

export type MailboxKind = "primary" | "archive";

export interface Mailbox {
  readonly id: string;
  readonly tenantId: string;
  readonly side: TenantSide;
  readonly ownerUpn: string;
  readonly kind: MailboxKind;
  readonly rootId: string;
  readonly folders: Map<string, Folder>;
  readonly items: Map<string, Item>;
  /** Monotonic change sequence; delta tokens remember positions in it. */
  seq: number;
  /** Folders removed from the mailbox, with the sequence of their removal. */
  readonly folderTombstones: Map<string, number>;
  /** Counter for ids of folders and items created after seeding. */
  nextLocalId: number;
  /** An auxiliary archive: the main archive mailbox it expands (its folders are the main's). */
  auxiliaryOf?: string;
  /** A main archive's auxiliary archives (auto-expanding archiving). */
  auxiliaries?: string[];
  /** Provisioning still under way until this instant (epoch ms): the mailbox is not found yet. */
  availableAt?: number;
  /** Bytes the mailbox may hold; imports past it are refused (ErrorQuotaExceeded). */
  quotaBytes?: number;
  /** Items here cannot be deleted (a hold or record label): deletes answer 403. */
  onHold?: boolean;
  /** Outside the target app's RBAC for Applications management scope: every call answers 403. */
  outsideAppScope?: boolean;
}

export interface AssignedLicense {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
}

export interface User {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly surname: string;
  readonly jobTitle: string;
  readonly department: string;
  readonly officeLocation: string;
  usageLocation: string | null;
  assignedLicenses: AssignedLicense[];
  primaryMailboxId: string | undefined;
  archiveMailboxId: string | undefined;
  /** Whether assigning a licence should give the user an archive as well (target of an archive account). */
  readonly wantsArchive: boolean;
  readonly timeZone: string;
  readonly locale: string;
}

export interface Sku {
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly includesExchange: boolean;
}

export interface Tenant {
  readonly side: TenantSide;
  readonly tenantId: string;
  readonly domain: string;
  readonly displayName: string;
  readonly users: Map<string, User>;
  readonly usersByUpn: Map<string, User>;
  readonly mailboxes: Map<string, Mailbox>;
  readonly skus: readonly Sku[];
  /** The language new mailboxes name their folders in (`de-DE`: Posteingang for Inbox). */
  readonly locale: string;
}
