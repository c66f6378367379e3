/**
 * User principal names as Microsoft Entra ID accepts them: `local@domain`, the local part made of
 * letters, digits and `' . - _ ! # ^ ~` (no leading, trailing or doubled dot, at most 64
 * characters), the domain a DNS name with at least two labels.
 */
export type UpnCheck =
  | { readonly ok: true; readonly upn: string }
  | { readonly ok: false; readonly reason: string };

const LOCAL_CHARS = /^[A-Za-z0-9'._!#^~-]+$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MAX_UPN = 113;
const MAX_LOCAL = 64;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function fail(reason: string): UpnCheck {
  return { ok: false, reason };
}

/** Checks one UPN (surrounding spaces ignored) and says precisely what is wrong with it. */
export function checkUpn(raw: string): UpnCheck {
  const upn = raw.trim();
  if (upn === "") return fail("is empty");
  if (hasControlCharacter(upn)) return fail("contains a control character");
  if (/\s/.test(upn)) return fail("contains white space");
  if (/[^\u0020-\u007e]/.test(upn)) return fail("contains a non-ASCII character");
  if (upn.length > MAX_UPN) return fail(`is longer than ${MAX_UPN} characters`);
  const at = upn.indexOf("@");
  if (at < 0) return fail("has no @");
  if (upn.indexOf("@", at + 1) >= 0) return fail("has more than one @");
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1);
  if (local === "") return fail("has nothing before the @");
  if (local.length > MAX_LOCAL) return fail(`has more than ${MAX_LOCAL} characters before the @`);
  if (!LOCAL_CHARS.test(local)) return fail("has a character before the @ that a UPN cannot contain");
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return fail("has a dot at the start or end of the name, or two dots in a row");
  }
  if (domain === "") return fail("has no domain after the @");
  const labels = domain.split(".");
  if (labels.length < 2) return fail("has a domain without a dot");
  for (const label of labels) {
    if (!LABEL.test(label)) return fail(`has an invalid domain label ${JSON.stringify(label)}`);
  }
  const tld = labels[labels.length - 1] ?? "";
  if (/^[0-9]+$/.test(tld)) return fail("has a numeric top-level domain");
  return { ok: true, upn };
}
