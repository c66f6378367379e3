/** Mailbox import/export API: folders, child folders and folder delta. */
import { z } from "zod";
import {
  type DeltaEntry,
  type DeltaState,
  deltaPage,
  inRound,
  readDeltaToken,
  writeDeltaToken,
} from "../delta.js";
import { GraphApiError } from "../errors.js";
import { pageSize, project } from "../http/odata.js";
import { ok } from "../http/respond.js";
import type { GraphResponse, Route, RouteContext } from "../http/types.js";
import {
  addFolder,
  deleteFolder,
  getFolderOrRoot,
  listedFolders,
  renameFolder,
  usedBytes,
} from "../model/mailbox.js";
import type { Folder, FolderClass, Mailbox } from "../model/types.js";
import { DEFAULT_PAGE, MAX_PAGE, offsetPage } from "./paging.js";
import {
  contextUrl,
  folderJson,
  mailboxParam,
  mailboxUrl,
  redirectIfExpanded,
  selectedOf,
  tokenFreshness,
} from "./resources.js";

export const READ_FOLDERS = ["MailboxFolder.Read.All", "MailboxFolder.ReadWrite.All"];
const WRITE_FOLDERS = ["MailboxFolder.ReadWrite.All"];

const FOLDER_CLASSES: readonly FolderClass[] = ["IPF.Note", "IPF.Appointment", "IPF.Contact", "IPF.Task"];

const newFolderBody = z.object({
  displayName: z.string().min(1),
  type: z.string().optional(),
});

function folderCollectionUrl(context: RouteContext, mailbox: Mailbox, parent: Folder | undefined): string {
  const base = `${mailboxUrl(context, mailbox)}/folders`;
  return parent ? `${base}/${encodeURIComponent(parent.id)}/childFolders` : base;
}

/** One page of a folder's children (the hidden root's children for the top level). */
function listChildren(context: RouteContext, mailbox: Mailbox, parent: Folder | undefined): GraphResponse {
  const holder = parent ?? (mailbox.folders.get(mailbox.rootId) as Folder);
  return offsetPage(context, {
    type: "microsoft.graph.mailboxFolder",
    url: folderCollectionUrl(context, mailbox, parent),
    select: selectedOf(context, "microsoft.graph.mailboxFolder"),
    entries: holder.childIds
      .map((id) => mailbox.folders.get(id))
      .filter((folder): folder is Folder => folder !== undefined),
    toJson: (folder) => folderJson(context, mailbox, folder),
  });
}

function createChild(context: RouteContext, mailbox: Mailbox, parentId: string): GraphResponse {
  if (mailbox.quotaBytes !== undefined && usedBytes(mailbox) >= mailbox.quotaBytes) {
    throw new GraphApiError(403, "ErrorQuotaExceeded", "The mailbox is over its quota.");
  }
  const parsed = newFolderBody.safeParse(context.request.body);
  if (!parsed.success) throw new GraphApiError(400, "ErrorInvalidRequest", "displayName is required.");
  const type = parsed.data.type ?? "IPF.Note";
  const folderClass = FOLDER_CLASSES.find((known) => known.toLowerCase() === type.toLowerCase());
  if (!folderClass)
    throw new GraphApiError(400, "ErrorInvalidRequest", `Folder type '${type}' is not supported.`);
  const folder = addFolder(mailbox, parentId, parsed.data.displayName, folderClass);
  return ok(
    {
      "@odata.context": contextUrl(context, `admin/exchange/mailboxes('${mailbox.id}')/folders/$entity`),
      ...folderJson(context, mailbox, folder),
    },
    201,
  );
}

