/**
 * Opaque, URL-safe identifiers shaped like Exchange's. They are derived from a hash of their owner
 * and a counter, so a seeded tenant gets the same ids every time.
 */
import { createHash } from "node:crypto";

function digest(parts: readonly (string | number)[]): Buffer {
  return createHash("sha256").update(parts.join("\u0000")).digest();
}

/** A folder id unique within the simulator. */
export function folderIdFor(mailboxId: string, counter: number): string {
  return `AAMkAF${digest(["folder", mailboxId, counter]).toString("base64url").slice(0, 38)}AAA=`;
}

/** An item id unique within the simulator. */
export function itemIdFor(mailboxId: string, counter: number): string {
  return `AAMkAG${digest(["item", mailboxId, counter]).toString("base64url")}AAA=`;
}

/** A mailbox id in Exchange's `MBX:<mailbox>@<tenant>` form. */
export function mailboxIdFor(tenantId: string, ownerUpn: string, kind: string): string {
  const mailbox = digest(["mailbox", tenantId, ownerUpn.toLowerCase(), kind]).toString("hex").slice(0, 8);
  return `MBX:${mailbox}@${tenantId.replaceAll("-", "").slice(0, 8)}`;
}

/** The change key of one version of an item (standard base64, as Exchange's are). */
export function changeKeyFor(itemId: string, version: number): string {
  return `CQAAAB${digest(["changeKey", itemId, version]).toString("base64").slice(0, 22)}`;
}
