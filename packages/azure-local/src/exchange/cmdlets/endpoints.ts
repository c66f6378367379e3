/**
 * Migration endpoints: New-, Get-, Set-MigrationEndpoint and Test-MigrationServerAvailability.
 * Only ExchangeRemoteMove endpoints are simulated. The credential New-MigrationEndpoint is given
 * is checked against the on-premises administrator and never kept: from then on the endpoint
 * itself is what authenticates moves.
 */
import type { BoundCall, Credential } from "../bind.js";
import { migrationError, notFound } from "../errors.js";
import type { Endpoint } from "../model.js";
import { type CmdletContext, type CmdletHandler, flag, iso, text } from "./context.js";

const DEFAULT_MAX_MIGRATIONS = 100;
const DEFAULT_MAX_INCREMENTALS = 20;

export function endpointView(endpoint: Endpoint): Record<string, unknown> {
  return {
    Identity: endpoint.identity,
    EndpointType: "ExchangeRemoteMove",
    RemoteServer: endpoint.remoteServer,
    Username: endpoint.userName,
    MaxConcurrentMigrations: endpoint.maxConcurrentMigrations,
    MaxConcurrentIncrementalSyncs: endpoint.maxConcurrentIncrementalSyncs,
    IsRemote: true,
    LastModifiedTime: iso(endpoint.createdAt),
  };
}

function limit(call: BoundCall, name: string, fallback: number): number {
  const value = call.values.get(name);
  if (value === undefined) return fallback;
  if (typeof value !== "number" || value < 1)
    throw migrationError(
      "MigrationPermanentException",
      `The value of ${name} must be a whole number of at least 1.`,
    );
  return value;
}

export function requireEndpoint(context: CmdletContext, identity: string): Endpoint {
  const endpoint = context.org.endpoints.get(identity.toLowerCase());
  if (endpoint === undefined) throw notFound(identity);
  return endpoint;
}

/** Connects to the on-premises MRS proxy as the given administrator; the reason it fails, if it does. */
function connectionProblem(
  context: CmdletContext,
  remoteServer: string,
  credential: Credential | undefined,
): string | undefined {
  const admin = context.administrator;
  if (!context.org.sourceReachable || remoteServer.toLowerCase() !== admin.remoteServer.toLowerCase())
    return `The connection to the server '${remoteServer}' could not be completed.`;
  if (credential === undefined) return undefined;
  if (
    credential.userName.toLowerCase() !== admin.userName.toLowerCase() ||
    credential.password !== admin.password
  )
    return `The remote server '${remoteServer}' refused the credentials: access is denied (401 Unauthorized).`;
  return undefined;
}

export const newMigrationEndpoint: CmdletHandler = (call, context) => {
  if (call.set !== "ExchangeRemoteMove")
    throw migrationError(
      "MigrationPermanentException",
      "The simulator only creates ExchangeRemoteMove endpoints with -RemoteServer.",
    );
  const name = text(call, "Name") ?? "";
  const remoteServer = text(call, "RemoteServer") ?? "";
  if (context.org.endpoints.has(name.toLowerCase()))
    throw migrationError(
      "MigrationEndpointDuplicateException",
      `A migration endpoint named '${name}' already exists.`,
    );
  const credential = call.values.get("Credentials") as Credential | undefined;
  if (credential === undefined)
    throw migrationError(
      "MigrationPermanentException",
      "An ExchangeRemoteMove endpoint needs -Credentials for the on-premises MRS proxy.",
    );
  if (!flag(call, "SkipVerification")) {
    const problem = connectionProblem(context, remoteServer, credential);
    if (problem !== undefined) throw migrationError("MigrationServerConnectionFailedException", problem);
  }
  const endpoint: Endpoint = {
    identity: name,
    remoteServer,
    userName: credential.userName,
    maxConcurrentMigrations: limit(call, "MaxConcurrentMigrations", DEFAULT_MAX_MIGRATIONS),
    maxConcurrentIncrementalSyncs: limit(call, "MaxConcurrentIncrementalSyncs", DEFAULT_MAX_INCREMENTALS),
    createdAt: context.now,
  };
  context.org.endpoints.set(name.toLowerCase(), endpoint);
  return [endpointView(endpoint)];
};

export const getMigrationEndpoint: CmdletHandler = (call, context) => {
  const identity = text(call, "Identity");
  if (identity !== undefined) return [endpointView(requireEndpoint(context, identity))];
  return [...context.org.endpoints.values()].map(endpointView);
};

export const setMigrationEndpoint: CmdletHandler = (call, context) => {
  const endpoint = requireEndpoint(context, text(call, "Identity") ?? "");
  endpoint.maxConcurrentMigrations = limit(call, "MaxConcurrentMigrations", endpoint.maxConcurrentMigrations);
  endpoint.maxConcurrentIncrementalSyncs = limit(
    call,
    "MaxConcurrentIncrementalSyncs",
    endpoint.maxConcurrentIncrementalSyncs,
  );
  return [];
};

export const testMigrationServerAvailability: CmdletHandler = (call, context) => {
  if (call.set !== "TestEndpoint")
    throw migrationError(
      "MigrationPermanentException",
      "The simulator tests existing endpoints only (-Endpoint).",
    );
  const endpoint = requireEndpoint(context, text(call, "Endpoint") ?? "");
  const problem = connectionProblem(context, endpoint.remoteServer, undefined);
  return [
    {
      Result: problem === undefined ? "Success" : "Failed",
      Message: problem ?? "",
      ErrorDetail: problem ?? "",
      ConnectionSettings: { RemoteServer: endpoint.remoteServer },
      SupportsCutover: false,
    },
  ];
};
