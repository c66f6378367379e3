/**
 * The Graph port: one tenant's users and mailboxes as the pipeline uses them. `MailboxApi` is the
 * adapter (Microsoft Graph through its SDK), `InMemoryMailboxGraph` the fake for unit tests; the
 * contract suite holds both to the same behaviour. Each use case takes the narrow part it needs:
 * the transfer engine `MailboxOperations`, the pre-flight `UserDirectory`.
 */
import type { MailboxGovernor } from "./governor.js";

export interface GraphUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName?: string;
  readonly mail?: string | null;
  readonly usageLocation?: string | null;
  readonly assignedLicenses?: readonly { skuId: string }[];
}

export interface MailboxIds {
  readonly primaryMailboxId: string;
  readonly inPlaceArchiveMailboxId?: string | null;
}

export interface MailboxFolder {
  readonly id: string;
  readonly "@removed"?: { reason?: string };
  readonly displayName: string;
  readonly parentFolderId?: string | null;
  readonly childFolderCount?: number;
  readonly totalItemCount?: number;
  readonly type?: string;
  /**
   * Outlook's locale-independent name of a folder it made (`inbox`, `sentitems`, ...). The docs
   * give mailboxFolder this property (api-reference/v1.0/resources/mailboxfolder.md); the v1.0
   * metadata does not, so it may be absent: `wellKnownFolders` finds them by name then.
   */
  readonly wellKnownName?: string | null;
}

/**
 * What the mailbox API tells of an item (api-reference/v1.0/resources/mailboxitem.md):
 * receivedDateTime is not among it; it can only filter and order item delta.
 */
export interface MailboxItem {
  readonly id: string;
  readonly size?: number;
  readonly createdDateTime?: string;
  readonly lastModifiedDateTime?: string;
  readonly changeKey?: string;
  readonly "@removed"?: { reason?: string };
}

export interface ItemDeltaPage {
  readonly items: readonly MailboxItem[];
  readonly removedIds: readonly string[];
  readonly nextLink?: string;
  readonly deltaLink?: string;
}

export interface ExportedItem {
  readonly itemId: string;
  readonly changeKey?: string;
  readonly data?: string;
  readonly error?: { code?: string; message?: string };
}

export interface ImportSession {
  readonly importUrl: string;
  readonly expirationDateTime: string;
  /** The mailbox the session imports into (an auxiliary archive after a redirect). */
  readonly mailboxId?: string;
}

export interface ImportedItem {
  readonly itemId: string;
  readonly changeKey?: string;
}

/**
 * Outlook's well-known folders a migration maps by well-known name rather than by display name
 * (display names are localised: a German Inbox is "Posteingang"), with their English names.
 */
export const WELL_KNOWN_FOLDERS: Readonly<Record<string, string>> = {
  inbox: "Inbox",
  drafts: "Drafts",
  sentitems: "Sent Items",
  deleteditems: "Deleted Items",
  junkemail: "Junk Email",
  archive: "Archive",
  outbox: "Outbox",
  calendar: "Calendar",
  contacts: "Contacts",
  tasks: "Tasks",
  notes: "Notes",
  journal: "Journal",
  conversationhistory: "Conversation History",
};

/** The top of a mailbox's folder tree, as a well-known name. */
export const MSG_FOLDER_ROOT = "msgfolderroot";

/** The mailbox operations the transfer engine needs, on one mailbox version (v1.0 or beta). */
export interface MailboxOperations {
  listFolders(mailboxId: string, governor: MailboxGovernor): Promise<MailboxFolder[]>;
  /**
   * The folders these well-known names stand for, by name (`msgfolderroot` too); a name the
   * mailbox has no folder for is left out.
   */
  wellKnownFolders(
    mailboxId: string,
    names: readonly string[],
    governor: MailboxGovernor,
  ): Promise<Map<string, MailboxFolder>>;
  createFolder(
    mailboxId: string,
    parentFolderId: string | undefined,
    displayName: string,
    type: string | undefined,
    governor: MailboxGovernor,
  ): Promise<MailboxFolder>;
  /**
   * One page of a folder's item delta: start one with no cursor, continue with the last link.
   * `receivedSince` starts a delta of only the items received on or after that time.
   */
  itemDelta(
    mailboxId: string,
    folderId: string,
    cursor: string | undefined,
    pageSize: number,
    governor: MailboxGovernor,
    options?: { readonly receivedSince?: string },
  ): Promise<ItemDeltaPage>;
  exportItems(
    mailboxId: string,
    itemIds: readonly string[],
    governor: MailboxGovernor,
  ): Promise<ExportedItem[]>;
  createImportSession(mailboxId: string, governor: MailboxGovernor): Promise<ImportSession>;
  importItem(
    session: ImportSession,
    request: { folderId: string; data: string; update?: { itemId: string; changeKey?: string } },
    governor: MailboxGovernor,
  ): Promise<ImportedItem>;
  renameFolder(
    mailboxId: string,
    folderId: string,
    displayName: string,
    governor: MailboxGovernor,
  ): Promise<void>;
  /** Deletes a folder and what it holds; a folder already gone is not an error. */
  deleteFolder(mailboxId: string, folderId: string, governor: MailboxGovernor): Promise<void>;
  /** Deletes an item through its folder (soft delete); an item already gone is not an error. */
  deleteItem(mailboxId: string, folderId: string, itemId: string, governor: MailboxGovernor): Promise<void>;
  /**
   * What names an item for an operator (never its body): sender, received date and, when asked,
   * subject. Optional: an implementation without it records bad items by folder and size alone.
   */
  itemDetails?(
    mailboxId: string,
    folderId: string,
    itemId: string,
    governor: MailboxGovernor,
    options: { readonly subject: boolean },
  ): Promise<ItemDetails>;
}

/** An item's metadata for a bad-item record; each part absent when the item does not carry it. */
export interface ItemDetails {
  readonly subject?: string;
  readonly sender?: string;
  readonly receivedDateTime?: string;
}

/** The directory reads the pre-flight makes. */
export interface UserDirectory {
  /** The user, or undefined when the tenant has no such user. */
  findUser(idOrUpn: string, governor?: MailboxGovernor): Promise<GraphUser | undefined>;
  /**
   * A user's mailbox ids, or undefined when the user has none; the archive's id only with
   * `withArchive` (beta is the only version that has it).
   */
  mailboxIds(userId: string, withArchive: boolean): Promise<MailboxIds | undefined>;
}

/** The cutover's calls on the target tenant: a licence and the user's notice. */
export interface CutoverCalls {
  /** Assigns a licence (SKU) to a user, keeping the licences it has. */
  assignLicense(userId: string, skuId: string, governor?: MailboxGovernor): Promise<void>;
  /** Writes a plain-text mail as a draft in `fromUpn`'s mailbox; returns its message id. */
  createDraft(fromUpn: string, to: string, subject: string, body: string): Promise<string>;
  /** Sends a draft, which Exchange sends at most once. */
  sendDraft(fromUpn: string, messageId: string): Promise<void>;
}

/** One tenant's Graph, as the mover uses it. */
export interface MailboxGraph extends MailboxOperations, UserDirectory, CutoverCalls {
  /** The mailbox operations on in-place archives, which only beta serves. */
  forArchives(): MailboxOperations;
}
