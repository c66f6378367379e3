/** Graph JSON shapes of simulator objects, and lookups shared by the route families. */
import type { TokenFreshness } from "../delta.js";
import { GraphApiError } from "../errors.js";
import { selected } from "../http/odata.js";
import type { RouteContext } from "../http/types.js";
import type { Folder, Item, Mailbox, User } from "../model/types.js";
import { findUser } from "../state.js";

/** What `$select` names for a type, as the request's version describes the type (checked already). */
export function selectedOf(context: RouteContext, typeName: string): string[] | undefined {
  return selected(
    context.request,
    typeName,
    context.state.surface.properties(typeName, context.request.version),
  );
}

/** How fresh a delta token of this collection must be, under the simulator's switches. */
export function tokenFreshness(
  context: RouteContext,
  restartUrl: string,
  deltaLink: boolean,
): TokenFreshness & { deltaLink: boolean } {
  return {
    lifetimeMs: context.state.realism.deltaTokenLifetimeSeconds * 1000,
    expiredBefore: context.state.deltaTokensExpiredBefore,
    restartUrl,
    deltaLink,
  };
}

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
  // A licence assigned moments ago: Exchange Online is still provisioning the mailbox.
  if (!mailbox || (mailbox.availableAt !== undefined && Date.now() < mailbox.availableAt)) {
    throw new GraphApiError(
      404,
      "MailboxNotEnabledForRESTAPI",
      "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    );
  }
  return mailbox;
}

/**
 * An expanded archive folder read through the main archive: its content is in an auxiliary
 * archive, and Graph answers 308 with the same path under that mailbox
 * (concepts/handle-archive-mailbox-redirects.md).
 */
export function redirectIfExpanded(context: RouteContext, mailbox: Mailbox, folder: Folder): void {
  const aux = folder.expandedTo;
  if (aux === undefined || aux === mailbox.id) return;
  const segments = context.request.path.split("/");
  // /admin/exchange/mailboxes/{mailboxId}/...: the id is the fifth segment (the first is empty).
  segments[4] = encodeURIComponent(aux);
  context.state.recorder.count("redirect 308");
  const query = context.request.query.toString();
  const location = `${context.state.baseUrl}/${context.request.version}${segments.join("/")}${query ? `?${query}` : ""}`;
  throw new GraphApiError(308, "PermanentRedirect", "", { Location: location });
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
  // v1.0 serves primary and shared mailboxes (api-reference/v1.0/api/usersettings-list-exchange.md);
  // archives are beta's. How v1.0 answers an archive's id is not documented: a 404 here.
  if (mailbox.kind === "archive" && context.request.version === "v1.0") {
    throw new GraphApiError(
      404,
      "ErrorNonExistentMailbox",
      `Mailbox '${id}' is an archive; v1.0 serves primary and shared mailboxes only.`,
    );
  }
  if (mailbox.outsideAppScope && context.tenant.side === "target") {
    // RBAC for Applications: the app's management scope leaves this mailbox out.
    throw new GraphApiError(
      403,
      "ErrorAccessDenied",
      "Access is denied: the mailbox is outside the management scope of the application's role assignment.",
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

/**
 * A folder as the mailbox API shows it. `wellKnownName` is the documentation's (not the
 * metadata's): the pipeline keeps it only when the simulator reads the docs that way.
 */
export function folderJson(
  _context: RouteContext,
  _mailbox: Mailbox,
  folder: Folder,
): Record<string, unknown> {
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentId ?? null,
    childFolderCount: folder.childIds.length,
    totalItemCount: folder.itemIds.size,
    type: folder.folderClass,
    wellKnownName: folder.wellKnownName ?? null,
  };
}

/** An item as the mailbox API shows it: receivedDateTime is no property of mailboxItem. */
export function itemJson(item: Item): Record<string, unknown> {
  return {
    id: item.id,
    type: item.itemClass,
    size: item.size,
    createdDateTime: new Date(item.createdMs).toISOString(),
    lastModifiedDateTime: new Date(item.modifiedMs).toISOString(),
    changeKey: item.changeKey,
    categories: [],
  };
}
