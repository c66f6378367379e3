/** Mailbox import/export API: items, item delta and exportItems. */
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
import { orderedByReceivedDesc, pageSize, project, receivedFilter } from "../http/odata.js";
import { ok } from "../http/respond.js";
import type { GraphResponse, Route, RouteContext } from "../http/types.js";
import { encodeExport } from "../model/exportData.js";
import { deleteItem, getFolder, getItem } from "../model/mailbox.js";
import type { Folder, Item, Mailbox } from "../model/types.js";
import { expandedProperties } from "./extendedProperties.js";
import { DEFAULT_PAGE, MAX_PAGE, offsetPage } from "./paging.js";
import {
  contextUrl,
  itemJson,
  mailboxParam,
  mailboxUrl,
  redirectIfExpanded,
  selectedOf,
  tokenFreshness,
} from "./resources.js";

const READ_ITEMS = ["MailboxItem.Read.All"];
const EXPORT_ITEMS = ["MailboxItem.Export.All", "MailboxItem.ImportExport.All"];
/** exportItems accepts at most this many ids per call. */
export const MAX_EXPORT_IDS = 20;

const exportBody = z.object({ itemIds: z.array(z.string()) });
const disposalTypes = ["softDelete", "hardDelete"] as const;

/**
 * The body's `itemIds`: the page spells it so, the CSDL's parameter is `ItemIds`; Graph matches
 * parameter names without regard to case, and so does this.
 */
function exportIds(body: unknown): unknown {
  if (body === null || typeof body !== "object") return body;
  const entry = Object.entries(body as Record<string, unknown>).find(
    ([name]) => name.toLowerCase() === "itemids",
  );
  return entry ? { itemIds: entry[1] } : {};
}

function itemsBase(context: RouteContext, mailbox: Mailbox, folder: Folder): string {
  return `${mailboxUrl(context, mailbox)}/folders/${encodeURIComponent(folder.id)}/items`;
}

function listItems(context: RouteContext, mailbox: Mailbox, folder: Folder): GraphResponse {
  return offsetPage(context, {
    type: "microsoft.graph.mailboxItem",
    url: itemsBase(context, mailbox, folder),
    select: selectedOf(context, "microsoft.graph.mailboxItem"),
    entries: [...folder.itemIds]
      .map((id) => mailbox.items.get(id))
      .filter((item): item is Item => item !== undefined)
      .sort((a, b) => b.receivedMs - a.receivedMs || (a.id < b.id ? -1 : 1)),
    toJson: itemJson,
  });
}

function passes(item: Item, filter: DeltaState["filter"]): boolean {
  if (!filter) return true;
  return filter.op === "ge" ? item.receivedMs >= filter.ms : item.receivedMs > filter.ms;
}

function itemDelta(context: RouteContext, mailbox: Mailbox, folder: Folder): GraphResponse {
  const skip = context.request.query.get("$skiptoken");
  const delta = context.request.query.get("$deltatoken");
  const expected = { kind: "items" as const, mailboxId: mailbox.id, folderId: folder.id };
  let state: DeltaState;
  let preferApplied: string | undefined;
  if (skip !== null) {
    state = readDeltaToken(
      skip,
      expected,
      tokenFreshness(context, `${itemsBase(context, mailbox, folder)}/delta`, false),
    );
  } else if (delta !== null) {
    const fresh = tokenFreshness(context, `${itemsBase(context, mailbox, folder)}/delta`, true);
    state = { ...readDeltaToken(delta, expected, fresh), upto: mailbox.seq, after: undefined };
  } else {
    const select = selectedOf(context, "microsoft.graph.mailboxItem");
    const filter = receivedFilter(context.request);
    const paging = pageSize(context.request, DEFAULT_PAGE, MAX_PAGE);
    preferApplied = paging.preferApplied;
    state = {
      ...expected,
      since: 0,
      upto: mailbox.seq,
      size: paging.size,
      ...(select ? { select } : {}),
      ...(filter ? { filter } : {}),
      ...(orderedByReceivedDesc(context.request) ? { descending: true } : {}),
    };
  }
  const entries: DeltaEntry<Item>[] = [];
  for (const id of folder.itemIds) {
    const item = mailbox.items.get(id);
    if (!item || !inRound(item.changedSeq, state) || !passes(item, state.filter)) continue;
    entries.push({ sortKey: state.descending ? -item.receivedMs : item.changedSeq, id, value: item });
  }
  if (state.since > 0) {
    for (const [id, seq] of folder.itemTombstones) {
      // Removals come first when ordering by date: they have no date to sort by.
      if (inRound(seq, state) && !folder.itemIds.has(id)) {
        entries.push({ sortKey: state.descending ? -Number.MAX_SAFE_INTEGER : seq, id, value: undefined });
      }
    }
  }
  const { page, last, cursor } = deltaPage(entries, state.after, state.size);
  const base = `${itemsBase(context, mailbox, folder)}/delta`;
  const body: Record<string, unknown> = {
    "@odata.context": contextUrl(context, "Collection(microsoft.graph.mailboxItem)"),
    value: page.map((entry) =>
      entry.value
        ? project(itemJson(entry.value), state.select)
        : { id: entry.id, "@removed": { reason: "deleted" } },
    ),
  };
  if (last) {
    body["@odata.deltaLink"] =
      `${base}?$deltatoken=${writeDeltaToken({ ...state, since: state.upto, after: undefined })}`;
  } else {
    body["@odata.nextLink"] = `${base}?$skiptoken=${writeDeltaToken({ ...state, after: cursor })}`;
  }
  return ok(body, 200, preferApplied ? { "Preference-Applied": preferApplied } : {});
}

