/**
 * The slice of Microsoft Graph that mailferry and its simulator use, as the documentation names
 * it: each operation with its documentation page in microsoftgraph/microsoft-graph-docs-contrib.
 * `derive.ts` resolves every v1.0 entry against Microsoft's CSDL metadata and writes what the
 * metadata says about it (segments, types, properties, parameters) to `graph-v1.0.json`. The beta
 * metadata is not at hand, so the beta-only surfaces below are written from the beta reference
 * pages and marked as such.
 */

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** One documented call: method, path as the page writes it, and what the page allows. */
export interface DocumentedOperation {
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** The page in microsoftgraph/microsoft-graph-docs-contrib that documents the call. */
  readonly page: string;
  /** OData query options the page allows ($select, $top, ...). */
  readonly odata?: readonly string[];
  /** Other query parameters the page names; `required` ones must be present. */
  readonly parameters?: readonly { readonly name: string; readonly required: boolean }[];
  /** Request headers the page names besides Authorization and Content-Type. */
  readonly headers?: readonly string[];
  /** Application permissions the page's table lists, least privileged first. */
  readonly permissions: readonly string[];
  /** Why the call is in the product, in a few words (docs/deploy.md names the call with it). */
  readonly usedFor: string;
}

const DOCS = "api-reference/v1.0/api";

const MAILBOX = "/admin/exchange/mailboxes/{mailboxId}";
const FOLDER = `${MAILBOX}/folders/{mailboxFolderId}`;

/** Item delta, folder delta and item reads allow these; `$filter`/`$orderby` only on receivedDateTime. */
const ITEM_DELTA_ODATA = ["$select", "$top", "$filter", "$orderby", "$skiptoken", "$deltatoken"];

