/**
 * The opaque `data` stream of exportItems. It is regenerated on every export from the item's
 * identity and version instead of being stored: a recognisable header, filler up to the item's size
 * (an AES-CTR keystream keyed by the item, so it costs no memory and no PRNG loop), and a SHA-256
 * checksum. An import is accepted only if the bytes are exactly what the simulator would have
 * exported for that item version, so a faithful copy can be told from an altered one.
 */
import { createCipheriv, createHash } from "node:crypto";
import { z } from "zod";
import { GraphApiError } from "../errors.js";

const MAGIC = Buffer.from("MFXD", "ascii");
const FORMAT = 1;
const CHECKSUM_BYTES = 32;
const PREFIX_BYTES = MAGIC.length + 1 + 4;

const headerSchema = z.object({
  tenantId: z.string(),
  mailboxId: z.string(),
  itemId: z.string(),
  version: z.number().int().positive(),
  itemClass: z.enum(["IPM.Note", "IPM.Appointment", "IPM.Contact", "IPM.Task"]),
  size: z.number().int().nonnegative(),
  receivedMs: z.number(),
  createdMs: z.number(),
  subject: z.string(),
  importFails: z.boolean().optional(),
});

/** What an exported item carries about itself. */
export type ExportHeader = z.infer<typeof headerSchema>;

function fillerStream(header: ExportHeader, length: number): Buffer {
  if (length <= 0) return Buffer.alloc(0);
  const key = createHash("sha256")
    .update(`${header.tenantId}\u0000${header.mailboxId}\u0000${header.itemId}\u0000${header.version}`)
    .digest();
  const cipher = createCipheriv("aes-128-ctr", key.subarray(0, 16), key.subarray(16, 32));
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

/** The exported bytes of one item version: at least `header.size` bytes long. */
export function encodeExport(header: ExportHeader): Buffer {
  const json = Buffer.from(JSON.stringify(headerSchema.parse(header)), "utf8");
  const fixed = PREFIX_BYTES + json.length + CHECKSUM_BYTES;
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt8(FORMAT, MAGIC.length);
  prefix.writeUInt32BE(json.length, MAGIC.length + 1);
  const body = Buffer.concat([prefix, json, fillerStream(header, header.size - fixed)]);
  const checksum = createHash("sha256").update(body).digest();
  return Buffer.concat([body, checksum]);
}

function invalid(message: string): GraphApiError {
  return new GraphApiError(400, "ErrorInvalidImportData", `The import data is not valid: ${message}.`);
}

/**
 * Reads the header of exported bytes and checks that they are exactly what was exported for that
 * item version. Throws a 400-shaped GraphApiError otherwise.
 */
export function decodeExport(data: Buffer): ExportHeader {
  if (data.length < PREFIX_BYTES + CHECKSUM_BYTES || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw invalid("it is not an exported mailbox item");
  }
  if (data.readUInt8(MAGIC.length) !== FORMAT) throw invalid("unknown format version");
  const length = data.readUInt32BE(MAGIC.length + 1);
  if (PREFIX_BYTES + length + CHECKSUM_BYTES > data.length) throw invalid("truncated header");
  let header: ExportHeader;
  try {
    header = headerSchema.parse(
      JSON.parse(data.subarray(PREFIX_BYTES, PREFIX_BYTES + length).toString("utf8")),
    );
  } catch {
    throw invalid("unreadable header");
  }
  const body = data.subarray(0, data.length - CHECKSUM_BYTES);
  const checksum = createHash("sha256").update(body).digest();
  if (!checksum.equals(data.subarray(data.length - CHECKSUM_BYTES))) throw invalid("checksum mismatch");
  if (!encodeExport(header).equals(data)) throw invalid("content does not match the exported item");
  return header;
}
