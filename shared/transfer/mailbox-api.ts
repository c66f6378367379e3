/**
 * The slice of Microsoft Graph the transfer engine uses: users, mailbox ids, and the mailbox
 * import/export API. Each call goes through the mailbox's governor; failures are classified.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import type { MailboxGovernor } from "../graph/governor.js";
import { classifyGraphError, retryAtFrom, statusOf } from "./graph-errors.js";
import {
  ImportSessionExpiredError,
  ItemRejectedError,
  ThrottledError,
  TransientTransferError,
} from "./errors.js";

export interface GraphUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName?: string;
  readonly mail?: string | null;
  readonly usageLocation?: string | null;
  readonly assignedLicenses?: readonly { skuId: string }[];
}

export interface MailboxIds {
  readonly primaryMailboxId: string;
  readonly inPlaceArchiveMailboxId?: string | null;
}

export interface MailboxFolder {
  readonly id: string;
  readonly "@removed"?: { reason?: string };
  readonly displayName: string;
  readonly parentFolderId?: string | null;
  readonly childFolderCount?: number;
  readonly totalItemCount?: number;
  readonly type?: string;
}

export interface MailboxItem {
  readonly id: string;
  readonly size?: number;
  readonly receivedDateTime?: string;
  readonly createdDateTime?: string;
  readonly lastModifiedDateTime?: string;
  readonly changeKey?: string;
  readonly "@removed"?: { reason?: string };
}

export interface ItemDeltaPage {
  readonly items: readonly MailboxItem[];
  readonly removedIds: readonly string[];
  readonly nextLink?: string;
  readonly deltaLink?: string;
}

export interface ExportedItem {
  readonly itemId: string;
  readonly changeKey?: string;
  readonly data?: string;
  readonly error?: { code?: string; message?: string };
}

export interface ImportSession {
  readonly importUrl: string;
  readonly expirationDateTime: string;
}

export interface ImportedItem {
  readonly itemId: string;
  readonly changeKey?: string;
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

/** The mailbox operations the transfer engine needs (the Graph adapter below, or a test fake). */
export interface MailboxOperations {
  listFolders(mailboxId: string, governor: MailboxGovernor): Promise<MailboxFolder[]>;
  createFolder(
    mailboxId: string,
    parentFolderId: string | undefined,
    displayName: string,
    type: string | undefined,
    governor: MailboxGovernor,
  ): Promise<MailboxFolder>;
  itemDelta(
    mailboxId: string,
    folderId: string,
    cursor: string | undefined,
    pageSize: number,
    governor: MailboxGovernor,
  ): Promise<ItemDeltaPage>;
  exportItems(
    mailboxId: string,
    itemIds: readonly string[],
    governor: MailboxGovernor,
  ): Promise<ExportedItem[]>;
  createImportSession(mailboxId: string, governor: MailboxGovernor): Promise<ImportSession>;
  importItem(
    session: ImportSession,
    request: { folderId: string; data: string; update?: { itemId: string; changeKey?: string } },
    governor: MailboxGovernor,
  ): Promise<ImportedItem>;
  renameFolder(
    mailboxId: string,
    folderId: string,
    displayName: string,
    governor: MailboxGovernor,
  ): Promise<void>;
  /** Moves a folder under another, or to the top level when `parentFolderId` is undefined. */
  moveFolder(
    mailboxId: string,
    folderId: string,
    parentFolderId: string | undefined,
    governor: MailboxGovernor,
  ): Promise<void>;
  /** Deletes a folder and what it holds; a folder already gone is not an error. */
  deleteFolder(mailboxId: string, folderId: string, governor: MailboxGovernor): Promise<void>;
  moveItem(mailboxId: string, itemId: string, folderId: string, governor: MailboxGovernor): Promise<void>;
  /** Deletes an item; an item already gone is not an error. */
  deleteItem(mailboxId: string, itemId: string, governor: MailboxGovernor): Promise<void>;
}

/** Typed, governed, classified access to one tenant's users and mailboxes. */
export class MailboxApi implements MailboxOperations {
  constructor(
    private readonly client: Client,
    private readonly betaClient: Client,
    private readonly postImport: ImportPoster,
  ) {}

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

