/**
 * `$expand=singleValueExtendedProperties($filter=id eq '{type} {tag}')` on a mailboxItem, as
 * api-reference/v1.0/api/singlevaluelegacyextendedproperty-get.md documents it: one extended
 * property named by an `id eq` filter. The simulator knows the MAPI properties a bad-item record
 * reads (PidTagSubject, PidTagSenderEmailAddress, PidTagMessageDeliveryTime); an item without the
 * property gets none back, as Graph leaves out a property an item does not have.
 */
import { createHash } from "node:crypto";
import { GraphApiError } from "../errors.js";
import type { Item } from "../model/types.js";

const EXPAND = /^singleValueExtendedProperties\(\$filter=id eq '(\w+) 0x([0-9a-fA-F]{1,4})'\)$/;

/** A stable made-up sender per item: the seeded tenant keeps no senders of its own. */
function senderOf(item: Item): string {
  const n = createHash("sha256").update(item.id).digest().readUInt16BE(0) % 40;
  return `correspondent${n}@partners.example`;
}

function valueOf(item: Item, type: string, tag: number): string | undefined {
  const kind = type.toLowerCase();
  if (kind === "string" && tag === 0x0037) return item.subject;
  if (kind === "string" && tag === 0x0c1f && item.itemClass === "IPM.Note") return senderOf(item);
  if (kind === "systemtime" && tag === 0x0e06 && item.itemClass === "IPM.Note")
    return new Date(item.receivedMs).toISOString();
  return undefined;
}

/**
 * The `singleValueExtendedProperties` an `$expand` asks for, or undefined without one. Anything
 * but the documented form is a 400, as Graph refuses an expand it cannot parse.
 */
export function expandedProperties(
  expand: string | null,
  item: Item,
): { singleValueExtendedProperties: { id: string; value: string }[] } | undefined {
  if (expand === null) return undefined;
  const match = EXPAND.exec(expand.trim());
  if (match === null)
    throw new GraphApiError(
      400,
      "BadRequest",
      "Parsing OData Select and Expand failed: only singleValueExtendedProperties($filter=id eq '...') is supported.",
    );
  const type = match[1] ?? "";
  const tag = Number.parseInt(match[2] ?? "", 16);
  const value = valueOf(item, type, tag);
  return {
    singleValueExtendedProperties:
      value === undefined ? [] : [{ id: `${type} 0x${tag.toString(16)}`, value }],
  };
}
