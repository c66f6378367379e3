/**
 * The Graph adapter of the mailbox port (./port.ts): users, mailbox ids, and the mailbox
 * import/export API through Microsoft Graph. Each call goes through the mailbox's governor;
 * failures are classified.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { MailboxGovernor } from "./governor.js";
import {
  classifyDeleteError,
  classifyGraphError,
  classifyImportReply,
  isExpiredDelta,
  statusOf,
} from "./graph-errors.js";
import type {
  ExportedItem,
  GraphUser,
  ImportedItem,
  ImportSession,
  ItemDeltaPage,
  ItemDetails,
  MailboxFolder,
  MailboxGraph,
  MailboxIds,
  MailboxItem,
} from "./port.js";
import { DeltaExpiredError, TransientTransferError } from "./errors.js";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

/** Posts to an import URL: a plain HTTPS call whose URL carries its own credential. */
export type ImportPoster = (
  url: string,
  body: string,
) => Promise<{ status: number; text: string; headers: Headers }>;

interface Paged<T> {
  value?: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

const MAILBOXES = "/admin/exchange/mailboxes";

function encode(id: string): string {
  return encodeURIComponent(id);
}

/**
 * The MAPI properties read for a bad item, as Graph names extended properties (`{type} {tag}`):
 * PidTagSubject, PidTagSenderEmailAddress and PidTagMessageDeliveryTime. mailboxItem exposes
 * none of them as a property; it offers singleValueExtendedProperties with $expand and one
 * `id eq` filter (api-reference/v1.0/api/singlevaluelegacyextendedproperty-get.md).
 */
const DETAIL_PROPERTIES = {
  subject: { type: "String", tag: 0x0037 },
  sender: { type: "String", tag: 0x0c1f },
  receivedDateTime: { type: "SystemTime", tag: 0x0e06 },
} as const;

/** `String 0x37` and `String 0x0037` are the same property: compared by type and tag. */
function sameProperty(id: string, property: { readonly type: string; readonly tag: number }): boolean {
  const match = /^(\w+)\s+0x([0-9a-f]+)$/i.exec(id.trim());
  return (
    match?.[1]?.toLowerCase() === property.type.toLowerCase() &&
    Number.parseInt(match[2] ?? "", 16) === property.tag
  );
}

/** Redirects followed for one call before it counts as failed. */
const MAX_REDIRECTS = 3;

/**
 * The mailbox an export redirect names: concepts/handle-archive-mailbox-redirects.md gives the
 * URL to post the item's export to in the error's message.
 */
function exportRedirect(entry: ExportedItem, graphOrigin: string | undefined): string | undefined {
  if (entry.error?.code !== "ErrorArchiveFolderMovedPermanently" || graphOrigin === undefined)
    return undefined;
  try {
    const url = new URL(entry.error.message ?? "");
    if (
      url.origin !== graphOrigin ||
      !/\/admin\/exchange\/mailboxes\/[^/]+\/exportItems$/i.test(url.pathname)
    ) {
      return undefined;
    }
    return url.toString();
  } catch {
    return undefined;
  }
}

export interface MailboxApiOptions {
  /** `https://graph.microsoft.com`: redirects are followed only to it. */
  readonly graphOrigin?: string;
}

/** Typed, governed, classified access to one tenant's users and mailboxes. */
export class MailboxApi implements MailboxGraph {
  private archiveApi: MailboxApi | undefined;

  /**
   * `mailboxClient` serves the mailbox import/export calls: the v1.0 client for primary and
   * shared mailboxes, the beta one for in-place archives (see `forArchives`).
   */
  constructor(
    private readonly client: Client,
    private readonly betaClient: Client,
    private readonly postImport: ImportPoster,
    private readonly options: MailboxApiOptions = {},
    private readonly mailboxClient: Client = client,
  ) {}