  /** Mailbox ids of a user; the archive id comes from beta, the only version that has it. */
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
          ? this.client.api(target).header("Prefer", "odata.maxpagesize=250").get()
          : this.client.api(target).get(),
      )) as Paged<MailboxFolder>;
      for (const folder of page.value ?? []) if (folder["@removed"] === undefined) all.push(folder);
      url = page["@odata.nextLink"];
    }
    return all;
  }

  /** Creates a folder at the root (no parent) or under a parent folder. */
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
      this.client.api(path).post({ displayName, ...(type ? { type } : {}) }),
    );
    return created as MailboxFolder;
  }

  /** One page of a folder's item delta: start one with no cursor, continue with the last link. */
  async itemDelta(
    mailboxId: string,
    folderId: string,
    cursor: string | undefined,
    pageSize: number,
    governor: MailboxGovernor,
  ): Promise<ItemDeltaPage> {
    const url = cursor ?? `${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}/items/delta`;
    const page = (await this.governed(governor, "reading the item delta", () =>
      this.client.api(url).header("Prefer", `odata.maxpagesize=${pageSize}`).get(),
    )) as Paged<MailboxItem>;
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

  /** Exports up to 20 items; each result carries its data or its own error. */
  async exportItems(
    mailboxId: string,
    itemIds: readonly string[],
    governor: MailboxGovernor,
  ): Promise<ExportedItem[]> {
    if (itemIds.length > 20) throw new RangeError("exportItems takes at most 20 ids");
    const response = (await this.governed(governor, "exporting items", () =>
      this.client.api(`${MAILBOXES}/${encode(mailboxId)}/exportItems`).post({ itemIds }),
    )) as Paged<ExportedItem>;
    return response.value ?? [];
  }

  /** Opens an import session on a mailbox. */
  async createImportSession(mailboxId: string, governor: MailboxGovernor): Promise<ImportSession> {
    return (await this.governed(governor, "creating an import session", () =>
      this.client.api(`${MAILBOXES}/${encode(mailboxId)}/createImportSession`).post({}),
    )) as ImportSession;
  }

  /** Imports one item through a session (a new item, or an update of one imported before). */
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
      const parsed = JSON.parse(reply.text) as {
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
    const error = { statusCode: reply.status, body: reply.text };
    if (
      reply.status === 401 ||
      reply.status === 410 ||
      (reply.status === 404 && /session/i.test(reply.text))
    ) {
      throw new ImportSessionExpiredError({ cause: error });
    }
    if (reply.status === 429) throw new ThrottledError(retryAtFrom(reply.headers, Date.now()));
    if (reply.status >= 500 || reply.status === 408) {
      throw new TransientTransferError(`importing an item failed with ${reply.status}`, reply.status);
    }
    const code = /"code"\s*:\s*"([^"]+)"/.exec(reply.text)?.[1] ?? `Http${reply.status}`;
    throw new ItemRejectedError(code, `importing an item failed with ${reply.status} ${code}`);
  }

  async renameFolder(
    mailboxId: string,
    folderId: string,
    displayName: string,
    governor: MailboxGovernor,
  ): Promise<void> {
    await this.governed(governor, "renaming a folder", () =>
      this.client.api(`${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}`).patch({ displayName }),
    );
  }

  async moveFolder(
    mailboxId: string,
    folderId: string,
    parentFolderId: string | undefined,
    governor: MailboxGovernor,
  ): Promise<void> {
    await this.governed(governor, "moving a folder", () =>
      this.client
        .api(`${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}/move`)
        .post({ destinationId: parentFolderId ?? "msgfolderroot" }),
    );
  }

  async deleteFolder(mailboxId: string, folderId: string, governor: MailboxGovernor): Promise<void> {
    await this.ignoringGone(governor, "deleting a folder", () =>
      this.client.api(`${MAILBOXES}/${encode(mailboxId)}/folders/${encode(folderId)}`).delete(),
    );
  }

  async moveItem(
    mailboxId: string,
    itemId: string,
    folderId: string,
    governor: MailboxGovernor,
  ): Promise<void> {
    await this.governed(governor, "moving an item", () =>
      this.client
        .api(`${MAILBOXES}/${encode(mailboxId)}/items/${encode(itemId)}/move`)
        .post({ destinationId: folderId }),
    );
  }

  async deleteItem(mailboxId: string, itemId: string, governor: MailboxGovernor): Promise<void> {
    await this.ignoringGone(governor, "deleting an item", () =>
      this.client.api(`${MAILBOXES}/${encode(mailboxId)}/items/${encode(itemId)}`).delete(),
    );
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
