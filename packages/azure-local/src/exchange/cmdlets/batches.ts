/**
 * Onboarding remote-move migration batches: New-, Set-, Get- and Complete-MigrationBatch. A batch's
 * CSV names its users (`EmailAddress`, optionally `MailboxType`: PrimaryAndArchive, PrimaryOnly or
 * ArchiveOnly, which overrides the batch's own choice, as Microsoft's "CSV files for mailbox
 * migration" describes); every user becomes a migration user with a move that MRS runs.
 */
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import type { BoundCall } from "../bind.js";
import { migrationError, notFound } from "../errors.js";
import type { Batch, MailboxType, Move } from "../model.js";
import { contentFor } from "../mrs.js";
import { type CmdletContext, type CmdletHandler, date, flag, iso, text } from "./context.js";
import { requireEndpoint } from "./endpoints.js";

const MAILBOX_TYPES: readonly MailboxType[] = ["PrimaryAndArchive", "PrimaryOnly", "ArchiveOnly"];
const KNOWN_COLUMNS = ["EmailAddress", "MailboxType"] as const;

interface CsvUser {
  readonly email: string;
  readonly mailboxType?: MailboxType;
}

function csvError(message: string): Error {
  return migrationError("MigrationCSVParseException", message);
}

/** Reads CSVData: a header with EmailAddress, then one user per row. */
function readCsv(call: BoundCall): { header: string[]; users: CsvUser[] } {
  const data = call.values.get("CSVData");
  if (!Buffer.isBuffer(data)) throw csvError("The CSV data is empty.");
  let rows: string[][];
  try {
    rows = parse(data, { bom: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw csvError(
      `The CSV data couldn't be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const [header, ...records] = rows;
  if (header === undefined) throw csvError("The CSV data has no header row.");
  const allowUnknown = call.values.get("AllowUnknownColumnsInCsv") === true;
  const index = new Map<string, number>();
  header.forEach((name, position) => {
    const known = KNOWN_COLUMNS.find((column) => column.toLowerCase() === name.toLowerCase());
    if (known === undefined) {
      if (!allowUnknown)
        throw csvError(`The column '${name}' in the CSV file isn't valid for this migration type.`);
      return;
    }
    index.set(known, position);
  });
  const emailAt = index.get("EmailAddress");
  if (emailAt === undefined) throw csvError("The CSV file must have an EmailAddress column.");
  const typeAt = index.get("MailboxType");
  const users = records.map((record, row) => {
    const email = (record[emailAt] ?? "").toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      throw csvError(`Row ${row + 2}: '${record[emailAt] ?? ""}' isn't a valid email address.`);
    const typeText = typeAt === undefined ? "" : (record[typeAt] ?? "");
    if (typeText === "") return { email };
    const mailboxType = MAILBOX_TYPES.find((type) => type.toLowerCase() === typeText.toLowerCase());
    if (mailboxType === undefined)
      throw csvError(`Row ${row + 2}: MailboxType '${typeText}' isn't one of ${MAILBOX_TYPES.join(", ")}.`);
    return { email, mailboxType };
  });
  return { header: header.map((name) => name.toLowerCase()), users };
}

function requireBatch(context: CmdletContext, identity: string): Batch {
  const batch = context.org.batches.get(identity.toLowerCase());
  if (batch === undefined) throw notFound(identity);
  return batch;
}

/** Adds the CSV's users not yet in the batch; a user in another batch refuses the whole call. */
function addUsers(context: CmdletContext, batch: Batch, users: readonly CsvUser[]): void {
  for (const user of users) {
    const existing = context.org.moves.get(user.email);
    if (existing !== undefined && existing.batch !== batch.identity.toLowerCase()) {
      throw migrationError(
        "MigrationUserAlreadyExistsException",
        `The user '${user.email}' already exists in the migration batch '${existing.batch}'.`,
      );
    }
  }
  for (const user of users) {
    if (context.org.moves.has(user.email)) continue;
    const type: MailboxType = user.mailboxType ?? (batch.primaryOnly ? "PrimaryOnly" : "PrimaryAndArchive");
    const source = context.org.onPrem.get(user.email);
    const content = contentFor(context.org, user.email, type);
    const move: Move = {
      requestGuid: context.random.guid(),
      email: user.email,
      batch: batch.identity.toLowerCase(),
      endpoint: batch.endpoint,
      mailboxType: type,
      exchangeGuid: source?.exchangeGuid ?? context.random.guid(),
      ...(source?.archiveGuid !== undefined ? { archiveGuid: source.archiveGuid } : {}),
      order: context.org.nextOrder++,
      createdAt: context.now,
      phase: "queued",
      status: "Queued",
      statusDetail: "Queued",
      totalBytes: content.bytes,
      totalItems: content.items,
      copiedBytes: 0,
      progressAt: context.now,
      copying: false,
      version: 0,
      skippedItems: 0,
      warning: false,
    };
    context.org.moves.set(user.email, move);
    batch.users.push(user.email);
    context.mrs.enqueue(move);
  }
}

export const newMigrationBatch: CmdletHandler = (call, context) => {
  if (call.set !== "Onboarding")
    throw migrationError(
      "MigrationPermanentException",
      "The simulator runs onboarding remote-move batches only (-SourceEndpoint).",
    );
  const name = text(call, "Name") ?? "";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
    throw migrationError("MigrationPermanentException", `'${name}' isn't a valid migration batch name.`);
  if (context.org.batches.has(name.toLowerCase()))
    throw migrationError(
      "MigrationBatchNameAlreadyUsedException",
      `A migration batch named '${name}' already exists.`,
    );
  const endpointName = text(call, "SourceEndpoint");
  if (endpointName === undefined)
    throw migrationError("MigrationPermanentException", "An onboarding remote move needs -SourceEndpoint.");
  const endpoint = requireEndpoint(context, endpointName);
  const targetDeliveryDomain = text(call, "TargetDeliveryDomain");
  if (targetDeliveryDomain === undefined)
    throw migrationError("MigrationPermanentException", "A remote move batch needs -TargetDeliveryDomain.");
  if (!flag(call, "AutoStart"))
    throw migrationError(
      "MigrationPermanentException",
      "The simulator starts batches only with -AutoStart (Start-MigrationBatch is not simulated).",
    );
  const csv = readCsv(call);
  const archiveDomain = text(call, "ArchiveDomain");
  const completeAfter = date(call, "CompleteAfter");
  const batch: Batch = {
    identity: name,
    guid: randomUUID(),
    endpoint: endpoint.identity.toLowerCase(),
    targetDeliveryDomain,
    ...(archiveDomain !== undefined ? { archiveDomain } : {}),
    primaryOnly: flag(call, "PrimaryOnly"),
    ...(completeAfter !== undefined ? { completeAfter: completeAfter.getTime() } : {}),
    createdAt: context.now,
    csvHeader: csv.header,
    users: [],
  };
  // Refuse before anything is created: a user may already be in another batch.
  context.org.batches.set(name.toLowerCase(), batch);
  try {
    addUsers(context, batch, csv.users);
  } catch (error) {
    context.org.batches.delete(name.toLowerCase());
    throw error;
  }
  return [batchView(context, batch)];
};

export const setMigrationBatch: CmdletHandler = (call, context) => {
  const batch = requireBatch(context, text(call, "Identity") ?? "");
  if (flag(call, "AddUsers")) {
    const csv = readCsv(call);
    if (csv.header.join(",") !== batch.csvHeader.join(","))
      throw migrationError(
        "MigrationCSVParseException",
        "The CSV file must have the same columns as the one the migration batch was created with.",
      );
    addUsers(context, batch, csv.users);
  } else if (call.values.has("CSVData")) {
    throw migrationError(
      "MigrationPermanentException",
      "Use -CSVData with -AddUsers to add users to the batch.",
    );
  }
  const completeAfter = date(call, "CompleteAfter");
  if (completeAfter !== undefined) {
    batch.completeAfter = completeAfter.getTime();
    for (const email of batch.users) {
      const move = context.org.moves.get(email);
      if (move !== undefined) context.mrs.completeAfterChanged(move);
    }
  }
  if (flag(call, "ApproveSkippedItems")) {
    for (const email of batch.users) {
      const move = context.org.moves.get(email);
      if (move === undefined || move.skippedItems === 0 || move.syncedAt === undefined) continue;
      move.skippedItemApprovalTime = context.now;
      context.mrs.approved(move);
    }
  }
  return [];
};

export const completeMigrationBatch: CmdletHandler = (call, context) => {
  const batch = requireBatch(context, text(call, "Identity") ?? "");
  batch.completeAfter = context.now;
  for (const email of batch.users) {
    const move = context.org.moves.get(email);
    if (move !== undefined) context.mrs.completeAfterChanged(move);
  }
  return [];
};

/** A batch and the counts of its users by state. */
export function batchView(context: CmdletContext, batch: Batch): Record<string, unknown> {
  const counts = { active: 0, synced: 0, finalized: 0, failed: 0, stopped: 0, pending: 0, warnings: 0 };
  for (const email of batch.users) {
    const move = context.org.moves.get(email);
    if (move === undefined) continue;
    if (move.phase === "queued") counts.pending += 1;
    else if (move.phase === "initial" || move.phase === "completing") counts.active += 1;
    else if (move.phase === "synced" || move.phase === "incremental") counts.synced += 1;
    else if (move.phase === "done") {
      counts.finalized += 1;
      if (move.status !== "Completed") counts.warnings += 1;
    } else if (move.phase === "failed") counts.failed += 1;
    else counts.stopped += 1;
  }
  const total = batch.users.length;
  const status =
    counts.active + counts.pending > 0
      ? "Syncing"
      : counts.finalized === total && total > 0
        ? "Completed"
        : counts.finalized + counts.failed === total && total > 0
          ? "CompletedWithErrors"
          : counts.failed > 0
            ? "SyncedwithErrors"
            : "Synced";
  return {
    Identity: batch.identity,
    BatchGuid: batch.guid,
    Status: status,
    MigrationType: "ExchangeRemoteMove",
    SourceEndpoint: batch.endpoint,
    TargetDeliveryDomain: batch.targetDeliveryDomain,
    ...(batch.archiveDomain !== undefined ? { ArchiveDomain: batch.archiveDomain } : {}),
    CompleteAfter: iso(batch.completeAfter),
    CreationDateTime: iso(batch.createdAt),
    TotalCount: total,
    ActiveCount: counts.active,
    PendingCount: counts.pending,
    SyncedCount: counts.synced,
    FinalizedCount: counts.finalized,
    FailedCount: counts.failed,
    StoppedCount: counts.stopped,
    CompletedWithWarningCount: counts.warnings,
  };
}

export const getMigrationBatch: CmdletHandler = (call, context) => {
  const identity = text(call, "Identity");
  if (identity !== undefined) return [batchView(context, requireBatch(context, identity))];
  const endpoint = text(call, "Endpoint")?.toLowerCase();
  const status = text(call, "Status");
  return [...context.org.batches.values()]
    .filter((batch) => endpoint === undefined || batch.endpoint === endpoint)
    .map((batch) => batchView(context, batch))
    .filter((view) => status === undefined || String(view.Status).toLowerCase() === status.toLowerCase());
};