/** The v1.0 operations, each resolved against the CSDL by `derive.ts`. */
export const V1_OPERATIONS: readonly DocumentedOperation[] = [
  {
    id: "user.get",
    method: "GET",
    path: "/users/{userId}",
    page: `${DOCS}/user-get.md`,
    odata: ["$select", "$expand"],
    permissions: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
    usedFor: "pre-flight: the user exists, its id, its licences and usage location",
  },
  {
    id: "user.assignLicense",
    method: "POST",
    path: "/users/{userId}/assignLicense",
    page: `${DOCS}/user-assignlicense.md`,
    permissions: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
    usedFor: "the --license-sku finalize action",
  },
  {
    id: "user.mailboxSettings.get",
    method: "GET",
    path: "/users/{userId}/mailboxSettings",
    page: `${DOCS}/user-get-mailboxsettings.md`,
    odata: ["$select"],
    permissions: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
    usedFor: "served by the simulator only; mailferry does not call it",
  },
  {
    id: "exchangeSettings.get",
    method: "GET",
    path: "/users/{userId}/settings/exchange",
    page: `${DOCS}/usersettings-list-exchange.md`,
    permissions: ["User.Read.All", "User.ReadWrite.All"],
    usedFor: "pre-flight: the id of the user's primary mailbox",
  },
  {
    id: "subscribedSku.list",
    method: "GET",
    path: "/subscribedSkus",
    page: `${DOCS}/subscribedsku-list.md`,
    odata: ["$select"],
    permissions: ["LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All"],
    usedFor: "served by the simulator only; mailferry does not call it",
  },
  {
    id: "mailbox.folders.list",
    method: "GET",
    path: `${MAILBOX}/folders`,
    page: `${DOCS}/mailbox-list-folders.md`,
    odata: ["$select", "$filter", "$top", "$skip", "$orderby", "$count", "$expand", "$skiptoken"],
    permissions: ["MailboxFolder.Read.All", "MailboxFolder.ReadWrite.All"],
    usedFor: "served by the simulator only; mailferry reads folders through folder delta",
  },
  {
    id: "mailbox.folders.create",
    method: "POST",
    path: `${MAILBOX}/folders`,
    page: `${DOCS}/mailbox-post-folders.md`,
    permissions: ["MailboxFolder.ReadWrite.All"],
    usedFor: "creating the source's top-level folders in the target",
  },
  {
    id: "mailboxFolder.delta",
    method: "GET",
    path: `${MAILBOX}/folders/delta`,
    page: `${DOCS}/mailboxfolder-delta.md`,
    odata: ["$select", "$top", "$skiptoken", "$deltatoken"],
    headers: ["prefer"],
    permissions: ["MailboxFolder.Read.All", "MailboxFolder.ReadWrite.All"],
    usedFor: "reading a mailbox's folder tree (source and target) at the start of every pass",
  },
  {
    id: "mailboxFolder.get",
    method: "GET",
    path: FOLDER,
    page: `${DOCS}/mailboxfolder-get.md`,
    odata: ["$select", "$expand"],
    permissions: ["MailboxFolder.Read.All", "MailboxFolder.ReadWrite.All"],
    usedFor: "resolving well-known folders (inbox, msgfolderroot, ...) by their well-known names",
  },
  {
    id: "mailboxFolder.update",
    method: "PATCH",
    path: FOLDER,
    page: `${DOCS}/mailboxfolder-update.md`,
    permissions: ["MailboxFolder.ReadWrite.All"],
    usedFor: "renaming a target folder whose source folder was renamed",
  },
  {
    id: "mailboxFolder.delete",
    method: "DELETE",
    path: `${FOLDER}/$ref`,
    page: `${DOCS}/mailbox-delete-folders.md`,
    permissions: ["MailboxFolder.ReadWrite.All"],
    usedFor:
      "deleting a target folder whose source folder was deleted (--mirror-deletions) or moved (its copy is rebuilt at the new place)",
  },
  {
    id: "mailboxFolder.childFolders.list",
    method: "GET",
    path: `${FOLDER}/childFolders`,
    page: `${DOCS}/mailboxfolder-list-childfolders.md`,
    odata: ["$select", "$filter", "$top", "$skip", "$orderby", "$count", "$expand", "$skiptoken"],
    permissions: ["MailboxFolder.Read.All", "MailboxFolder.ReadWrite.All"],
    usedFor: "served by the simulator only",
  },
  {
    id: "mailboxFolder.childFolders.create",
    method: "POST",
    path: `${FOLDER}/childFolders`,
    page: `${DOCS}/mailbox-post-folders.md`,
    permissions: ["MailboxFolder.ReadWrite.All"],
    usedFor: "creating the source's nested folders in the target",
  },
  {
    id: "mailboxFolder.items.list",
    method: "GET",
    path: `${FOLDER}/items`,
    page: `${DOCS}/mailboxfolder-list-items.md`,
    odata: ["$select", "$filter", "$top", "$skip", "$orderby", "$count", "$expand", "$skiptoken"],
    permissions: ["MailboxItem.Read.All"],
    usedFor: "served by the simulator only",
  },
  {
    id: "mailboxItem.delta",
    method: "GET",
    path: `${FOLDER}/items/delta`,
    page: `${DOCS}/mailboxitem-delta.md`,
    odata: ITEM_DELTA_ODATA,
    headers: ["prefer"],
    permissions: ["MailboxItem.Read.All"],
    usedFor:
      "source: what changed in each folder; target: finding the copy of an item whose import went unanswered (after a crash or a lost reply)",
  },
  {
    id: "mailboxItem.get",
    method: "GET",
    path: `${FOLDER}/items/{mailboxItemId}`,
    page: `${DOCS}/mailboxitem-get.md`,
    odata: ["$select", "$expand"],
    permissions: ["MailboxItem.Read.All"],
    usedFor:
      "naming a bad or too-large source item in its record: sender, received date and (MAILFERRY_BAD_ITEM_SUBJECTS) subject, one singleValueExtendedProperties expansion each (singlevaluelegacyextendedproperty-get.md)",
  },
  {
    id: "mailboxItem.delete",
    method: "DELETE",
    path: `${FOLDER}/items/{mailboxItemId}`,
    page: `${DOCS}/mailboxfolder-delete-items.md`,
    parameters: [{ name: "disposalType", required: true }],
    permissions: ["MailboxItem.ReadWrite.All"],
    usedFor:
      "deleting the old copy of an item that moved at the source, and (with --mirror-deletions) the copy of an item deleted at the source",
  },
  {
    id: "mailbox.exportItems",
    method: "POST",
    path: `${MAILBOX}/exportItems`,
    page: `${DOCS}/mailbox-exportitems.md`,
    permissions: ["MailboxItem.Export.All", "MailboxItem.ImportExport.All"],
    usedFor: "exporting items from the source, at most 20 a call",
  },
  {
    id: "mailbox.createImportSession",
    method: "POST",
    path: `${MAILBOX}/createImportSession`,
    page: `${DOCS}/mailbox-createimportsession.md`,
    permissions: ["MailboxItem.ImportExport.All"],
    usedFor: "opening the import URL items are posted to in the target",
  },
  {
    id: "user.sendMail",
    method: "POST",
    path: "/users/{userId}/sendMail",
    page: `${DOCS}/user-sendmail.md`,
    permissions: ["Mail.Send"],
    usedFor: "alert mail to operations, from the one sending mailbox",
  },
  {
    id: "user.messages.create",
    method: "POST",
    path: "/users/{userId}/messages",
    page: `${DOCS}/user-post-messages.md`,
    permissions: ["Mail.ReadWrite"],
    usedFor: "writing each cutover notice as a draft in the sending mailbox",
  },
  {
    id: "message.send",
    method: "POST",
    path: "/users/{userId}/messages/{messageId}/send",
    page: `${DOCS}/message-send.md`,
    permissions: ["Mail.Send"],
    usedFor: "sending the cutover notice's draft (a draft is sent at most once)",
  },
];

