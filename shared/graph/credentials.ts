/**
 * Entra ID credentials for the Graph app: a client secret or a certificate, against the public
 * authority or a custom one (a sovereign cloud, or the local simulator, whose CA is trusted through
 * the credential's own HTTPS agent, never by turning verification off).
 */
import { Agent as HttpsAgent } from "node:https";
import { type SecureContext, createSecureContext, rootCertificates } from "node:tls";
import {
  AzureAuthorityHosts,
  ClientCertificateCredential,
  ClientSecretCredential,
  type ClientSecretCredentialOptions,
  type TokenCredential,
} from "@azure/identity";
import type { GraphConnection } from "../config/graph.js";
import { GraphConnectionError } from "./errors.js";

const PUBLIC_AUTHORITIES: ReadonlySet<string> = new Set(
  Object.values(AzureAuthorityHosts).map((host) => host.replace(/\/+$/, "").toLowerCase()),
);

const httpsAgents = new Map<string, HttpsAgent>();
const secureContexts = new Map<string, SecureContext>();

/**
 * A TLS context trusting the system roots plus `caCertPem` (public endpoints stay reachable through
 * the same transport). Built once per CA: parsing every root for each new connection is costly.
 */
export function trustingSecureContext(caCertPem: string): SecureContext {
  let context = secureContexts.get(caCertPem);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, caCertPem] });
    secureContexts.set(caCertPem, context);
  }
  return context;
}

/** One keep-alive HTTPS agent per extra CA, shared by every credential that trusts it. */
function httpsAgentFor(caCertPem: string): HttpsAgent {
  let agent = httpsAgents.get(caCertPem);
  if (!agent) {
    agent = new HttpsAgent({ secureContext: trustingSecureContext(caCertPem), keepAlive: true });
    httpsAgents.set(caCertPem, agent);
  }
  return agent;
}

/** Whether an authority host is one of Microsoft's clouds (instance discovery works there). */
export function isPublicAuthority(authorityHost: string): boolean {
  return PUBLIC_AUTHORITIES.has(authorityHost.replace(/\/+$/, "").toLowerCase());
}

/**
 * A token credential for the connection: ClientSecretCredential or ClientCertificateCredential.
 * Instance discovery is turned off for authorities Microsoft does not know (it would ask
 * login.microsoftonline.com to vouch for them).
 */
export type { GraphConnection };

export function createGraphCredential(connection: GraphConnection): TokenCredential {
  const { tenantId, clientId, clientSecret, certificatePath, authorityHost, caCertPem } = connection;
  if (!tenantId || !clientId)
    throw new GraphConnectionError("a Graph connection needs a tenant id and a client id");
  if (authorityHost !== undefined && !/^https:\/\//i.test(authorityHost)) {
    throw new GraphConnectionError(
      `the authority host must be an https:// URL, not ${JSON.stringify(authorityHost)}`,
    );
  }
  const options: ClientSecretCredentialOptions = {
    ...(authorityHost ? { authorityHost } : {}),
    ...(authorityHost && !isPublicAuthority(authorityHost) ? { disableInstanceDiscovery: true } : {}),
    ...(caCertPem ? { agent: httpsAgentFor(caCertPem) } : {}),
  };
  if (clientSecret) return new ClientSecretCredential(tenantId, clientId, clientSecret, options);
  if (certificatePath)
    return new ClientCertificateCredential(tenantId, clientId, { certificatePath }, options);
  throw new GraphConnectionError("a Graph connection needs a client secret or a certificate path");
}
