/**
 * An in-memory HybridExchange for unit tests: recipients, endpoints, batches and moves as plain
 * data that a test sets up and moves along itself (`setMove`). The contract suite holds it to the
 * behaviour of the real adapter against the simulator.
 */
import { ExchangeCommandError, ExchangeConflictError, ExchangeNotFoundError } from "./errors.js";
import type {
  BatchFacts,
  BatchRequest,
  EndpointFacts,
  HybridExchange,
  MailboxType,
  MigrationUserFacts,
  MoveFacts,
  MoveStatisticsFacts,
  MoveStatus,
  NewEndpointRequest,
  RecipientFacts,
} from "./port.js";

interface FakeBatch {
  readonly request: BatchRequest;
  completeAfter: Date;
  readonly users: string[];
}

export interface FakeMove extends MoveStatisticsFacts {
  readonly email: string;
  readonly mailboxType?: MailboxType;
  /** The user's own CompleteAfter, if set. */
  readonly userCompleteAfter?: string;
}

const MIGRATION_USER_STATUS: Readonly<Record<MoveStatus, string>> = {
  Queued: "Queued",
  InProgress: "Syncing",
  AutoSuspended: "Synced",
  Synced: "Synced",
  CompletionInProgress: "Completing",
  Completed: "Completed",
  CompletedWithWarning: "CompletedWithWarnings",
  CompletedWithSkippedItems: "CompletedWithWarnings",
  Failed: "Failed",
  Suspended: "Stopped",
  Retrying: "Syncing",
};

export class InMemoryHybridExchange implements HybridExchange {
  readonly mailUsers = new Map<string, RecipientFacts>();
  readonly mailboxes = new Map<string, RecipientFacts>();
  readonly endpoints = new Map<string, EndpointFacts>();
  readonly batches = new Map<string, FakeBatch>();
  readonly moves = new Map<string, FakeMove>();
  /** Calls made, by name, for tests that count them. */
  readonly calls: string[] = [];
  endpointReachable = true;

  requests(): number {
    return this.calls.length;
  }

  /** Changes a move as Exchange would have (tests). */
  setMove(email: string, change: Partial<Omit<FakeMove, "email">>): void {
    const move = this.moves.get(email.toLowerCase());
    if (move === undefined) throw new Error(`no move for ${email}`);
    this.moves.set(move.email, { ...move, ...change });
  }

  private record(name: string): void {
    this.calls.push(name);
  }

  testEndpoint(name: string): Promise<{ ok: boolean; detail: string }> {
    this.record("Test-MigrationServerAvailability");
    if (!this.endpoints.has(name.toLowerCase()))
      return Promise.reject(notFound("Test-MigrationServerAvailability", name));
    return Promise.resolve(
      this.endpointReachable
        ? { ok: true, detail: "" }
        : { ok: false, detail: "The connection to the server could not be completed." },
    );
  }

  findEndpoint(name: string): Promise<EndpointFacts | undefined> {
    this.record("Get-MigrationEndpoint");
    return Promise.resolve(this.endpoints.get(name.toLowerCase()));
  }

  createEndpoint(request: NewEndpointRequest): Promise<EndpointFacts> {
    this.record("New-MigrationEndpoint");
    if (this.endpoints.has(request.name.toLowerCase()))
      return Promise.reject(
        new ExchangeConflictError(
          "New-MigrationEndpoint",
          400,
          "MigrationEndpointDuplicateException",
          "exists",
        ),
      );
    const endpoint: EndpointFacts = {
      identity: request.name,
      remoteServer: request.remoteServer,
      maxConcurrentMigrations: request.maxConcurrentMigrations ?? 100,
      maxConcurrentIncrementalSyncs: request.maxConcurrentIncrementalSyncs ?? 20,
    };
    this.endpoints.set(request.name.toLowerCase(), endpoint);
    return Promise.resolve(endpoint);
  }

  findMailUser(identity: string): Promise<RecipientFacts | undefined> {
    this.record("Get-MailUser");
    return Promise.resolve(this.mailUsers.get(identity.toLowerCase()));
  }

  findMailbox(identity: string): Promise<RecipientFacts | undefined> {
    this.record("Get-Mailbox");
    return Promise.resolve(this.mailboxes.get(identity.toLowerCase()));
  }

  findMigrationUser(email: string): Promise<MigrationUserFacts | undefined> {
    this.record("Get-MigrationUser");
    const move = this.moves.get(email.toLowerCase());
    return Promise.resolve(
      move === undefined
        ? undefined
        : {
            identity: move.email,
            batchId: move.batch,
            status: MIGRATION_USER_STATUS[move.status],
            mailboxGuid: move.exchangeGuid,
          },
    );
  }

