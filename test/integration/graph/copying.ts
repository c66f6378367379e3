/**
 * A plain mailbox copy through the real SDK for the simulator tests: folders by display-name path,
 * then items by export and import. A routing function may send some items to another target
 * mailbox (the archive, under an age policy), where their folder paths are created on demand.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { GraphSimulator } from "@mailferry/azure-local/graph";
import { type PlainResponse, createImportPoster } from "../../../shared/graph/client.js";
import { type FolderInfo, type ItemInfo, clientFor, folderTree, itemPages, mailboxPath } from "./helpers.js";

export interface Exported {
  itemId: string;
  changeKey?: string;
  data?: string;
  error?: { code: string; message: string };
}

export interface CopiedItem {
  itemId: string;
  changeKey: string;
  targetFolderId: string;
  targetMailboxId: string;
}

export interface MigrationResult {
  /** source item id -> the copy in the target */
  copies: Map<string, CopiedItem>;
  exportErrors: { itemId: string; code: string }[];
  importErrors: { itemId: string; status: number; code: string }[];
}

export interface CopyOptions {
  /**
   * The target mailbox id an item goes to; the main target when omitted or undefined. `young`
   * says whether the item was received on or after `cutoff`: receivedDateTime is no property of
   * mailboxItem, so that is learnt from the item delta filtered on it, the one place it is allowed.
   */
  destinationFor?: (item: ItemInfo, path: string, young: boolean) => string | undefined;
  /** The ISO time `young` is measured from. */
  cutoff?: string;
}

export async function exportBatch(
  client: Client,
  mailboxId: string,
  itemIds: readonly string[],
): Promise<Exported[]> {
  const reply = (await client.api(`${mailboxPath(mailboxId)}/exportItems`).post({ itemIds })) as {
    value: Exported[];
  };
  return reply.value;
}

/** The code of an import URL's error, which answers `{"Message": "<code>: ..."}`, not Graph's shape. */
export function errorCode(response: PlainResponse): string {
  const body = JSON.parse(response.text) as { error?: { code: string }; Message?: string };
  return body.error?.code ?? /^(\w+):/.exec(body.Message ?? "")?.[1] ?? "";
}

function parentOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
}

/** Creates `path` (and its missing ancestors) in a target tree, with the source folders' types. */
async function ensureFolder(
  target: Client,
  mailboxId: string,
  tree: Map<string, FolderInfo>,
  sourceTree: ReadonlyMap<string, FolderInfo>,
  path: string,
): Promise<FolderInfo> {
  const existing = tree.get(path);
  if (existing) return existing;
  const folder = sourceTree.get(path) as FolderInfo;
  const parentPath = parentOf(path);
  const parent = parentPath ? await ensureFolder(target, mailboxId, tree, sourceTree, parentPath) : undefined;
  const url = parent
    ? `${mailboxPath(mailboxId)}/folders/${parent.id}/childFolders`
    : `${mailboxPath(mailboxId)}/folders`;
  const created = (await target
    .api(url)
    .post({ displayName: folder.displayName, type: folder.type })) as FolderInfo;
  tree.set(path, created);
  return created;
}

/** Copies one source mailbox (primary or archive) into `targetMailboxId`, routing items as asked. */
export async function copyMailbox(
  simulator: GraphSimulator,
  sourceMailboxId: string,
  targetMailboxId: string,
  options: CopyOptions = {},
): Promise<MigrationResult> {
  const source = clientFor(simulator, "source", { version: "beta" });
  const target = clientFor(simulator, "target", { version: "beta" });
  const post = createImportPoster({ caCertPem: simulator.caCertPem });
  const sourceTree = await folderTree(source, sourceMailboxId);
  const trees = new Map<string, Map<string, FolderInfo>>();
  const sessions = new Map<string, string>();
  const treeOf = async (mailboxId: string): Promise<Map<string, FolderInfo>> => {
    const known = trees.get(mailboxId) ?? (await folderTree(target, mailboxId));
    trees.set(mailboxId, known);
    return known;
  };
  const importUrlOf = async (mailboxId: string): Promise<string> => {
    const known = sessions.get(mailboxId);
    if (known) return known;
    const session = (await target.api(`${mailboxPath(mailboxId)}/createImportSession`).post({})) as {
      importUrl: string;
    };
    sessions.set(mailboxId, session.importUrl);
    return session.importUrl;
  };
  // The main target gets the whole tree, empty folders included; others only what items need.
  const mainTree = await treeOf(targetMailboxId);
  const paths = [...sourceTree.keys()].sort((a, b) => a.split("/").length - b.split("/").length);
  for (const path of paths) await ensureFolder(target, targetMailboxId, mainTree, sourceTree, path);

  const result: MigrationResult = { copies: new Map(), exportErrors: [], importErrors: [] };
  for (const [path, folder] of sourceTree) {
    const { values } = await itemPages(
      source,
      `${mailboxPath(sourceMailboxId)}/folders/${folder.id}/items/delta`,
      "odata.maxpagesize=100",
    );
    const young = new Set<string>();
    if (options.cutoff !== undefined) {
      const filtered = await itemPages(
        source,
        `${mailboxPath(sourceMailboxId)}/folders/${folder.id}/items/delta?$filter=receivedDateTime ge ${options.cutoff}`,
      );
      for (const item of filtered.values) young.add(item.id);
    }
    const destinations = new Map(
      values.map((item) => [
        item.id,
        options.destinationFor?.(item, path, young.has(item.id)) ?? targetMailboxId,
      ]),
    );
    for (let start = 0; start < values.length; start += 20) {
      const batch = values.slice(start, start + 20).map((item) => item.id);
      for (const exported of await exportBatch(source, sourceMailboxId, batch)) {
        if (exported.error || !exported.data) {
          result.exportErrors.push({ itemId: exported.itemId, code: exported.error?.code ?? "none" });
          continue;
        }
        const mailboxId = destinations.get(exported.itemId) ?? targetMailboxId;
        const targetFolder = await ensureFolder(target, mailboxId, await treeOf(mailboxId), sourceTree, path);
        const reply = await post(
          await importUrlOf(mailboxId),
          JSON.stringify({ FolderId: targetFolder.id, Mode: "create", Data: exported.data }),
        );
        if (reply.status !== 200) {
          result.importErrors.push({ itemId: exported.itemId, status: reply.status, code: errorCode(reply) });
          continue;
        }
        const imported = JSON.parse(reply.text) as { itemId: string; changeKey: string };
        result.copies.set(exported.itemId, {
          ...imported,
          targetFolderId: targetFolder.id,
          targetMailboxId: mailboxId,
        });
      }
    }
  }
  return result;
}
