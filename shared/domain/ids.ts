import { ValidationError } from "../errors.js";

/*
 * Identifiers end up in Table Storage keys, Service Bus message ids and URLs, so they are limited
 * to characters that need no escaping anywhere and never contain the `|` key separator.
 */
const KEPT = /^[a-z0-9.@_-]$/;

/**
 * The account id for a source UPN: the lower-cased UPN, with any character outside
 * `[a-z0-9.@_-]` written as `~` and two hex digits per UTF-8 byte. Deterministic and reversible,
 * so importing the same inventory twice addresses the same accounts.
 */
export function accountIdFromUpn(upn: string): string {
  let id = "";
  for (const char of upn.trim().toLowerCase()) {
    if (KEPT.test(char)) {
      id += char;
      continue;
    }
    for (const byte of Buffer.from(char, "utf8")) id += `~${byte.toString(16).padStart(2, "0")}`;
  }
  return id;
}

const ACCOUNT_ID = /^(?:[a-z0-9.@_-]|~[0-9a-f]{2})+$/;

/** Whether `value` has the shape of an account id produced by {@link accountIdFromUpn}. */
export function isAccountId(value: string): boolean {
  return value.length > 0 && value.length <= 768 && ACCOUNT_ID.test(value);
}

/** Throws a ValidationError unless `value` is an account id. */
export function parseAccountId(value: string, where = "accountId"): string {
  if (!isAccountId(value)) {
    throw new ValidationError(
      where,
      `${JSON.stringify(value)} is not an account id (a lower-cased, escaped UPN)`,
    );
  }
  return value;
}

const WAVE_ID = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** Describes the wave id rule for error messages and help texts. */
export const WAVE_ID_RULE =
  "1-32 lower-case letters, digits or hyphens, starting and ending with a letter or digit";

/** Normalises a wave id (trimmed, lower-cased) and validates it, or throws a ValidationError. */
export function parseWaveId(raw: string, where = "waveId"): string {
  const id = raw.trim().toLowerCase();
  if (!WAVE_ID.test(id))
    throw new ValidationError(where, `${JSON.stringify(raw)} is not a wave id: ${WAVE_ID_RULE}`);
  return id;
}

/** Whether `value` is already a normalised wave id. */
export function isWaveId(value: string): boolean {
  return WAVE_ID.test(value);
}
