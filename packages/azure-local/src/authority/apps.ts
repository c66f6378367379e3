/**
 * App registrations of the simulated tenants and the application permissions (app roles) granted
 * to them. Tokens carry these roles; each Graph route names the roles that allow it.
 */
import { randomBytes } from "node:crypto";
import type { AppCertificate } from "./certificates.js";

/** Which of the simulated tenants an app is registered in. */
export type TenantSide = "source" | "target";

export interface AppRegistration {
  readonly clientId: string;
  readonly tenantId: string;
  readonly side: TenantSide;
  readonly displayName: string;
  readonly clientSecret: string;
  readonly certificate: AppCertificate | undefined;
  /** Application permissions granted with admin consent. */
  readonly roles: readonly string[];
  /** Object id of the app's service principal (the `oid` claim). */
  readonly servicePrincipalId: string;
}

/** What a migration app needs on the source side: read and export, plus notices. */
export const SOURCE_APP_ROLES: readonly string[] = [
  "User.Read.All",
  "MailboxSettings.Read",
  "MailboxFolder.Read.All",
  "MailboxItem.Read.All",
  "MailboxItem.Export.All",
  "Mail.Send",
];

/**
 * What a migration app needs on the target side: licences, folders, import, plus notices (written
 * as drafts in the sending mailbox, then sent).
 */
export const TARGET_APP_ROLES: readonly string[] = [
  "User.Read.All",
  "LicenseAssignment.ReadWrite.All",
  "Organization.Read.All",
  "MailboxSettings.Read",
  "MailboxFolder.ReadWrite.All",
  "MailboxItem.Read.All",
  "MailboxItem.ReadWrite.All",
  "MailboxItem.ImportExport.All",
  "Mail.Send",
  "Mail.ReadWrite",
];

/** A client secret in the shape Entra ID issues (40 characters, URL-safe). */
export function newClientSecret(): string {
  return `mfs${randomBytes(28).toString("base64url")}`.slice(0, 40);
}

/** All app registrations, findable by client id within a tenant. */
export class AppDirectory {
  private readonly apps = new Map<string, AppRegistration>();

  add(app: AppRegistration): void {
    this.apps.set(`${app.tenantId}|${app.clientId}`, app);
  }

  find(tenantId: string, clientId: string): AppRegistration | undefined {
    return this.apps.get(`${tenantId}|${clientId}`);
  }
}
