/** Shared wiring for the Graph simulator integration tests: connections, clients, raw calls. */
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { fetch as undiciFetch } from "undici";
import type { GraphSimulator, SimulatedAccount } from "@mailferry/azure-local/graph";
import {
  type GraphClientOptions,
  type GraphConnection,
  createGraphClient,
  graphDispatcher,
} from "../../../shared/graph/client.js";

export type Side = "source" | "target";

/** A secret-based connection to one of the simulator's tenants. */
export function connectionFor(simulator: GraphSimulator, side: Side): GraphConnection {
  const credentials = simulator[side];
  return {
    baseUrl: simulator.baseUrl,
    authorityHost: simulator.authorityHost,
    tenantId: credentials.tenantId,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    caCertPem: simulator.caCertPem,
  };
}

export function clientFor(simulator: GraphSimulator, side: Side, options: GraphClientOptions = {}): Client {
  return createGraphClient(connectionFor(simulator, side), { maxRetries: 0, ...options });
}

/** A client of a newly registered app holding exactly these application permissions. */
export function appClient(simulator: GraphSimulator, side: Side, roles: readonly string[]): Client {
  const app = simulator.registerApp(side, roles);
  return createGraphClient(
    { ...connectionFor(simulator, side), clientId: app.clientId, clientSecret: app.clientSecret },
    { maxRetries: 0 },
  );
}

/** Runs a Graph call expected to fail and returns the SDK's GraphError. */
export async function graphError(call: Promise<unknown>): Promise<GraphError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
  throw new Error("the call succeeded but was expected to fail");
}

/** A raw HTTPS call to the simulator (to send what the SDK never would). */
export async function rawCall(
  simulator: GraphSimulator,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await undiciFetch(`${simulator.baseUrl}${path}`, {
    method: init.method ?? "GET",
    ...(init.headers ? { headers: init.headers } : {}),
    ...(init.body !== undefined ? { body: init.body } : {}),
    dispatcher: graphDispatcher({ caCertPem: simulator.caCertPem }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers as unknown as Headers,
    json: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}

/** The mailbox ids of a user. */
export async function mailboxIds(
  client: Client,
  upn: string,
): Promise<{ primaryMailboxId: string; inPlaceArchiveMailboxId?: string | null }> {
  return (await client.api(`/users/${upn}/settings/exchange`).get()) as {
    primaryMailboxId: string;
    inPlaceArchiveMailboxId?: string | null;
  };
}

export interface FolderInfo {
  id: string;
  displayName: string;
  parentFolderId: string;
  type: string;
  childFolderCount: number;
  totalItemCount: number;
  "@removed"?: { reason: string };
}

export interface ItemInfo {
  id: string;
  changeKey: string;
  createdDateTime: string;
  "@removed"?: { reason: string };
}

interface Page {
  value: unknown[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

interface Pages<T> {
  values: T[];
  deltaLink: string | undefined;
  pages: number;
}

/** Follows nextLinks to the end; returns every value and the final deltaLink, if any. */
async function allPages(client: Client, first: string, prefer?: string): Promise<Pages<unknown>> {
  const values: unknown[] = [];
  let url: string | undefined = first;
  let pages = 0;
  let deltaLink: string | undefined;
  while (url) {
    const request = client.api(url);
    if (prefer) request.header("Prefer", prefer);
    const page = (await request.get()) as Page;
    pages += 1;
    values.push(...page.value);
    url = page["@odata.nextLink"];
    deltaLink = page["@odata.deltaLink"] ?? deltaLink;
  }
  return { values, deltaLink, pages };
}

/** Every folder of a folder collection or folder delta, following nextLinks. */
export async function folderPages(
  client: Client,
  first: string,
  prefer?: string,
): Promise<Pages<FolderInfo>> {
  const result = await allPages(client, first, prefer);
  return { ...result, values: result.values as FolderInfo[] };
}

/** Every item of an item collection or item delta, following nextLinks. */
export async function itemPages(client: Client, first: string, prefer?: string): Promise<Pages<ItemInfo>> {
  const result = await allPages(client, first, prefer);
  return { ...result, values: result.values as ItemInfo[] };
}

/** Every folder of a mailbox with its display-name path, walking childFolders. */
export async function folderTree(client: Client, mailboxId: string): Promise<Map<string, FolderInfo>> {
  const byPath = new Map<string, FolderInfo>();
  const walk = async (url: string, prefix: string): Promise<void> => {
    const { values } = await folderPages(client, url);
    for (const folder of values) {
      const path = prefix ? `${prefix}/${folder.displayName}` : folder.displayName;
      byPath.set(path, folder);
      if (folder.childFolderCount > 0) {
        await walk(
          `/admin/exchange/mailboxes/${encodeURIComponent(mailboxId)}/folders/${folder.id}/childFolders`,
          path,
        );
      }
    }
  };
  await walk(`/admin/exchange/mailboxes/${encodeURIComponent(mailboxId)}/folders?$top=50`, "");
  return byPath;
}

export function mailboxPath(mailboxId: string): string {
  return `/admin/exchange/mailboxes/${encodeURIComponent(mailboxId)}`;
}

/** The `index`-th account the seed planted with `expectation`; throws when there is none. */
export function planted(
  accounts: readonly SimulatedAccount[],
  expectation: SimulatedAccount["expectation"],
  index = 0,
): SimulatedAccount {
  const found = accounts.filter((candidate) => candidate.expectation === expectation)[index];
  if (!found) throw new Error(`the seed planted no ${expectation} account #${index}`);
  return found;
}