  addToBatch(request: BatchRequest): Promise<"created" | "added"> {
    this.record("Set-MigrationBatch");
    const key = request.name.toLowerCase();
    for (const user of request.users) {
      const existing = this.moves.get(user.email.toLowerCase());
      if (existing !== undefined && existing.batch !== key)
        return Promise.reject(
          new ExchangeConflictError(
            "Set-MigrationBatch",
            400,
            "MigrationUserAlreadyExistsException",
            `The user '${user.email}' already exists in the migration batch '${existing.batch}'.`,
          ),
        );
    }
    let batch = this.batches.get(key);
    const outcome = batch === undefined ? "created" : "added";
    if (batch === undefined) {
      if (!this.endpoints.has(request.endpoint.toLowerCase()))
        return Promise.reject(notFound("New-MigrationBatch", request.endpoint));
      batch = { request, completeAfter: request.completeAfter, users: [] };
      this.batches.set(key, batch);
    }
    for (const user of request.users) {
      const email = user.email.toLowerCase();
      if (this.moves.has(email)) continue;
      batch.users.push(email);
      const recipient = this.mailUsers.get(email);
      this.moves.set(email, {
        email,
        identity: email,
        exchangeGuid: recipient?.exchangeGuid ?? "00000000-0000-0000-0000-000000000000",
        status: "Queued",
        batch: key,
        statusDetail: "Queued",
        percentComplete: 0,
        bytesTransferred: 0,
        itemsTransferred: 0,
        ...(user.mailboxType !== undefined ? { mailboxType: user.mailboxType } : {}),
      });
    }
    return Promise.resolve(outcome);
  }

  async *listMoves(batch: string, status?: MoveStatus): AsyncIterable<readonly MoveFacts[]> {
    this.record("Get-MoveRequest");
    await Promise.resolve();
    const key = batch.toLowerCase();
    yield [...this.moves.values()]
      .filter((move) => move.batch === key && (status === undefined || move.status === status))
      .map(({ exchangeGuid, identity, status: moveStatus, batch: name }) => ({
        exchangeGuid,
        identity,
        status: moveStatus,
        batch: name,
      }));
  }

  moveStatistics(identity: string): Promise<MoveStatisticsFacts | undefined> {
    this.record("Get-MoveRequestStatistics");
    const key = identity.toLowerCase();
    const move =
      this.moves.get(key) ?? [...this.moves.values()].find((candidate) => candidate.exchangeGuid === key);
    if (move === undefined) return Promise.resolve(undefined);
    const batch = this.batches.get(move.batch);
    const { email: _email, mailboxType: _type, userCompleteAfter, ...facts } = move;
    return Promise.resolve({
      ...facts,
      ...(userCompleteAfter !== undefined
        ? { completeAfter: userCompleteAfter }
        : batch !== undefined
          ? { completeAfter: batch.completeAfter.toISOString() }
          : {}),
    });
  }

  listBatches(): Promise<BatchFacts[]> {
    this.record("Get-MigrationBatch");
    return Promise.resolve(
      [...this.batches.entries()].map(([name, batch]) => ({
        identity: name,
        status: "Syncing",
        totalCount: batch.users.length,
        completeAfter: batch.completeAfter.toISOString(),
      })),
    );
  }

  setUserCompleteAfter(email: string, at: Date): Promise<void> {
    this.record("Set-MigrationUser");
    const move = this.moves.get(email.toLowerCase());
    if (move === undefined) return Promise.reject(notFound("Set-MigrationUser", email));
    this.moves.set(move.email, { ...move, userCompleteAfter: at.toISOString() });
    return Promise.resolve();
  }

  setBatchCompleteAfter(name: string, at: Date): Promise<void> {
    this.record("Set-MigrationBatch");
    const batch = this.batches.get(name.toLowerCase());
    if (batch === undefined) return Promise.reject(notFound("Set-MigrationBatch", name));
    batch.completeAfter = at;
    return Promise.resolve();
  }

  approveSkippedItems(email: string): Promise<void> {
    this.record("Set-MigrationUser");
    const move = this.moves.get(email.toLowerCase());
    if (move === undefined) return Promise.reject(notFound("Set-MigrationUser", email));
    this.moves.set(move.email, { ...move, skippedItemApprovalTime: new Date().toISOString() });
    return Promise.resolve();
  }

  startUser(email: string): Promise<void> {
    this.record("Start-MigrationUser");
    const move = this.moves.get(email.toLowerCase());
    if (move === undefined) return Promise.reject(notFound("Start-MigrationUser", email));
    if (move.status !== "Failed" && move.status !== "Suspended")
      return Promise.reject(
        new ExchangeCommandError(
          "Start-MigrationUser",
          400,
          "MigrationPermanentException",
          `${email} is not failed or stopped`,
        ),
      );
    const { failureType: _type, message: _message, ...rest } = move;
    this.moves.set(move.email, { ...rest, status: "Queued", statusDetail: "Queued" });
    return Promise.resolve();
  }

  removeUser(email: string): Promise<"removed" | "absent"> {
    this.record("Remove-MigrationUser");
    const key = email.toLowerCase();
    const move = this.moves.get(key);
    if (move === undefined) return Promise.resolve("absent");
    this.moves.delete(key);
    const batch = this.batches.get(move.batch);
    if (batch !== undefined) batch.users.splice(batch.users.indexOf(key), 1);
    return Promise.resolve("removed");
  }
}

function notFound(cmdlet: string, identity: string): ExchangeNotFoundError {
  return new ExchangeNotFoundError(
    cmdlet,
    404,
    "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException",
    `The operation couldn't be performed because object '${identity}' couldn't be found.`,
  );
}
