/** Directory endpoints: users, licences, mailbox settings and the mailbox ids of a user. */
import { z } from "zod";
import { GraphApiError } from "../errors.js";
import { ok } from "../http/respond.js";
import type { Route } from "../http/types.js";
import { ensureMailboxes } from "../seed/tenant.js";
import { selectedOf, contextUrl, primaryMailbox, userJson, userParam } from "./resources.js";

const READ_USERS = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

const assignLicenseBody = z.object({
  addLicenses: z.array(z.object({ skuId: z.string(), disabledPlans: z.array(z.string()).optional() })),
  removeLicenses: z.array(z.string()),
});

export const userRoutes: readonly Route[] = [
  {
    method: "GET",
    pattern: "/users/{userId}",
    permissions: READ_USERS,
    handle: (context) => {
      const user = userParam(context);
      const select = selectedOf(context, "microsoft.graph.user");
      const fragment = select ? `users(${select.join(",")})/$entity` : "users/$entity";
      return ok({ "@odata.context": contextUrl(context, fragment), ...userJson(user, select) });
    },
  },
  {
    method: "POST",
    pattern: "/users/{userId}/assignLicense",
    permissions: ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
    handle: (context) => {
      const user = userParam(context);
      const parsed = assignLicenseBody.safeParse(context.request.body);
      if (!parsed.success) {
        throw new GraphApiError(
          400,
          "Request_BadRequest",
          "The request body must contain addLicenses and removeLicenses.",
        );
      }
      if (!user.usageLocation) {
        throw new GraphApiError(
          400,
          "Request_BadRequest",
          "License assignment cannot be done for user with invalid usage location.",
        );
      }
      const skus = context.tenant.skus;
      for (const licence of parsed.data.addLicenses) {
        if (!skus.some((sku) => sku.skuId === licence.skuId)) {
          throw new GraphApiError(
            400,
            "Request_BadRequest",
            `License ${licence.skuId} does not correspond to a valid company License.`,
          );
        }
      }
      const kept = user.assignedLicenses.filter(
        (licence) => !parsed.data.removeLicenses.includes(licence.skuId),
      );
      const added = parsed.data.addLicenses
        .filter((licence) => !kept.some((existing) => existing.skuId === licence.skuId))
        .map((licence) => ({ skuId: licence.skuId, disabledPlans: licence.disabledPlans ?? [] }));
      user.assignedLicenses = [...kept, ...added];
      // An Exchange licence provisions the mailbox (at once here; minutes in Exchange Online).
      const mailLicence = skus.find((sku) => sku.includesExchange);
      if (mailLicence && user.assignedLicenses.some((licence) => licence.skuId === mailLicence.skuId)) {
        ensureMailboxes(context.tenant, user, user.wantsArchive, context.state.realism);
      }
      return ok({ "@odata.context": contextUrl(context, "users/$entity"), ...userJson(user, undefined) });
    },
  },
  {
    method: "GET",
    pattern: "/users/{userId}/mailboxSettings",
    permissions: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
    deniedCode: "ErrorAccessDenied",
    mailbox: (context) => primaryMailbox(context, userParam(context)),
    handle: (context) => {
      const user = userParam(context);
      return ok({
        "@odata.context": contextUrl(context, `users('${user.id}')/mailboxSettings`),
        archiveFolder: "",
        timeZone: user.timeZone,
        language: { locale: user.locale, displayName: "English (United Kingdom)" },
        dateFormat: "dd/MM/yyyy",
        timeFormat: "HH:mm",
        userPurpose: "user",
        delegateMeetingMessageDeliveryOptions: "sendToDelegateOnly",
        automaticRepliesSetting: { status: "disabled", externalAudience: "all" },
        workingHours: {
          daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"],
          startTime: "08:00:00.0000000",
          endTime: "17:00:00.0000000",
          timeZone: { name: user.timeZone },
        },
      });
    },
  },
  {
    method: "GET",
    pattern: "/users/{userId}/settings/exchange",
    permissions: ["User.Read.All", "User.ReadWrite.All"],
    mailbox: (context) => primaryMailbox(context, userParam(context)),
    handle: (context) => {
      const user = userParam(context);
      const mailbox = primaryMailbox(context, user);
      const body: Record<string, unknown> = {
        "@odata.context": contextUrl(context, `users('${user.id}')/settings/exchange/$entity`),
        primaryMailboxId: mailbox.id,
      };
      // The archive's id is exposed only in beta.
      if (context.request.version === "beta") body.inPlaceArchiveMailboxId = user.archiveMailboxId ?? null;
      return ok(body);
    },
  },
  {
    method: "GET",
    pattern: "/subscribedSkus",
    permissions: ["Organization.Read.All", "Directory.Read.All", "LicenseAssignment.ReadWrite.All"],
    handle: (context) =>
      ok({
        "@odata.context": contextUrl(context, "subscribedSkus"),
        value: context.tenant.skus.map((sku) => ({
          id: `${context.tenant.tenantId}_${sku.skuId}`,
          skuId: sku.skuId,
          skuPartNumber: sku.skuPartNumber,
          capabilityStatus: "Enabled",
          appliesTo: "User",
          consumedUnits: [...context.tenant.users.values()].filter((user) =>
            user.assignedLicenses.some((licence) => licence.skuId === sku.skuId),
          ).length,
          prepaidUnits: { enabled: 1_000_000, suspended: 0, warning: 0 },
        })),
      }),
  },
];
