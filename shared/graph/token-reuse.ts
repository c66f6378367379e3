/**
 * Reuses an access token until shortly before it expires. The Graph client asks its credential
 * for a token on every request; each ask goes through MSAL's cache lookup, which at thousands of
 * requests a second costs more than the requests' own handling.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** A token this close to expiry is renewed rather than handed out. */
export const TOKEN_RENEW_BEFORE_MS = 5 * 60_000;

/** Wraps `credential` so a live token is reused per scope set; concurrent asks share one request. */
export function reusingTokens(credential: TokenCredential, now: () => number = Date.now): TokenCredential {
  const tokens = new Map<string, AccessToken>();
  const asking = new Map<string, Promise<AccessToken | null>>();
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      // A claims challenge (continuous access evaluation) needs a new token, never a kept one.
      if (options?.claims !== undefined) return credential.getToken(scopes, options);
      const key = (Array.isArray(scopes) ? scopes : [scopes]).join(" ");
      const kept = tokens.get(key);
      if (kept && kept.expiresOnTimestamp - now() > TOKEN_RENEW_BEFORE_MS) return kept;
      let pending = asking.get(key);
      if (!pending) {
        // Shared by every caller waiting now, so no one caller's abort signal may cancel it.
        const { abortSignal: _own, ...shared } = options ?? {};
        pending = credential.getToken(scopes, shared).finally(() => asking.delete(key));
        asking.set(key, pending);
      }
      const token = await pending;
      if (token) tokens.set(key, token);
      return token;
    },
  };
}
