/**
 * The HybridExchange port over Exchange Online's admin REST endpoint. Each method is one or two
 * cmdlets with parameters Microsoft's reference pages list for Exchange Online; answers are read
 * leniently (unknown properties are ignored, sizes read from Exchange's `1.2 GB (1,288,490,189
 * bytes)` text).
 */
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { ExchangeAdminClient } from "./client.js";
import { ExchangeConflictError, ExchangeError, ExchangeNotFoundError } from "./errors.js";
import {
  type BatchFacts,
  type BatchRequest,
  CONSISTENCY_SCORES,
  type EndpointFacts,
  type HybridExchange,
  type MigrationUserFacts,
  MOVE_STATUSES,
  type MoveFacts,
  type MoveStatisticsFacts,
  type MoveStatus,
  type NewEndpointRequest,
  type RecipientFacts,
  ZERO_GUID,
} from "./port.js";

const BATCH_PREFIX = "MigrationService:";

const text = z.string();
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);
const guid = z
  .string()
  .nullish()
  .transform((value) => (value ?? ZERO_GUID).toLowerCase());

/** A size as Exchange serialises ByteQuantifiedSize (`... (1,234 bytes)`), or a plain number. */
const size = z.union([z.number(), z.string(), z.null(), z.undefined()]).transform((value) => {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return 0;
  const bytes = /\(([\d,.\s]+) bytes\)/.exec(value)?.[1];
  if (bytes !== undefined) return Number(bytes.replace(/[,.\s]/g, ""));
  const plain = Number(value);
  return Number.isFinite(plain) ? plain : 0;
});

const count = z
  .union([z.number(), z.string(), z.null(), z.undefined()])
  .transform((value) => (typeof value === "number" ? value : Number(value ?? 0) || 0));

const recipient = z.looseObject({
  Identity: text,
  UserPrincipalName: optionalText,
  PrimarySmtpAddress: optionalText,
  ExchangeGuid: guid,
  ArchiveGuid: guid,
  ExternalDirectoryObjectId: optionalText,
  RecipientTypeDetails: optionalText,
});

const endpoint = z.looseObject({
  Identity: text,
  RemoteServer: optionalText,
  MaxConcurrentMigrations: count,
  MaxConcurrentIncrementalSyncs: count,
});

const migrationUser = z.looseObject({
  Identity: text,
  BatchId: optionalText,
  Status: text,
  MailboxGuid: optionalText,
});

const moveStatus = z.enum(MOVE_STATUSES);

const move = z.looseObject({
  Identity: text,
  ExchangeGuid: guid,
  Status: moveStatus,
  BatchName: optionalText,
});

const statistics = move.extend({
  StatusDetail: optionalText,
  PercentComplete: count,
  BytesTransferred: size,
  ItemsTransferred: count,
  TotalMailboxSize: size,
  TotalMailboxItemCount: count,
  TotalArchiveSize: size,
  TotalArchiveItemCount: count,
  BadItemsEncountered: count,
  LargeItemsEncountered: count,
  LastSuccessfulSyncTimestamp: optionalText,
  DataConsistencyScore: z.enum(CONSISTENCY_SCORES).nullish(),
  SkippedItemApprovalTime: optionalText,
  CompleteAfter: optionalText,
  FailureType: optionalText,
  Message: optionalText,
  CompletionTimestamp: optionalText,
  StartTimestamp: optionalText,
  InitialSeedingCompletedTimestamp: optionalText,
});

const batch = z.looseObject({
  Identity: text,
  Status: optionalText,
  TotalCount: count,
  CompleteAfter: optionalText,
});

