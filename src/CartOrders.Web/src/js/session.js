// The signed-in user, kept in sessionStorage so each browser tab (or window) can be a
// different person and a reload keeps the sign-in.

const key = "cartorders.session";

/** @typedef {{token: string, userId: string, roles: string[], name?: string}} Session */

/** Where tokens come from when an identity provider signs people in (auth.js); null: the session's own token. */
let tokenSource = null;

/** @param {(() => Promise<string>) | null} source */
export function useTokenSource(source) {
  tokenSource = source;
}

/**
 * The bearer token for the session's next call: the provider's current token (renewed as
 * needed) or the session's own. Null when signed out; may be a promise.
 * @param {Session | null} session
 * @returns {string | null | Promise<string>}
 */
export function currentToken(session) {
  if (!session) return null;
  return tokenSource ? tokenSource() : session.token;
}

/** @returns {Session | null} */
export function loadSession() {
  try {
    const value = JSON.parse(sessionStorage.getItem(key) ?? "null");
    if (value && typeof value.token === "string" && typeof value.userId === "string") {
      return { token: value.token, userId: value.userId, roles: Array.isArray(value.roles) ? value.roles : [] };
    }
  } catch {
    // an unreadable entry is the same as none
  }
  return null;
}

/** @param {Session} session */
export function saveSession(session) {
  sessionStorage.setItem(key, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(key);
}

/**
 * Builds a session from a bearer token: the user id is the token's `sub` and the roles its
 * `roles` claims, as the server reads them. The fallbacks apply when the token is opaque.
 * @returns {Session}
 */
export function sessionFromToken(token, fallbackUserId = "", fallbackRoles = []) {
  const claims = readClaims(token);
  const roles = claims?.roles ?? claims?.role ?? fallbackRoles;
  return {
    token,
    userId: typeof claims?.sub === "string" ? claims.sub : fallbackUserId,
    roles: Array.isArray(roles) ? roles : [roles],
  };
}

function readClaims(token) {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
