/**
 * Import sessions: `createImportSession` hands out a pre-authenticated, expiring URL; items are
 * POSTed there without an Authorization header. Only data the simulator exported is accepted, and
 * the imported item remembers which source item version it is a copy of.
 */
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import { type Outcome, guarded } from "../http/pipeline.js";
import { ok } from "../http/respond.js";
import type { GraphResponse, Route } from "../http/types.js";
import { decodeExport } from "../model/exportData.js";
import { IMPORT_URL_FIELDS as IMPORT_FIELDS } from "../metadata/surface.js";
import { addItem, getFolder, getItem, touchItem, usedBytes } from "../model/mailbox.js";
import type { Mailbox } from "../model/types.js";
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
      if (mailbox.quotaBytes !== undefined && usedBytes(mailbox) >= mailbox.quotaBytes) {
        throw new GraphApiError(403, "ErrorQuotaExceeded", "The mailbox is over its quota.");
      }
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

/**
 * An import URL's error: not Graph's `{"error":{...}}` but a body of its own,
 * `{"Message": "..."}` (the one documented, in concepts/handle-archive-mailbox-redirects.md). The
 * code is put at the head of the message.
 */
function importError(status: number, code: string, message: string): GraphResponse {
  return { status, body: { Message: `${code}: ${message}` } };
}

const importFields = new Set(IMPORT_FIELDS.map((field) => field.toLowerCase()));

/** Handles a POST to an import URL. */
export function handleImport(state: SimulatorState, call: ImportCall): Promise<Outcome> {
  const ids = { requestId: call.requestId, clientRequestId: call.clientRequestId };
  const refuse = (status: number, code: string, message: string): Promise<Outcome> => {
    if (status === 400) {
      state.recorder.refuse({ version: "import", method: "POST", path: call.path, status, reason: message });
    }
    return Promise.resolve(importError(status, code, message));
  };
  if (call.headers.authorization !== undefined) {
    return refuse(
      400,
      "ErrorInvalidRequest",
      "The import URL is pre-authenticated; send no Authorization header.",
    );
  }
  const check = state.tokens.checkImportToken(call.query.get("authtoken") ?? "");
  if (!check.ok) {
    // Undocumented: how an expired import URL answers. A 401 here; the product takes others too.
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
    const raw = JSON.parse(call.body.toString("utf8")) as unknown;
    const unknown =
      raw !== null && typeof raw === "object"
        ? Object.keys(raw).find((field) => !importFields.has(field.toLowerCase()))
        : undefined;
    if (unknown !== undefined)
      return refuse(400, "ErrorInvalidRequest", `The field '${unknown}' is not known.`);
    const parsed = importBody.safeParse(raw);
    if (!parsed.success) throw new Error(parsed.error.message);
    input = parsed.data;
  } catch {
    return refuse(400, "ErrorInvalidRequest", "The body must be JSON with FolderId, Mode and Data.");
  }
  state.recorder.count("import importItem");
  return guarded(
    state,
    { app: grant.app, mailbox, bodyBytes: call.body.length, transportFaults: true, ids },
    () => {
      try {
        return importInto(state, mailbox, input);
      } catch (error) {
        if (error instanceof GraphApiError) return importError(error.status, error.code, error.message);
        throw error;
      }
    },
  );
}

/** Creates or updates the item an import posts, into the session's mailbox. */
function importInto(
  state: SimulatorState,
  mailbox: Mailbox,
  input: z.infer<typeof importBody>,
): GraphResponse {
  const folder = getFolder(mailbox, input.FolderId);
  if (folder.expandedTo !== undefined && folder.expandedTo !== mailbox.id) {
    state.recorder.count("redirect import");
    throw new GraphApiError(
      409,
      "ErrorImportRedirect",
      `Invalid import session. The target session is expected in mailbox ${folder.expandedTo}.`,
    );
  }
  const header = decodeExport(Buffer.from(input.Data, "base64"));
  if (header.importFails) {
    throw new GraphApiError(
      400,
      "ErrorCorruptData",
      "The item could not be imported: a property is corrupt.",
    );
  }
  const quota = mailbox.quotaBytes;
  if (quota !== undefined && usedBytes(mailbox) + header.size > quota) {
    throw new GraphApiError(403, "ErrorQuotaExceeded", "The mailbox is over its quota.");
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
}
