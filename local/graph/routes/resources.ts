/** Graph JSON shapes of simulator objects, and lookups shared by the route families. */
import { GraphApiError } from "../errors.js";
import type { RouteContext } from "../http/types.js";
import type { Folder, Item, Mailbox, User } from "../model/types.js";
import { findUser } from "../state.js";

/** `@odata.context` for a path of the $metadata document. */
export function contextUrl(context: RouteContext, fragment: string): string {
  return `${context.state.baseUrl}/${context.request.version}/$metadata#${fragment}`;
}

/** The mailbox API's base URL of a mailbox. */
export function mailboxUrl(context: RouteContext, mailbox: Mailbox): string {
  return `${context.state.baseUrl}/${context.request.version}/admin/exchange/mailboxes/${encodeURIComponent(mailbox.id)}`;
}

/** The user addressed by `{userId}` (object id or UPN) in the caller's tenant, or a Graph 404. */
export function userParam(context: RouteContext): User {
  const idOrUpn = context.params.userId ?? "";
  const user = findUser(context.tenant, idOrUpn);
  if (!user) {
    throw new GraphApiError(
      404,
      "Request_ResourceNotFound",
      `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return user;
}

/** The user's primary mailbox, or the 404 Graph gives for users without an Exchange Online mailbox. */
export function primaryMailbox(context: RouteContext, user: User): Mailbox {
  const mailbox = user.primaryMailboxId ? context.tenant.mailboxes.get(user.primaryMailboxId) : undefined;
  if (!mailbox) {
    throw new GraphApiError(
      404,
      "MailboxNotEnabledForRESTAPI",
      "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    );
  }
  return mailbox;
}

/** The mailbox addressed by `{mailboxId}` in the caller's tenant, or a 404. */
export function mailboxParam(context: RouteContext): Mailbox {
  const id = context.params.mailboxId ?? "";
  const mailbox = context.tenant.mailboxes.get(id);
  if (!mailbox) {
    throw new GraphApiError(
      404,
      "ErrorNonExistentMailbox",
      `No mailbox with id '${id}' exists in this tenant.`,
    );
  }
  return mailbox;
}

export const USER_PROPERTIES: readonly string[] = [
  "id",
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "accountEnabled",
  "assignedLicenses",
  "department",
  "mailNickname",
  "usageLocation",
];

const DEFAULT_USER_PROPERTIES = USER_PROPERTIES.slice(0, 11);

/** A user; without $select only Graph's default properties. */
export function userJson(user: User, select: readonly string[] | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.primaryMailboxId ? user.userPrincipalName : null,
    mobilePhone: null,
    officeLocation: user.officeLocation,
    preferredLanguage: user.locale,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: true,
    assignedLicenses: user.assignedLicenses.map((licence) => ({
      skuId: licence.skuId,
      disabledPlans: [...licence.disabledPlans],
    })),
    department: user.department,
    mailNickname: user.userPrincipalName.split("@")[0] ?? "",
    usageLocation: user.usageLocation,
  };
  const names = select ?? DEFAULT_USER_PROPERTIES;
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = all[name];
  if (select) out.id = user.id;
  return out;
}

export const FOLDER_PROPERTIES: readonly string[] = [
  "id",
  "displayName",
  "parentFolderId",
  "childFolderCount",
  "totalItemCount",
  "type",
  "parentMailboxUrl",
];

export function folderJson(context: RouteContext, mailbox: Mailbox, folder: Folder): Record<string, unknown> {
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentId ?? null,
    childFolderCount: folder.childIds.length,
    totalItemCount: folder.itemIds.size,
    type: folder.folderClass,
    parentMailboxUrl: mailboxUrl(context, mailbox),
  };
}

export const ITEM_PROPERTIES: readonly string[] = [
  "id",
  "type",
  "size",
  "receivedDateTime",
  "createdDateTime",
  "lastModifiedDateTime",
  "changeKey",
  "categories",
];

export function itemJson(item: Item): Record<string, unknown> {
  return {
    id: item.id,
    type: item.itemClass,
    size: item.size,
    receivedDateTime: new Date(item.receivedMs).toISOString(),
    createdDateTime: new Date(item.createdMs).toISOString(),
    lastModifiedDateTime: new Date(item.modifiedMs).toISOString(),
    changeKey: item.changeKey,
    categories: [],
  };
}
