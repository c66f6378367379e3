/**
 * Mailbox import/export API: moving folders and items within a mailbox, and deleting items. Items
 * keep their ids when moved, and moves and deletions leave tombstones, so delta reports them.
 */
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import { ok } from "../http/respond.js";
import type { Route, RouteContext } from "../http/types.js";
import { deleteItem, moveFolder, moveItem } from "../model/mailbox.js";
import type { Mailbox } from "../model/types.js";
import { contextUrl, folderJson, itemJson, mailboxParam } from "./resources.js";

const WRITE_FOLDERS = ["MailboxFolder.ReadWrite.All"];
const WRITE_ITEMS = ["MailboxItem.ImportExport.All"];

/** The well-known name of the top of the mailbox (the hidden root), as Graph spells it. */
export const MSG_FOLDER_ROOT = "msgfolderroot";

const moveBody = z.object({ destinationId: z.string().min(1) });

function destinationOf(context: RouteContext): string {
  const parsed = moveBody.safeParse(context.request.body);
  if (!parsed.success) {
    throw new GraphApiError(400, "ErrorInvalidRequest", "destinationId must name the destination folder.");
  }
  return parsed.data.destinationId;
}

/** The folder id a destination names; well-known names are case-insensitive in Graph. */
function folderDestination(mailbox: Mailbox, destinationId: string): string {
  return destinationId.toLowerCase() === MSG_FOLDER_ROOT ? mailbox.rootId : destinationId;
}

const MAILBOX = "/admin/exchange/mailboxes/{mailboxId}";

export const moveRoutes: readonly Route[] = [
  {
    method: "POST",
    pattern: `${MAILBOX}/folders/{folderId}/move`,
    permissions: WRITE_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      const destination = folderDestination(mailbox, destinationOf(context));
      const folder = moveFolder(mailbox, context.params.folderId ?? "", destination);
      return ok({
        "@odata.context": contextUrl(context, `admin/exchange/mailboxes('${mailbox.id}')/folders/$entity`),
        ...folderJson(context, mailbox, folder),
      });
    },
  },
  {
    method: "POST",
    pattern: `${MAILBOX}/items/{itemId}/move`,
    permissions: WRITE_ITEMS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      const destination = destinationOf(context);
      const item = moveItem(mailbox, context.params.itemId ?? "", destination);
      return ok({
        "@odata.context": contextUrl(context, "microsoft.graph.mailboxItem"),
        ...itemJson(item),
      });
    },
  },
  {
    method: "DELETE",
    pattern: `${MAILBOX}/items/{itemId}`,
    permissions: WRITE_ITEMS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      deleteItem(mailboxParam(context), context.params.itemId ?? "");
      return { status: 204 };
    },
  },
];
