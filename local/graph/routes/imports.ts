/**
 * Import sessions: `createImportSession` hands out a pre-authenticated, expiring URL; items are
 * POSTed there without an Authorization header. Only data the simulator exported is accepted, and
 * the imported item remembers which source item version it is a copy of.
 */
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import { type Outcome, guarded } from "../http/pipeline.js";
import { errorResponse, ok } from "../http/respond.js";
import type { Route } from "../http/types.js";
import { decodeExport } from "../model/exportData.js";
import { addItem, getFolder, getItem, touchItem } from "../model/mailbox.js";
import type { SimulatorState } from "../state.js";
import { contextUrl, mailboxParam } from "./resources.js";

export const IMPORT_PATH_PREFIX = "/exchange-import/mailboxes/";

const importBody = z.object({
  FolderId: z.string().min(1),
  Mode: z.enum(["create", "update"]),
  Data: z.string().min(1),
  ItemId: z.string().optional(),
  ChangeKey: z.string().optional(),
});

export const importSessionRoutes: readonly Route[] = [
  {
    method: "POST",
    pattern: "/admin/exchange/mailboxes/{mailboxId}/createImportSession",
    permissions: ["MailboxItem.ImportExport.All"],
    deniedCode: "ErrorAccessDenied",
    mailbox: mailboxParam,
    handle: (context) => {
      const mailbox = mailboxParam(context);
      const expiresAtMs = Date.now() + context.state.importSessionSeconds * 1000;
      const token = context.state.tokens.issueImportToken(
        context.request.principal.app,
        mailbox.id,
        expiresAtMs,
      );
      const importUrl = `${context.state.baseUrl}${IMPORT_PATH_PREFIX}${encodeURIComponent(mailbox.id)}/importItem?authtoken=${token}`;
      return ok(
        {
          "@odata.context": contextUrl(context, "microsoft.graph.mailboxItemImportSession"),
          importUrl,
          expirationDateTime: new Date(expiresAtMs).toISOString(),
        },
        201,
      );
    },
  },
];

export interface ImportCall {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly requestId: string;
  readonly clientRequestId: string;
}

/** Handles a POST to an import URL. */
export function handleImport(state: SimulatorState, call: ImportCall): Promise<Outcome> {
  const ids = { requestId: call.requestId, clientRequestId: call.clientRequestId };
  const refuse = (status: number, code: string, message: string): Promise<Outcome> =>
    Promise.resolve(errorResponse(status, code, message, ids));
  if (call.headers.authorization !== undefined) {
    return refuse(
      400,
      "ErrorInvalidRequest",
      "The import URL is pre-authenticated; send no Authorization header.",
    );
  }
  const check = state.tokens.checkImportToken(call.query.get("authtoken") ?? "");
  if (!check.ok) {
    return refuse(
      401,
      "InvalidAuthenticationToken",
      check.expired ? "The import session has expired." : "The import URL is not valid.",
    );
  }
  const mailboxId = decodeURIComponent(call.path.slice(IMPORT_PATH_PREFIX.length).split("/")[0] ?? "");
  const { grant } = check;
  const tenant = Object.values(state.tenants).find((candidate) => candidate.tenantId === grant.app.tenantId);
  const mailbox = tenant?.mailboxes.get(grant.mailboxId);
  if (!mailbox || mailboxId !== grant.mailboxId) {
    return refuse(401, "InvalidAuthenticationToken", "The import URL is not valid for this mailbox.");
  }
  let input: z.infer<typeof importBody>;
  try {
    const parsed = importBody.safeParse(JSON.parse(call.body.toString("utf8")));
    if (!parsed.success) throw new Error(parsed.error.message);
    input = parsed.data;
  } catch {
    return refuse(400, "ErrorInvalidRequest", "The body must be JSON with FolderId, Mode and Data.");
  }
  return guarded(
    state,
    { app: grant.app, mailbox, bodyBytes: call.body.length, transportFaults: true, ids },
    () => {
      const folder = getFolder(mailbox, input.FolderId);
      const header = decodeExport(Buffer.from(input.Data, "base64"));
      if (header.importFails) {
        throw new GraphApiError(
          400,
          "ErrorCorruptData",
          "The item could not be imported: a property is corrupt.",
        );
      }
      const origin = {
        tenantId: header.tenantId,
        mailboxId: header.mailboxId,
        itemId: header.itemId,
        version: header.version,
      };
      if (input.Mode === "create") {
        const item = addItem(mailbox, folder.id, {
          itemClass: header.itemClass,
          size: header.size,
          receivedMs: header.receivedMs,
          createdMs: header.createdMs,
          subject: header.subject,
          origin,
        });
        state.counters.imported(mailbox);
        return ok({ itemId: item.id, changeKey: item.changeKey });
      }
      if (!input.ItemId || !input.ChangeKey) {
        throw new GraphApiError(400, "ErrorInvalidRequest", "Mode update needs ItemId and ChangeKey.");
      }
      const existing = getItem(mailbox, input.ItemId);
      if (existing.folderId !== folder.id) {
        throw new GraphApiError(400, "ErrorInvalidRequest", "The item to update is not in the given folder.");
      }
      if (existing.changeKey !== input.ChangeKey) {
        throw new GraphApiError(
          409,
          "ErrorIrresolvableConflict",
          "The change key does not match the current item.",
        );
      }
      existing.origin = origin;
      existing.subject = header.subject;
      const item = touchItem(mailbox, existing.id, Date.now(), header.size);
      state.counters.imported(mailbox);
      return ok({ itemId: item.id, changeKey: item.changeKey });
    },
  );
}