  /**
   * The same API with its mailbox calls on beta: v1.0 serves primary and shared mailboxes only
   * (api-reference/v1.0/api/usersettings-list-exchange.md); in-place archives are beta's.
   */
  forArchives(): MailboxApi {
    this.archiveApi ??= new MailboxApi(
      this.client,
      this.betaClient,
      this.postImport,
      this.options,
      this.betaClient,
    );
    return this.archiveApi;
  }

  /** The user, or undefined when the tenant has no such user. */
  async findUser(idOrUpn: string, governor?: MailboxGovernor): Promise<GraphUser | undefined> {
    const call = (): Promise<GraphUser> =>
      this.client
        .api(`/users/${encode(idOrUpn)}`)
        .select(["id", "userPrincipalName", "displayName", "mail", "usageLocation", "assignedLicenses"])
        .get() as Promise<GraphUser>;
    try {
      return governor ? await governor.run(call) : await call();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw classifyGraphError(error, "reading the user");
    }
  }

  /**
   * Mailbox ids of a user (api-reference/v1.0/api/usersettings-list-exchange.md); the archive's
   * id comes from beta, the only version that has it (api-reference/beta/resources/exchangesettings.md).
   */
  async mailboxIds(userId: string, withArchive: boolean): Promise<MailboxIds | undefined> {
    try {
      const client = withArchive ? this.betaClient : this.client;
      const settings = (await client.api(`/users/${encode(userId)}/settings/exchange`).get()) as MailboxIds;
      return settings;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw classifyGraphError(error, "reading mailbox settings");
    }
  }

  /**
   * Every folder of a mailbox, from one full read of the folder delta: a page holds many folders,
   * where walking the tree would cost a request per parent.
   */
  async listFolders(mailboxId: string, governor: MailboxGovernor): Promise<MailboxFolder[]> {
    const first = `${MAILBOXES}/${encode(mailboxId)}/folders/delta`;
    const all: MailboxFolder[] = [];
    let url: string | undefined = first;
    while (url !== undefined) {
      const target: string = url;
      const page = (await this.governed(governor, "listing folders", () =>
        target === first
          ? this.mailboxClient.api(target).header("Prefer", "odata.maxpagesize=250").get()
          : this.mailboxClient.api(target).get(),
      )) as Paged<MailboxFolder>;
      for (const folder of page.value ?? []) if (folder["@removed"] === undefined) all.push(folder);
      url = page["@odata.nextLink"];
    }
    return all;
  }

  /**
   * Well-known folders by name: a well-known name stands for the folder's id in a path (as in
   * api-reference/v1.0/api/mailboxfolder-delete-items.md and mailbox-post-folders.md), so each is
   * one read. Used where listings do not carry `wellKnownName`.
   */
  async wellKnownFolders(
    mailboxId: string,
    names: readonly string[],
    governor: MailboxGovernor,
  ): Promise<Map<string, MailboxFolder>> {
    const found = new Map<string, MailboxFolder>();
    await Promise.all(
      names.map(async (name) => {
        const path = `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(name)}`;
        try {
          const folder = (await governor.run(() =>
            this.mailboxClient.api(path).select(["id", "displayName", "parentFolderId", "type"]).get(),
          )) as MailboxFolder;
          found.set(name, folder);
        } catch (error) {
          // The mailbox has no such folder (an archive has no Drafts, say).
          if (statusOf(error) === 404) return;
          throw classifyGraphError(error, "reading a well-known folder");
        }
      }),
    );
    return found;
  }

  /**
   * Creates a folder at the root (no parent) or under a parent folder
   * (api-reference/v1.0/api/mailbox-post-folders.md: displayName and type are both required).
   */
  async createFolder(
    mailboxId: string,
    parentFolderId: string | undefined,
    displayName: string,
    type: string | undefined,
    governor: MailboxGovernor,
  ): Promise<MailboxFolder> {
    const path =
      parentFolderId === undefined
        ? `${MAILBOXES}/${encode(mailboxId)}/folders`
        : `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(parentFolderId)}/childFolders`;
    const created = await this.governed(governor, "creating a folder", () =>
      this.mailboxClient.api(path).post({ displayName, type: type || "IPF.Note" }),
    );
    return created as MailboxFolder;
  }