function exportItems(context: RouteContext, mailbox: Mailbox): GraphResponse {
  const parsed = exportBody.safeParse(exportIds(context.request.body));
  if (!parsed.success || parsed.data.itemIds.length === 0) {
    throw new GraphApiError(400, "ErrorInvalidRequest", "itemIds must list the ids of the items to export.");
  }
  if (parsed.data.itemIds.length > MAX_EXPORT_IDS) {
    throw new GraphApiError(
      400,
      "ErrorInvalidRequest",
      `At most ${MAX_EXPORT_IDS} items can be exported in one request; ${parsed.data.itemIds.length} were given.`,
    );
  }
  const { maxItemBytes } = context.state.limits;
  let exported = 0;
  const value = parsed.data.itemIds.map((itemId) => {
    const item = mailbox.items.get(itemId);
    // An item of an expanded archive folder lives in an auxiliary archive: the error names the
    // URL to export it from (concepts/handle-archive-mailbox-redirects.md).
    const aux = item
      ? undefined
      : (mailbox.auxiliaries ?? []).find((id) => context.tenant.mailboxes.get(id)?.items.has(itemId));
    if (aux !== undefined) {
      context.state.recorder.count("redirect exportItems");
      return {
        itemId,
        error: {
          code: "ErrorArchiveFolderMovedPermanently",
          message: `${context.state.baseUrl}/${context.request.version}/admin/exchange/mailboxes/${encodeURIComponent(aux)}/exportItems`,
        },
      };
    }
    if (!item) {
      return {
        itemId,
        error: { code: "ErrorItemNotFound", message: "The item was not found in this mailbox." },
      };
    }
    if (item.trouble === "exportFails") {
      return {
        itemId,
        error: { code: "ErrorCorruptData", message: "The item is corrupt and cannot be exported." },
      };
    }
    if (item.size > maxItemBytes) {
      return {
        itemId,
        error: {
          code: "ErrorMessageSizeExceeded",
          message: `The item is ${item.size} bytes, over the limit of ${maxItemBytes} bytes.`,
        },
      };
    }
    exported += 1;
    const data = encodeExport({
      tenantId: mailbox.tenantId,
      // An auxiliary archive's items belong to the main archive: copies name that one.
      mailboxId: mailbox.auxiliaryOf ?? mailbox.id,
      itemId: item.id,
      version: item.version,
      itemClass: item.itemClass,
      size: item.size,
      receivedMs: item.receivedMs,
      createdMs: item.createdMs,
      subject: item.subject,
      ...(item.trouble === "importFails" ? { importFails: true } : {}),
    });
    return { itemId, changeKey: item.changeKey, data: data.toString("base64") };
  });
  context.state.counters.exported(mailbox, exported);
  return ok({
    "@odata.context": contextUrl(context, "Collection(microsoft.graph.exportItemResponse)"),
    value,
  });
}

const FOLDER = "/admin/exchange/mailboxes/{mailboxId}/folders/{folderId}";

function folderOf(context: RouteContext): { mailbox: Mailbox; folder: Folder } {
  const mailbox = mailboxParam(context);
  const folder = getFolder(mailbox, context.params.folderId ?? "");
  redirectIfExpanded(context, mailbox, folder);
  return { mailbox, folder };
}

export const itemRoutes: readonly Route[] = [
  {
    method: "GET",
    pattern: `${FOLDER}/items`,
    permissions: READ_ITEMS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const { mailbox, folder } = folderOf(context);
      return listItems(context, mailbox, folder);
    },
  },
  {
    method: "GET",
    pattern: `${FOLDER}/items/delta`,
    permissions: READ_ITEMS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const { mailbox, folder } = folderOf(context);
      return itemDelta(context, mailbox, folder);
    },
  },
  {
    method: "GET",
    pattern: `${FOLDER}/items/{itemId}`,
    permissions: READ_ITEMS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const { mailbox, folder } = folderOf(context);
      const item = getItem(mailbox, context.params.itemId ?? "");
      if (item.folderId !== folder.id) {
        throw new GraphApiError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
      }
      const select = selectedOf(context, "microsoft.graph.mailboxItem");
      return ok({
        "@odata.context": contextUrl(context, "microsoft.graph.mailboxItem"),
        ...project(itemJson(item), select),
        ...expandedProperties(context.request.query.get("$expand"), item),
      });
    },
  },
  {
    // api-reference/v1.0/api/mailboxfolder-delete-items.md: through the folder, with a disposalType.
    method: "DELETE",
    pattern: `${FOLDER}/items/{itemId}`,
    permissions: ["MailboxItem.ReadWrite.All"],
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const { mailbox, folder } = folderOf(context);
      const disposal = context.request.query.get("disposalType") ?? "";
      if (!disposalTypes.some((known) => known.toLowerCase() === disposal.toLowerCase())) {
        throw new GraphApiError(
          400,
          "ErrorInvalidRequest",
          `disposalType must be softDelete or hardDelete, not '${disposal}'.`,
        );
      }
      const item = getItem(mailbox, context.params.itemId ?? "");
      if (item.folderId !== folder.id) {
        throw new GraphApiError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
      }
      if (mailbox.onHold) {
        // The page: a protected item is not deleted and the request fails with 403.
        throw new GraphApiError(
          403,
          "ErrorCannotDeleteObject",
          "The item is protected by a hold or a retention label and can't be deleted.",
        );
      }
      deleteItem(mailbox, item.id);
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pattern: "/admin/exchange/mailboxes/{mailboxId}/exportItems",
    permissions: EXPORT_ITEMS,
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => exportItems(context, mailboxParam(context)),
  },
];
