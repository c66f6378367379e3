/**
 * Redaction applied to everything that reaches a log. Keys that name secrets or mail content are
 * blanked whatever their value; values that look like credentials are blanked wherever they appear.
 */
const SECRET_KEY =
  /(token|secret|password|passwd|signature|sharedaccesskey|connectionstring|authorization|apikey|api_key|credential|cookie|^key$|^code$|^data$|^body$|^content$|mimecontent|^sig$)/i;

const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  // SAS tokens and connection strings.
  /SharedAccessSignature\s+[^\s"']+/gi,
  /SharedAccessKey=[^;"'\s]+/gi,
  /AccountKey=[^;"'\s]+/gi,
  /\bsig=[^&"'\s]+/gi,
  // Bearer tokens and JWTs.
  /Bearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  // Client secrets and function keys passed in URLs.
  /([?&](?:code|client_secret|token|access_token)=)[^&"'\s]+/gi,
];

export const REDACTED = "[redacted]";

/** Blanks credential-looking substrings of a string. */
export function redactText(text: string): string {
  let out = text;
  for (const pattern of SECRET_VALUE_PATTERNS) {
    out = out.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/** Returns a copy of `value` safe to log: secret keys blanked, secret-looking strings masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[truncated]";
  if (typeof value === "string") return redactText(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      ...(value.cause !== undefined ? { cause: redact(value.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((entry) => redact(entry, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? REDACTED : redact(entry, depth + 1);
    }
    return out;
  }
  return value;
}
