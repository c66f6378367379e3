/**
 * `POST /users/{id}/sendMail`: accepted mail is kept in memory so notices can be observed; a copy
 * kept in Sent Items is listed by `GET /users/{id}/mailFolders/sentitems/messages`, the one mail
 * folder the simulator serves as messages.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import { selected, timeFilter } from "../http/odata.js";
import type { Route, RouteContext } from "../http/types.js";
import type { SentMail } from "../state.js";
import { offsetPage } from "./paging.js";
import { primaryMailbox, userParam } from "./resources.js";

const MESSAGE_PROPERTIES = ["sentDateTime", "subject", "toRecipients"] as const;

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

export const sendMailRoutes: readonly Route[] = [
  {
    method: "POST",
    pattern: "/users/{userId}/sendMail",
    permissions: ["Mail.Send"],
    deniedCode: "ErrorAccessDenied",
    mailbox: (context) => primaryMailbox(context, userParam(context)),
    handle: (context) => {
      const user = userParam(context);
      const parsed = sendMailBody.safeParse(context.request.body);
      if (!parsed.success) {
        throw new GraphApiError(400, "ErrorInvalidRequest", "The request body must contain a message.");
      }
      const { message } = parsed.data;
      const to = [
        ...(message.toRecipients ?? []),
        ...(message.ccRecipients ?? []),
        ...(message.bccRecipients ?? []),
      ].map((recipient) => recipient.emailAddress.address);
      if (to.length === 0 || to.some((address) => !ADDRESS.test(address))) {
        throw new GraphApiError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.");
      }
      context.state.sentMail.push({
        id: randomUUID(),
        at: new Date().toISOString(),
        savedToSentItems: parsed.data.saveToSentItems ?? true,
        tenantId: context.tenant.tenantId,
        from: user.userPrincipalName,
        to,
        subject: message.subject ?? "",
        body: message.body?.content ?? "",
      });
      return { status: 202 };
    },
  },
  {
    method: "GET",
    pattern: "/users/{userId}/mailFolders/{folderId}/messages",
    permissions: ["Mail.ReadBasic.All", "Mail.Read"],
    deniedCode: "ErrorAccessDenied",
    mailbox: (context) => primaryMailbox(context, userParam(context)),
    handle: (context) => listSentItems(context),
  },
];

/** The sender's Sent Items, oldest first, optionally since a time (`$filter=sentDateTime ge ...`). */
function listSentItems(context: RouteContext) {
  const user = userParam(context);
  const folderId = context.params.folderId ?? "";
  if (folderId.toLowerCase() !== "sentitems") {
    throw new GraphApiError(
      404,
      "ErrorItemNotFound",
      "The simulator lists messages of the sentitems folder only.",
    );
  }
  const filter = timeFilter(context.request, "sentDateTime");
  const entries = context.state.sentMail.filter((mail) => {
    if (!mail.savedToSentItems || mail.from !== user.userPrincipalName) return false;
    if (!filter) return true;
    const at = Date.parse(mail.at);
    return filter.op === "ge" ? at >= filter.ms : at > filter.ms;
  });
  const raw = context.request.query.get("$filter");
  return offsetPage<SentMail>(context, {
    type: "microsoft.graph.message",
    url: `${context.state.baseUrl}/${context.request.version}/users/${encodeURIComponent(user.id)}/mailFolders/sentitems/messages`,
    ...(raw ? { query: { $filter: raw } } : {}),
    select: selected(context.request, "microsoft.graph.message", MESSAGE_PROPERTIES),
    entries,
    toJson: (mail) => ({
      id: mail.id,
      sentDateTime: mail.at,
      subject: mail.subject,
      toRecipients: mail.to.map((address) => ({ emailAddress: { address } })),
    }),
  });
}