  /**
   * One page of a folder's item delta (api-reference/v1.0/api/mailboxitem-delta.md): start one
   * with no cursor, continue with the last link. An expired link is a DeltaExpiredError.
   */
  async itemDelta(
    mailboxId: string,
    folderId: string,
    cursor: string | undefined,
    pageSize: number,
    governor: MailboxGovernor,
    options: { readonly receivedSince?: string } = {},
  ): Promise<ItemDeltaPage> {
    const url = cursor ?? `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}/items/delta`;
    let page: Paged<MailboxItem>;
    try {
      page = (await governor.run(() => {
        const request = this.mailboxClient.api(url).header("Prefer", `odata.maxpagesize=${pageSize}`);
        // The one place the received date may be used: a filter given with the first request.
        if (cursor === undefined && options.receivedSince !== undefined) {
          request.filter(`receivedDateTime ge ${options.receivedSince}`);
        }
        return request.get();
      })) as Paged<MailboxItem>;
    } catch (error) {
      if (cursor !== undefined && isExpiredDelta(error)) throw new DeltaExpiredError({ cause: error });
      throw classifyGraphError(error, "reading the item delta");
    }
    const items: MailboxItem[] = [];
    const removedIds: string[] = [];
    for (const item of page.value ?? []) {
      if (item["@removed"] !== undefined) removedIds.push(item.id);
      else items.push(item);
    }
    return {
      items,
      removedIds,
      ...(page["@odata.nextLink"] ? { nextLink: page["@odata.nextLink"] } : {}),
      ...(page["@odata.deltaLink"] ? { deltaLink: page["@odata.deltaLink"] } : {}),
    };
  }

  /**
   * Exports up to 20 items (api-reference/v1.0/api/mailbox-exportitems.md); each result carries
   * its data or its own error. Items of an expanded archive folder answer
   * ErrorArchiveFolderMovedPermanently with the URL to export them from, which is followed.
   */
  async exportItems(
    mailboxId: string,
    itemIds: readonly string[],
    governor: MailboxGovernor,
  ): Promise<ExportedItem[]> {
    if (itemIds.length > 20) throw new RangeError("exportItems takes at most 20 ids");
    let results = await this.exportFrom(`${MAILBOXES}/${encode(mailboxId)}/exportItems`, itemIds, governor);
    for (let hop = 0; hop < MAX_REDIRECTS; hop += 1) {
      const moved = new Map<string, string[]>();
      for (const entry of results) {
        const url = exportRedirect(entry, this.options.graphOrigin);
        if (url) moved.set(url, [...(moved.get(url) ?? []), entry.itemId]);
      }
      if (moved.size === 0) break;
      const again = new Map<string, ExportedItem>();
      for (const [url, ids] of moved) {
        for (const entry of await this.exportFrom(url, ids, governor)) again.set(entry.itemId, entry);
      }
      results = results.map((entry) => again.get(entry.itemId) ?? entry);
    }
    return results;
  }

  private async exportFrom(
    url: string,
    itemIds: readonly string[],
    governor: MailboxGovernor,
  ): Promise<ExportedItem[]> {
    const response = (await this.governed(governor, "exporting items", () =>
      this.mailboxClient.api(url).post({ itemIds }),
    )) as Paged<ExportedItem & { Error?: ExportedItem["error"] }>;
    // The redirect page's example spells the error `Error`; the metadata, `error`.
    return (response.value ?? []).map(({ Error: capitalised, ...entry }) =>
      entry.error === undefined && capitalised !== undefined ? { ...entry, error: capitalised } : entry,
    );
  }

