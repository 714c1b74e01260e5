// Where the API lives, and how people sign in. By default the API is the page's own origin and
// sign-in is the local server's development sign-in; a deployment replaces `config.json` next to
// index.html:
//   {"apiBase": "https://...",
//    "auth": {"mode": "entra", "authority": "https://login.microsoftonline.com/{tenant}",
//             "clientId": "{web app client id}", "scopes": ["api://{api client id}/access_as_user"]}}
// An empty apiBase, or no config.json at all, means the page's own origin. With a valid `auth`
// block the page signs in with MSAL (auth.js); mode "oidc" is any other OpenID Connect provider.

export async function loadConfig() {
  const fallback = { apiBase: location.origin, sameOrigin: true, auth: null };
  let response;
  try {
    response = await fetch("config.json", { cache: "no-store" });
  } catch {
    return fallback;
  }
  if (!response.ok) return fallback;
  let config;
  try {
    config = await response.json();
  } catch {
    console.warn("config.json is not valid JSON; using this page's origin as the API base.");
    return fallback;
  }
  const auth = readAuth(config?.auth);
  if (typeof config?.apiBase === "string" && config.apiBase.trim() !== "") {
    try {
      const apiBase = new URL(config.apiBase.trim(), location.href).href.replace(/\/+$/, "");
      return { apiBase, sameOrigin: new URL(apiBase).origin === location.origin, auth };
    } catch {
      console.warn("config.json's apiBase is not a URL; using this page's origin as the API base.");
    }
  }
  return { ...fallback, auth };
}

/**
 * The `auth` block, or null when there is none. A block that is present but incomplete becomes
 * `{error}`, shown on the sign-in page: it must not fall back to development sign-in.
 * @returns {{mode: "entra" | "oidc", authority: string, clientId: string, scopes: string[]} | {error: string} | null}
 */
function readAuth(auth) {
  if (auth === undefined || auth === null) return null;
  const mode = auth.mode ?? "entra";
  const scopes = Array.isArray(auth.scopes) ? auth.scopes.filter((s) => typeof s === "string" && s.trim() !== "") : [];
  let authority = null;
  try {
    authority = new URL(auth.authority).href.replace(/\/+$/, "");
  } catch {
    // reported below
  }
  if (!["entra", "oidc"].includes(mode) || !authority || typeof auth.clientId !== "string" || auth.clientId.trim() === "" || scopes.length === 0) {
    return { error: "Sign-in is not configured correctly: config.json's auth block needs mode (entra or oidc), authority (a URL), clientId and scopes." };
  }
  return { mode, authority, clientId: auth.clientId.trim(), scopes };
}
