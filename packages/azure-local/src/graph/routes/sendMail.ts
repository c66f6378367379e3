/**
 * Sending mail as a user: `POST /users/{id}/sendMail`, or a draft made with `POST
 * /users/{id}/messages` and sent with `POST /users/{id}/messages/{messageId}/send`. Sent mail is
 * kept in memory so notices can be observed. A sent draft is no longer a draft: sending it again
 * is a 404, as in Exchange, where a draft is sent at most once.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import type { RouteContext, Route } from "../http/types.js";
import type { User } from "../model/types.js";
import type { DraftMessage } from "../state.js";
import { primaryMailbox, userParam } from "./resources.js";

const recipients = z.array(
  z.object({ emailAddress: z.object({ address: z.string(), name: z.string().optional() }) }),
);

const sendMailBody = z.object({
  message: z.object({
    subject: z.string().optional(),
    body: z.object({ contentType: z.string().optional(), content: z.string() }).optional(),
    toRecipients: recipients.optional(),
    ccRecipients: recipients.optional(),
    bccRecipients: recipients.optional(),
  }),
  saveToSentItems: z.boolean().optional(),
});

const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Every recipient's address, or a Graph 400 when there is none or one is not an address. */
function recipientsOf(message: DraftMessage): string[] {
  const to = [
    ...(message.toRecipients ?? []),
    ...(message.ccRecipients ?? []),
    ...(message.bccRecipients ?? []),
  ].map((recipient) => recipient.emailAddress.address);
  if (to.length === 0 || to.some((address) => !ADDRESS.test(address))) {
    throw new GraphApiError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.");
  }
  return to;
}

function send(context: RouteContext, user: User, to: readonly string[], message: DraftMessage): void {
  context.state.sentMail.push({
    at: new Date().toISOString(),
    tenantId: context.tenant.tenantId,
    from: user.userPrincipalName,
    to,
    subject: message.subject ?? "",
    body: message.body?.content ?? "",
  });
}

function notFound(): GraphApiError {
  return new GraphApiError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
}

/** Mail is sent from, and drafts written to, the sending user's own mailbox. */
const sendersMailbox: Route["mailbox"] = (context) => primaryMailbox(context, userParam(context));

export const sendMailRoutes: readonly Route[] = [
  {
    method: "POST",
    pattern: "/users/{userId}/sendMail",
    permissions: ["Mail.Send"],
    deniedCode: "ErrorAccessDenied",
    mailbox: sendersMailbox,
    handle: (context) => {
      const user = userParam(context);
      const parsed = sendMailBody.safeParse(context.request.body);
      if (!parsed.success) {
        throw new GraphApiError(400, "ErrorInvalidRequest", "The request body must contain a message.");
      }
      const { message } = parsed.data;
      send(context, user, recipientsOf(message), message);
      return { status: 202 };
    },
  },
  {
    method: "POST",
    pattern: "/users/{userId}/messages",
    permissions: ["Mail.ReadWrite"],
    deniedCode: "ErrorAccessDenied",
    mailbox: sendersMailbox,
    handle: (context) => {
      const user = userParam(context);
      const parsed = sendMailBody.shape.message.safeParse(context.request.body);
      if (!parsed.success) {
        throw new GraphApiError(400, "ErrorInvalidRequest", "The request body is not a message.");
      }
      const message = parsed.data;
      const id = `AAMkAD${randomBytes(24).toString("base64url")}`;
      const addresses = (message.toRecipients ?? []).map((recipient) => recipient.emailAddress.address);
      context.state.drafts.set(id, {
        id,
        tenantId: context.tenant.tenantId,
        from: user.userPrincipalName,
        message,
      });
      return {
        status: 201,
        body: {
          id,
          isDraft: true,
          subject: message.subject ?? "",
          toRecipients: addresses.map((address) => ({ emailAddress: { address } })),
        },
      };
    },
  },
  {
    method: "POST",
    pattern: "/users/{userId}/messages/{messageId}/send",
    permissions: ["Mail.Send"],
    deniedCode: "ErrorAccessDenied",
    mailbox: sendersMailbox,
    handle: (context) => {
      const user = userParam(context);
      const id = context.params.messageId ?? "";
      const draft = context.state.drafts.get(id);
      if (!draft || draft.tenantId !== context.tenant.tenantId || draft.from !== user.userPrincipalName) {
        throw notFound();
      }
      const to = recipientsOf(draft.message);
      context.state.drafts.delete(id);
      send(context, user, to, draft.message);
      return { status: 202 };
    },
  },
];
