/**
 * The Entra credential every Azure client of the app signs in with (Table Storage, Service Bus,
 * Application Insights ingestion). The Graph and Exchange apps sign in as app registrations of
 * their tenants instead (see `graph/credentials.ts`).
 */
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";

/** Which identity to sign in as. */
export interface AzureIdentity {
  /** A user-assigned managed identity's client id (`AZURE_CLIENT_ID`); unset for the default. */
  readonly clientId?: string | undefined;
  /**
   * Only a managed identity may sign in (the system-assigned one when no client id is given),
   * never a developer's sign-in: what an Application Insights authentication string asks for.
   */
  readonly managedIdentityOnly?: boolean;
}

/** Which credential an identity is signed in with. */
export type CredentialChoice =
  | { readonly kind: "managedIdentity"; readonly clientId?: string }
  | { readonly kind: "default" };

/**
 * The choice for an identity: the user-assigned managed identity when a client id is given;
 * otherwise DefaultAzureCredential, whose chain finds the app's managed identity in Azure and a
 * developer's Azure CLI or environment sign-in on a workstation (or, with `managedIdentityOnly`,
 * the system-assigned managed identity alone).
 */
export function chooseCredential(identity: AzureIdentity = {}): CredentialChoice {
  const { clientId } = identity;
  if (clientId !== undefined && clientId !== "") return { kind: "managedIdentity", clientId };
  return identity.managedIdentityOnly === true ? { kind: "managedIdentity" } : { kind: "default" };
}

/** One credential per choice for the process: each keeps its own token cache. */
const credentials = new Map<string, TokenCredential>();

/**
 * The Entra credential for an identity, as `chooseCredential` decides: the same instance for every
 * client that signs in the same way, so the process fetches each token once, not once per client.
 */
export function credentialFor(identity: AzureIdentity = {}): TokenCredential {
  const choice = chooseCredential(identity);
  const key = choice.kind === "default" ? "default" : `managed|${choice.clientId ?? ""}`;
  let credential = credentials.get(key);
  if (!credential) {
    if (choice.kind === "default") credential = new DefaultAzureCredential();
    else
      credential =
        choice.clientId === undefined
          ? new ManagedIdentityCredential()
          : new ManagedIdentityCredential({ clientId: choice.clientId });
    credentials.set(key, credential);
  }
  return credential;
}
