/**
 * Encodes an arbitrary id for use in a PartitionKey or RowKey, which may not contain
 * `/`, `\`, `#`, `?` or control characters. Reversible and order-preserving enough for prefixes.
 */
export function encodeKey(id: string): string {
  return encodeURIComponent(id).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Reverses encodeKey. */
export function decodeKey(key: string): string {
  return decodeURIComponent(key);
}