  /** Opens an import session on a mailbox (api-reference/v1.0/api/mailbox-createimportsession.md). */
  async createImportSession(mailboxId: string, governor: MailboxGovernor): Promise<ImportSession> {
    const session = (await this.governed(governor, "creating an import session", () =>
      this.mailboxClient.api(`${MAILBOXES}/${encode(mailboxId)}/createImportSession`).post({}),
    )) as ImportSession;
    return { importUrl: session.importUrl, expirationDateTime: session.expirationDateTime, mailboxId };
  }

  /**
   * Imports one item through a session (concepts/import-exchange-mailbox-item.md): a new item,
   * or an update of one imported before. The import URL answers in its own shape, not Graph's:
   * failures are read by status, and a body naming a code in either shape.
   */
  async importItem(
    session: ImportSession,
    request: { folderId: string; data: string; update?: { itemId: string; changeKey?: string } },
    governor: MailboxGovernor,
  ): Promise<ImportedItem> {
    const body = JSON.stringify({
      FolderId: request.folderId,
      Mode: request.update ? "update" : "create",
      Data: request.data,
      ...(request.update ? { ItemId: request.update.itemId } : {}),
      ...(request.update?.changeKey ? { ChangeKey: request.update.changeKey } : {}),
    });
    let reply: { status: number; text: string; headers: Headers };
    try {
      reply = await governor.run(() => this.postImport(session.importUrl, body), {
        uploadBytes: Buffer.byteLength(body),
      });
    } catch (error) {
      // No answer at all (reset, timeout): nothing says the item was refused, so try again.
      throw new TransientTransferError("importing an item failed with a network error", 0, { cause: error });
    }
    if (reply.status >= 200 && reply.status < 300) {
      const parsed = parseJson(reply.text) as {
        itemId?: string;
        ItemId?: string;
        changeKey?: string;
        ChangeKey?: string;
      };
      const itemId = parsed.itemId ?? parsed.ItemId;
      if (!itemId) throw new TransientTransferError("import answered without an item id", reply.status);
      const changeKey = parsed.changeKey ?? parsed.ChangeKey;
      return { itemId, ...(changeKey ? { changeKey } : {}) };
    }
    throw classifyImportReply(reply, Date.now());
  }

  async renameFolder(
    mailboxId: string,
    folderId: string,
    displayName: string,
    governor: MailboxGovernor,
  ): Promise<void> {
    const path = `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}`;
    await this.governed(governor, "renaming a folder", () =>
      this.mailboxClient.api(path).patch({ displayName }),
    );
  }

  /**
   * Deletes a folder as api-reference/v1.0/api/mailbox-delete-folders.md writes it
   * (`DELETE …/folders/{id}/$ref`). Should a service not take the `$ref` form (it deletes a
   * reference in OData, and the folder is contained, not referenced), the folder's own URL is
   * tried: both readings are tolerated.
   */
  async deleteFolder(mailboxId: string, folderId: string, governor: MailboxGovernor): Promise<void> {
    const path = `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}`;
    try {
      await governor.run(() => this.mailboxClient.api(`${path}/$ref`).delete());
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      if (status !== 400 && status !== 405) throw classifyGraphError(error, "deleting a folder");
      await this.ignoringGone(governor, "deleting a folder", () => this.mailboxClient.api(path).delete());
    }
  }

  /**
   * Deletes an item through its folder, the only documented way
   * (api-reference/v1.0/api/mailboxfolder-delete-items.md), as a soft delete: the copy goes where
   * the user's own deletions go (Recoverable Items), as Exchange does.
   */
  async deleteItem(
    mailboxId: string,
    folderId: string,
    itemId: string,
    governor: MailboxGovernor,
  ): Promise<void> {
    const path = `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}/items/${encode(itemId)}`;
    try {
      await governor.run(() => this.mailboxClient.api(path).query({ disposalType: "softDelete" }).delete());
    } catch (error) {
      // Gone already (a replay, or deleted twice): the effect asked for.
      if (statusOf(error) === 404) return;
      throw classifyDeleteError(error, "deleting an item");
    }
  }

