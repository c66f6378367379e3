/**
 * A side's Graph import sessions (api-reference/v1.0/api/mailbox-createimportsession.md), and
 * importing through them: an expired session is renewed, and an import into an expanded archive
 * folder goes on through the mailbox the redirect names.
 */
import {
  ImportRedirectError,
  ImportSessionExpiredError,
  ItemRejectedError,
  PermanentTransferError,
} from "../graph/errors.js";
import type { FolderSide } from "./folders.js";
import type { ImportedItem, ImportSession } from "../graph/port.js";
import { withTransientRetry } from "../graph/retry.js";
import type { Destination, Targets } from "./slice.js";

/** An import URL this close to its expirationDateTime is replaced before use. */
const SESSION_MARGIN_MS = 60_000;

/** Tries of one import through renewed or redirected sessions before its error stands. */
const SESSION_TRIES = 4;

/**
 * A side's import sessions, one per mailbox (an expanded archive folder imports through its
 * auxiliary mailbox), shared by the slice's folders and renewed when one expires.
 */
export class ImportSessions {
  private readonly open = new Map<string, Promise<ImportSession>>();

  constructor(
    private readonly side: FolderSide,
    private readonly deadline: number,
  ) {}

  /** A session on `mailboxId` (the side's own mailbox by default) that is not about to expire. */
  async get(mailboxId = this.side.mailboxId): Promise<ImportSession> {
    let current = this.open.get(mailboxId);
    if (!current) {
      current = this.start(mailboxId);
      this.open.set(mailboxId, current);
    }
    const session = await current;
    // How long an import URL lives is told only by expirationDateTime, on the service's clock:
    // renewed ahead of it, measured on the wall clock.
    const expires = Date.parse(session.expirationDateTime);
    if (Number.isFinite(expires) && expires - Date.now() < SESSION_MARGIN_MS) return this.renew(session);
    return session;
  }

  async renew(stale: ImportSession): Promise<ImportSession> {
    const mailboxId = stale.mailboxId ?? this.side.mailboxId;
    const pending = this.open.get(mailboxId);
    if (pending && (await pending) !== stale) return pending;
    // Only the first caller to see the stale session replaces it; the others share the new one.
    if (this.open.get(mailboxId) === pending) this.open.set(mailboxId, this.start(mailboxId));
    return this.open.get(mailboxId) as Promise<ImportSession>;
  }

  /** Opens a session, turning a refused one into a permanent failure. */
  private async start(mailboxId: string): Promise<ImportSession> {
    try {
      return await withTransientRetry(
        () => this.side.api.createImportSession(mailboxId, this.side.governor),
        this.deadline,
        this.side.governor,
      );
    } catch (error) {
      if (error instanceof ItemRejectedError) {
        throw new PermanentTransferError(
          "ImportRefused",
          `the target refused an import session (${error.code})`,
          error.code,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/**
 * Imports through the destination's sessions: a stale session is renewed once, and an import
 * into an expanded archive folder goes on through a session on the mailbox the 409 names.
 */
export async function importWithSessions(
  destination: Destination,
  targets: Targets,
  importOnce: (session: ImportSession) => Promise<ImportedItem>,
): Promise<ImportedItem> {
  for (let tried = 1; ; tried += 1) {
    const redirected = targets.redirects.get(destination.folderId);
    const session = await destination.sessions.get(redirected);
    try {
      return await importOnce(session);
    } catch (error) {
      if (tried >= SESSION_TRIES) throw error;
      if (error instanceof ImportRedirectError) {
        targets.redirects.set(destination.folderId, error.mailboxId);
        continue;
      }
      if (!(error instanceof ImportSessionExpiredError)) throw error;
      return importOnce(await destination.sessions.renew(session));
    }
  }
}