/** Calls outside the CSDL that the documentation describes: JSON batching and the import URL. */
export const PROTOCOL_OPERATIONS = [
  {
    id: "batch",
    method: "POST",
    path: "/$batch",
    page: "concepts/json-batching.md",
    permissions: [] as string[],
    usedFor: "served by the simulator; each part is checked like a request of its own",
  },
] as const;

/**
 * The import URL's request body (`concepts/import-exchange-mailbox-item.md`): not a Graph URL,
 * not in the metadata. Field names as the page spells them.
 */
export const IMPORT_URL_FIELDS = ["FolderId", "Mode", "Data", "ItemId", "ChangeKey"] as const;

/**
 * Beta-only surfaces, written by hand from the beta reference pages: v1.0 serves primary and
 * shared mailboxes only (`api-reference/v1.0/api/usersettings-list-exchange.md`), so an in-place
 * archive is reached through beta, with the same mailbox operations.
 */
export const BETA_SURFACE = {
  exchangeSettingsProperties: {
    page: "api-reference/beta/resources/exchangesettings.md",
    properties: ["id", "inPlaceArchiveMailboxId", "primaryMailboxId"],
  },
  /** The v1.0 mailbox operations also served under beta for archives (same pages under beta/). */
  mailboxOperations: [
    "exchangeSettings.get",
    "mailbox.folders.list",
    "mailbox.folders.create",
    "mailboxFolder.delta",
    "mailboxFolder.get",
    "mailboxFolder.update",
    "mailboxFolder.delete",
    "mailboxFolder.childFolders.list",
    "mailboxFolder.childFolders.create",
    "mailboxFolder.items.list",
    "mailboxItem.delta",
    "mailboxItem.get",
    "mailboxItem.delete",
    "mailbox.exportItems",
    "mailbox.createImportSession",
  ],
  redirects: {
    page: "concepts/handle-archive-mailbox-redirects.md",
    summary:
      "an expanded archive folder answers 308 with a Location under another mailbox id; exportItems answers ErrorArchiveFolderMovedPermanently per item with the URL to post to in the message; an import into an expanded folder answers 409 {Message} naming the mailbox to open a session on",
  },
} as const;

/** Properties the documentation gives a type and the CSDL does not (the docs' reading). */
export const DOCS_ONLY_PROPERTIES = [
  {
    type: "microsoft.graph.mailboxFolder",
    property: "wellKnownName",
    page: "api-reference/v1.0/resources/mailboxfolder.md",
  },
] as const;