function folderDelta(context: RouteContext, mailbox: Mailbox): GraphResponse {
  const skip = context.request.query.get("$skiptoken");
  const delta = context.request.query.get("$deltatoken");
  const expected = { kind: "folders" as const, mailboxId: mailbox.id };
  let state: DeltaState;
  if (skip !== null) {
    state = readDeltaToken(
      skip,
      expected,
      tokenFreshness(context, `${mailboxUrl(context, mailbox)}/folders/delta`, false),
    );
  } else if (delta !== null) {
    const fresh = tokenFreshness(context, `${mailboxUrl(context, mailbox)}/folders/delta`, true);
    state = { ...readDeltaToken(delta, expected, fresh), upto: mailbox.seq, after: undefined };
  } else {
    const select = selectedOf(context, "microsoft.graph.mailboxFolder");
    state = {
      ...expected,
      since: 0,
      upto: mailbox.seq,
      size: pageSize(context.request, DEFAULT_PAGE, MAX_PAGE).size,
      ...(select ? { select } : {}),
    };
  }
  const entries: DeltaEntry<Folder>[] = [];
  for (const folder of listedFolders(mailbox)) {
    if (inRound(folder.changedSeq, state))
      entries.push({ sortKey: folder.changedSeq, id: folder.id, value: folder });
  }
  if (state.since > 0) {
    for (const [id, seq] of mailbox.folderTombstones) {
      if (inRound(seq, state) && !mailbox.folders.has(id))
        entries.push({ sortKey: seq, id, value: undefined });
    }
  }
  const { page, last, cursor } = deltaPage(entries, state.after, state.size);
  const base = `${mailboxUrl(context, mailbox)}/folders/delta`;
  const body: Record<string, unknown> = {
    "@odata.context": contextUrl(context, "Collection(microsoft.graph.mailboxFolder)"),
    value: page.map((entry) =>
      entry.value
        ? project(folderJson(context, mailbox, entry.value), state.select)
        : { id: entry.id, "@removed": { reason: "deleted" } },
    ),
  };
  if (last) {
    const next: DeltaState = { ...state, since: state.upto, after: undefined };
    body["@odata.deltaLink"] = `${base}?$deltatoken=${writeDeltaToken(next)}`;
  } else {
    body["@odata.nextLink"] = `${base}?$skiptoken=${writeDeltaToken({ ...state, after: cursor })}`;
  }
  return ok(body);
}

const FOLDERS = "/admin/exchange/mailboxes/{mailboxId}/folders";

export const folderRoutes: readonly Route[] = [
  {
    method: "GET",
    pattern: FOLDERS,
    permissions: READ_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => listChildren(context, mailboxParam(context), undefined),
  },
  {
    method: "POST",
    pattern: FOLDERS,
    permissions: WRITE_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      return createChild(context, mailbox, mailbox.rootId);
    },
  },
  {
    method: "GET",
    pattern: `${FOLDERS}/delta`,
    permissions: READ_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => folderDelta(context, mailboxParam(context)),
  },
  {
    method: "GET",
    pattern: `${FOLDERS}/{folderId}`,
    permissions: READ_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      // A well-known name stands for its folder; `msgfolderroot` is the top of the mailbox.
      const folder = getFolderOrRoot(mailbox, context.params.folderId ?? "");
      redirectIfExpanded(context, mailbox, folder);
      const select = selectedOf(context, "microsoft.graph.mailboxFolder");
      return ok({
        "@odata.context": contextUrl(context, `admin/exchange/mailboxes('${mailbox.id}')/folders/$entity`),
        ...project(folderJson(context, mailbox, folder), select),
      });
    },
  },
  {
    method: "PATCH",
    pattern: `${FOLDERS}/{folderId}`,
    permissions: WRITE_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      const parsed = z.object({ displayName: z.string().min(1) }).safeParse(context.request.body);
      if (!parsed.success) throw new GraphApiError(400, "ErrorInvalidRequest", "displayName is required.");
      const folder = renameFolder(mailbox, context.params.folderId ?? "", parsed.data.displayName);
      return ok(folderJson(context, mailbox, folder));
    },
  },
  {
    // As api-reference/v1.0/api/mailbox-delete-folders.md writes it.
    method: "DELETE",
    pattern: `${FOLDERS}/{folderId}/$ref`,
    permissions: WRITE_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      deleteFolder(mailboxParam(context), context.params.folderId ?? "");
      return { status: 204 };
    },
  },
  {
    method: "GET",
    pattern: `${FOLDERS}/{folderId}/childFolders`,
    permissions: READ_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      const parent = getFolderOrRoot(mailbox, context.params.folderId ?? "");
      return listChildren(context, mailbox, parent.id === mailbox.rootId ? undefined : parent);
    },
  },
  {
    method: "POST",
    pattern: `${FOLDERS}/{folderId}/childFolders`,
    permissions: WRITE_FOLDERS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      return createChild(context, mailbox, getFolderOrRoot(mailbox, context.params.folderId ?? "").id);
    },
  },
];
