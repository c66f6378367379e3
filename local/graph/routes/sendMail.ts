/** `POST /users/{id}/sendMail`: accepted mail is kept in memory so notices can be observed. */
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import type { Route } from "../http/types.js";
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
        at: new Date().toISOString(),
        tenantId: context.tenant.tenantId,
        from: user.userPrincipalName,
        to,
        subject: message.subject ?? "",
        body: message.body?.content ?? "",
      });
      return { status: 202 };
    },
  },
];