const testResult = z.looseObject({ Result: text, Message: optionalText, ErrorDetail: optionalText });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ExchangeError(
      `${what} came back in an unexpected shape: ${result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  }
  return result.data;
}

function batchOf(name: string | undefined): string {
  const value = name ?? "";
  return value.startsWith(BATCH_PREFIX) ? value.slice(BATCH_PREFIX.length) : value;
}

function recipientFacts(value: unknown, what: string): RecipientFacts {
  const found = parse(recipient, value, what);
  return {
    identity: found.Identity,
    userPrincipalName: (found.UserPrincipalName ?? found.PrimarySmtpAddress ?? found.Identity).toLowerCase(),
    exchangeGuid: found.ExchangeGuid,
    archiveGuid: found.ArchiveGuid,
    ...(found.ExternalDirectoryObjectId !== undefined
      ? { externalDirectoryObjectId: found.ExternalDirectoryObjectId.toLowerCase() }
      : {}),
    recipientTypeDetails: found.RecipientTypeDetails ?? "",
  };
}

function moveFacts(value: z.infer<typeof move>): MoveFacts {
  return {
    exchangeGuid: value.ExchangeGuid,
    identity: value.Identity,
    status: value.Status,
    batch: batchOf(value.BatchName),
  };
}

/** A batch CSV: always EmailAddress and MailboxType, so every batch and AddUsers share one format. */
export function batchCsv(request: Pick<BatchRequest, "users">): string {
  return Buffer.from(
    stringify(
      request.users.map((user) => [user.email, user.mailboxType ?? ""]),
      { header: true, columns: ["EmailAddress", "MailboxType"] },
    ),
    "utf8",
  ).toString("base64");
}

async function absentIfNotFound<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ExchangeNotFoundError) return undefined;
    throw error;
  }
}

export class ExchangeOnline implements HybridExchange {
  constructor(private readonly client: ExchangeAdminClient) {}

  requests(): number {
    return this.client.stats.requests;
  }

  async testEndpoint(name: string): Promise<{ ok: boolean; detail: string }> {
    const [result] = await this.client.invoke("Test-MigrationServerAvailability", { Endpoint: name });
    const found = parse(testResult, result, "Test-MigrationServerAvailability");
    return {
      ok: found.Result.toLowerCase() === "success",
      detail: found.ErrorDetail ?? found.Message ?? "",
    };
  }

  async findEndpoint(name: string): Promise<EndpointFacts | undefined> {
    const found = await absentIfNotFound(() =>
      this.client.invoke("Get-MigrationEndpoint", { Identity: name }),
    );
    const first = found?.[0];
    return first === undefined ? undefined : endpointFacts(first);
  }

  async createEndpoint(request: NewEndpointRequest): Promise<EndpointFacts> {
    const [created] = await this.client.invoke("New-MigrationEndpoint", {
      Name: request.name,
      ExchangeRemoteMove: true,
      RemoteServer: request.remoteServer,
      Credentials: { UserName: request.userName, Password: request.password },
      ...(request.maxConcurrentMigrations !== undefined
        ? { MaxConcurrentMigrations: request.maxConcurrentMigrations }
        : {}),
      ...(request.maxConcurrentIncrementalSyncs !== undefined
        ? { MaxConcurrentIncrementalSyncs: request.maxConcurrentIncrementalSyncs }
        : {}),
    });
    return endpointFacts(created);
  }

  async findMailUser(identity: string): Promise<RecipientFacts | undefined> {
    const found = await absentIfNotFound(() => this.client.invoke("Get-MailUser", { Identity: identity }));
    return found?.[0] === undefined ? undefined : recipientFacts(found[0], "Get-MailUser");
  }

  async findMailbox(identity: string): Promise<RecipientFacts | undefined> {
    const found = await absentIfNotFound(() => this.client.invoke("Get-Mailbox", { Identity: identity }));
    return found?.[0] === undefined ? undefined : recipientFacts(found[0], "Get-Mailbox");
  }

  async findMigrationUser(email: string): Promise<MigrationUserFacts | undefined> {
    const found = await absentIfNotFound(() =>
      this.client.invoke("Get-MigrationUser", { EmailAddress: email }),
    );
    const first = found?.[0];
    if (first === undefined) return undefined;
    const user = parse(migrationUser, first, "Get-MigrationUser");
    return {
      identity: user.Identity.toLowerCase(),
      batchId: user.BatchId ?? "",
      status: user.Status,
      ...(user.MailboxGuid !== undefined ? { mailboxGuid: user.MailboxGuid.toLowerCase() } : {}),
    };
  }

  async addToBatch(request: BatchRequest): Promise<"created" | "added"> {
    const csv = batchCsv(request);
    try {
      await this.client.invoke("Set-MigrationBatch", {
        Identity: request.name,
        AddUsers: true,
        CSVData: csv,
      });
      return "added";
    } catch (error) {
      if (!(error instanceof ExchangeNotFoundError)) throw error;
    }
    try {
      await this.client.invoke("New-MigrationBatch", {
        Name: request.name,
        SourceEndpoint: request.endpoint,
        TargetDeliveryDomain: request.targetDeliveryDomain,
        ...(request.archiveDomain !== undefined ? { ArchiveDomain: request.archiveDomain } : {}),
        ...(request.primaryOnly ? { PrimaryOnly: true } : {}),
        CompleteAfter: request.completeAfter.toISOString(),
        AutoStart: true,
        CSVData: csv,
      });
      return "created";
    } catch (error) {
      // Another worker created the batch between the two calls: add to it after all.
      if (!(error instanceof ExchangeConflictError) || /User/i.test(error.type)) throw error;
      await this.client.invoke("Set-MigrationBatch", {
        Identity: request.name,
        AddUsers: true,
        CSVData: csv,
      });
      return "added";
    }
  }

  async *listMoves(batchName: string, status?: MoveStatus): AsyncIterable<readonly MoveFacts[]> {
    for await (const page of this.client.pages("Get-MoveRequest", {
      BatchName: `${BATCH_PREFIX}${batchName}`,
      ...(status !== undefined ? { Status: status } : {}),
      ResultSize: "Unlimited",
    })) {
      yield page.map((value) => moveFacts(parse(move, value, "Get-MoveRequest")));
    }
  }

  async moveStatistics(identity: string): Promise<MoveStatisticsFacts | undefined> {
    const found = await absentIfNotFound(() =>
      this.client.invoke("Get-MoveRequestStatistics", { Identity: identity }),
    );
    const first = found?.[0];
    if (first === undefined) return undefined;
    const stats = parse(statistics, first, "Get-MoveRequestStatistics");
    return {
      ...moveFacts(stats),
      statusDetail: stats.StatusDetail ?? "",
      percentComplete: stats.PercentComplete,
      bytesTransferred: stats.BytesTransferred,
      itemsTransferred: stats.ItemsTransferred,
      totalBytes: stats.TotalMailboxSize + stats.TotalArchiveSize,
      totalItems: stats.TotalMailboxItemCount + stats.TotalArchiveItemCount,
      badItems: stats.BadItemsEncountered,
      largeItems: stats.LargeItemsEncountered,
      ...(stats.LastSuccessfulSyncTimestamp !== undefined
        ? { lastSyncAt: stats.LastSuccessfulSyncTimestamp }
        : {}),
      ...(stats.DataConsistencyScore ? { score: stats.DataConsistencyScore } : {}),
      ...(stats.SkippedItemApprovalTime !== undefined
        ? { skippedItemApprovalTime: stats.SkippedItemApprovalTime }
        : {}),
      ...(stats.CompleteAfter !== undefined ? { completeAfter: stats.CompleteAfter } : {}),
      ...(stats.FailureType !== undefined ? { failureType: stats.FailureType } : {}),
      ...(stats.Message !== undefined && stats.Message !== "" ? { message: stats.Message } : {}),
      ...(stats.CompletionTimestamp !== undefined ? { completedAt: stats.CompletionTimestamp } : {}),
      ...(stats.StartTimestamp !== undefined ? { startedAt: stats.StartTimestamp } : {}),
      ...(stats.InitialSeedingCompletedTimestamp !== undefined
        ? { initialSyncedAt: stats.InitialSeedingCompletedTimestamp }
        : {}),
    };
  }

  async listBatches(): Promise<BatchFacts[]> {
    const found = await this.client.invoke("Get-MigrationBatch", { ResultSize: "Unlimited" });
    return found.map((value) => {
      const parsed = parse(batch, value, "Get-MigrationBatch");
      return {
        identity: parsed.Identity,
        status: parsed.Status ?? "",
        totalCount: parsed.TotalCount,
        ...(parsed.CompleteAfter !== undefined ? { completeAfter: parsed.CompleteAfter } : {}),
      };
    });
  }

  async setUserCompleteAfter(email: string, at: Date): Promise<void> {
    await this.client.invoke("Set-MigrationUser", { Identity: email, CompleteAfter: at.toISOString() });
  }

  async setBatchCompleteAfter(name: string, at: Date): Promise<void> {
    await this.client.invoke("Set-MigrationBatch", { Identity: name, CompleteAfter: at.toISOString() });
  }

  async approveSkippedItems(email: string): Promise<void> {
    await this.client.invoke("Set-MigrationUser", { Identity: email, ApproveSkippedItems: true });
  }

  async startUser(email: string): Promise<void> {
    await this.client.invoke("Start-MigrationUser", { Identity: email });
  }

  async removeUser(email: string): Promise<"removed" | "absent"> {
    try {
      await this.client.invoke("Remove-MigrationUser", { Identity: email, Confirm: false });
      return "removed";
    } catch (error) {
      if (error instanceof ExchangeNotFoundError) return "absent";
      throw error;
    }
  }
}

function endpointFacts(value: unknown): EndpointFacts {
  const found = parse(endpoint, value, "Get-MigrationEndpoint");
  return {
    identity: found.Identity,
    ...(found.RemoteServer !== undefined ? { remoteServer: found.RemoteServer } : {}),
    maxConcurrentMigrations: found.MaxConcurrentMigrations,
    maxConcurrentIncrementalSyncs: found.MaxConcurrentIncrementalSyncs,
  };
}
