import { createHash } from "node:crypto";
import { z } from "zod";
import { passOf, type AccountRecord } from "../domain/index.js";
import { MalformedMessageError } from "./errors.js";

/**
 * Which part of an account's migration a slice belongs to (the words as shared/domain/glossary.ts
 * defines them): the initial copy, an incremental pass
 * that keeps a synced account current, or the cutover's final pass.
 */
export const PASSES = ["initial", "incremental", "cutover"] as const;
export type Pass = (typeof PASSES)[number];

const idPattern = /^[A-Za-z0-9._~@+-]{1,200}$/;

/** Version 1 of a message on the `moves` queue: one slice of one account's move. */
export const moveMessageV1 = z.strictObject({
  v: z.literal(1),
  waveId: z.string().regex(idPattern, "must be a wave id"),
  accountId: z.string().regex(idPattern, "must be an account id"),
  attempt: z.number().int().min(1),
  slice: z.number().int().min(0),
  pass: z.enum(PASSES),
  /** The account's pass number: 0 for the initial copy, then one more per pass (kept by a retry). */
  round: z.number().int().min(0),
  /**
   * Set when the sweeper re-sends a slice whose message was lost (dead-lettered, expired): a new
   * MessageId, or the broker would drop the re-send as a duplicate of the lost message.
   */
  resend: z.number().int().min(1).optional(),
  /**
   * How many times this slice was sent again because the invocation working it died (its
   * instance was lost): each such message starts with a fresh delivery count, so crashes do not
   * add up to a dead-letter; counted, so a message that kills its instance every time still ends
   * there.
   */
  recovered: z.number().int().min(1).optional(),
  /**
   * Set while pre-flight waits for a target mailbox still being provisioned: when it first found
   * the user licensed without one (epoch seconds), so the wait is bounded.
   */
  waitingSince: z.number().int().min(0).optional(),
});

export type MoveMessage = z.infer<typeof moveMessageV1>;

/** Longest MessageId Service Bus accepts. */
export const MAX_MESSAGE_ID = 128;

/**
 * `id` as a MessageId: itself when Service Bus accepts its length, else a digest of it. The same id
 * always gives the same MessageId, so duplicate detection still drops a re-send.
 */
export function fitMessageId(id: string): string {
  return id.length <= MAX_MESSAGE_ID ? id : `h-${createHash("sha256").update(id).digest("hex")}`;
}

/**
 * The Service Bus MessageId of a move slice. The broker drops a second message with the same id
 * inside its duplicate-detection window, so a re-sent slice is delivered once.
 */
export function moveMessageId(
  message: Pick<MoveMessage, "accountId" | "attempt" | "slice" | "pass" | "round" | "resend" | "recovered">,
): string {
  const id = `${message.accountId}:${message.attempt}:${message.pass}${message.round}:${message.slice}`;
  const resent = message.resend === undefined ? id : `${id}:r${message.resend}`;
  return fitMessageId(message.recovered === undefined ? resent : `${resent}:c${message.recovered}`);
}

/** Validates a `moves` message body; the error names the field and what is wrong with it. */
export function parseMoveMessage(body: unknown): MoveMessage {
  let value = body;
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString()) as unknown;
    } catch {
      throw new MalformedMessageError("moves", "body is not JSON");
    }
  }
  if (value !== null && typeof value === "object" && "v" in value && value.v !== 1) {
    throw new MalformedMessageError("moves", `unsupported schema version ${JSON.stringify(value.v)}`);
  }
  const parsed = moveMessageV1.safeParse(value);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
    throw new MalformedMessageError("moves", reasons.join("; "));
  }
  return parsed.data;
}

/** The message for an account's next slice, as its status, attempt, slice and round stand. */
export function nextMoveMessage(
  account: Pick<AccountRecord, "id" | "waveId" | "status" | "attempt" | "slice" | "round">,
  resend?: number,
): MoveMessage {
  return {
    v: 1,
    waveId: account.waveId,
    accountId: account.id,
    attempt: account.attempt,
    slice: account.slice + 1,
    pass: passOf(account),
    round: account.round,
    ...(resend === undefined ? {} : { resend }),
  };
}