  async itemDetails(
    mailboxId: string,
    folderId: string,
    itemId: string,
    governor: MailboxGovernor,
    options: { readonly subject: boolean },
  ): Promise<ItemDetails> {
    const path = `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}/items/${encode(itemId)}`;
    const wanted = (Object.keys(DETAIL_PROPERTIES) as (keyof typeof DETAIL_PROPERTIES)[]).filter(
      (name) => name !== "subject" || options.subject,
    );
    const read = async (name: keyof typeof DETAIL_PROPERTIES): Promise<[string, string | undefined]> => {
      const property = DETAIL_PROPERTIES[name];
      const id = `${property.type} 0x${property.tag.toString(16).padStart(4, "0")}`;
      try {
        const item = (await governor.run(() =>
          this.mailboxClient
            .api(path)
            .select("id")
            .expand(`singleValueExtendedProperties($filter=id eq '${id}')`)
            .get(),
        )) as { singleValueExtendedProperties?: { id?: string; value?: string }[] };
        const found = (item.singleValueExtendedProperties ?? []).find(
          (entry) => entry.id !== undefined && sameProperty(entry.id, property),
        );
        return [name, found?.value];
      } catch (error) {
        throw classifyGraphError(error, "reading a bad item's details");
      }
    };
    // One property per request: the documented filter names one extended property.
    const entries = await Promise.all(wanted.map(read));
    return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as ItemDetails;
  }

  /** Assigns a licence (SKU) to a user, keeping the licences it has. */
  async assignLicense(userId: string, skuId: string, governor?: MailboxGovernor): Promise<void> {
    const call = (): Promise<unknown> =>
      this.client.api(`/users/${encode(userId)}/assignLicense`).post({
        addLicenses: [{ skuId, disabledPlans: [] }],
        removeLicenses: [],
      }) as Promise<unknown>;
    try {
      await (governor ? governor.run(call) : call());
    } catch (error) {
      throw classifyGraphError(error, "assigning a licence");
    }
  }

  /**
   * Creates a plain-text mail to `to` as a draft in `fromUpn`'s mailbox (a licensed mailbox of this
   * tenant); returns its message id, which `sendDraft` sends.
   */
  async createDraft(fromUpn: string, to: string, subject: string, body: string): Promise<string> {
    try {
      const draft = (await this.client.api(`/users/${encode(fromUpn)}/messages`).post({
        subject,
        body: { contentType: "Text", content: body },
        toRecipients: [{ emailAddress: { address: to } }],
      })) as { id: string };
      return draft.id;
    } catch (error) {
      throw classifyGraphError(error, "writing the cutover notice");
    }
  }

  /**
   * Sends a draft. Exchange sends a draft at most once: once sent it is a draft no more, and
   * sending it again is refused (with the default, not immutable, item ids this client uses, it
   * is not found).
   */
  async sendDraft(fromUpn: string, messageId: string): Promise<void> {
    try {
      await this.client.api(`/users/${encode(fromUpn)}/messages/${encode(messageId)}/send`).post({});
    } catch (error) {
      throw classifyGraphError(error, "sending the cutover notice");
    }
  }

  /** A delete that finds nothing to delete has the effect asked for (a replay, or deleted twice). */
  private async ignoringGone(
    governor: MailboxGovernor,
    what: string,
    call: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await governor.run(call);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw classifyGraphError(error, what);
    }
  }

  private async governed(
    governor: MailboxGovernor,
    what: string,
    call: () => Promise<unknown>,
  ): Promise<unknown> {
    try {
      return await governor.run(call);
    } catch (error) {
      throw classifyGraphError(error, what);
    }
  }
}
