// Sign-in through an identity provider with MSAL (@azure/msal-browser, served from lib/), used
// when config.json has an `auth` block (config.js): Microsoft Entra ID in Azure, or any OpenID
// Connect provider (mode "oidc"). Without one, the page keeps the local server's development
// sign-in and none of this runs.
//
// The flow: "Sign in" redirects to the provider (loginRedirect); back on the page,
// handleRedirectPromise completes it. Every API call and every SignalR (re)connect asks MSAL for
// the API's access token (acquireTokenSilent): MSAL answers from its cache and renews the token
// with its refresh token shortly before it expires, so a token is never kept past its lifetime
// here. When MSAL can no longer renew silently (refresh token expired or revoked, consent
// withdrawn), the session has ended: the page says so and "Sign in" starts the interaction again.
// Without a usable refresh token MSAL first tries the provider's session in a hidden frame that
// loads this page as the redirect URI; there the page only passes the answer on (startAuth).
// "Sign out" ends the provider's session too (logoutRedirect) and returns to the signed-out page.
import { sessionFromToken, useTokenSource } from "./session.js";
import { part, show, setText } from "./dom.js";

export const sessionEndedMessage = "Your session has ended. Sign in again.";

/** Thrown by the token source when only an interaction (signing in again) can give a token. */
export class SessionEndedError extends Error {
  constructor() {
    super(sessionEndedMessage);
    this.name = "SessionEndedError";
  }
}

/**
 * Sets up sign-in for the config's `auth` block; null without one (development sign-in).
 * @param {{mode: "entra" | "oidc", authority: string, clientId: string, scopes: string[]} | {error: string} | null} auth
 */
export async function startAuth(auth) {
  if (!auth) return null;
  if (isProviderResponseInFrame()) {
    // This page is the redirect URI, loaded here in MSAL's hidden renewal frame (or a popup): it
    // only hands the provider's answer to the page that asked (MSAL's redirect bridge) and never
    // starts the app, so this promise does not settle.
    await loadScript("lib/msal-redirect-bridge.min.js");
    await globalThis.msalRedirectBridge.broadcastResponseToMainFrame();
    return new Promise(() => {});
  }
  const signIn = new ProviderSignIn(auth);
  await signIn.start();
  return signIn;
}

class ProviderSignIn {
  constructor(auth) {
    this.auth = auth;
    this.client = null;
    /** Where the provider sends the browser back to: the folder of index.html, registered as the SPA's redirect URI. */
    this.redirectUri = new URL("./", location.href).href;
  }

  async start() {
    show(part("signin-form"), false);
    show(part("token-signin"), false);
    show(part("provider-signin"), true);
    const button = part("provider-signin-submit");
    button.disabled = true;
    if (this.auth.error) {
      this.say(this.auth.error);
      return;
    }
    try {
      await loadScript("lib/msal-browser.min.js");
      const msal = globalThis.msal;
      this.msal = msal;
      this.client = new msal.PublicClientApplication({
        auth: {
          clientId: this.auth.clientId,
          authority: this.auth.authority,
          // A provider other than Entra ID is trusted by its host and spoken to in plain OpenID Connect.
          knownAuthorities: this.auth.mode === "oidc" ? [new URL(this.auth.authority).host] : [],
          redirectUri: this.redirectUri,
          postLogoutRedirectUri: this.redirectUri,
        },
        // Per tab, like the development sign-in: each window can be a different person.
        cache: { cacheLocation: "sessionStorage" },
        system: this.auth.mode === "oidc" ? { protocolMode: msal.ProtocolMode.OIDC } : {},
      });
      await this.client.initialize();
    } catch (error) {
      this.client = null;
      this.say(`Sign-in is not available: ${error?.message ?? error}`);
      return;
    }
    useTokenSource(() => this.token());
    button.disabled = false;
    button.addEventListener("click", () => this.signIn());
  }

  /**
   * Completes a sign-in the provider just redirected back from, or finds the tab's signed-in
   * account, and returns its session: user id and roles from the API's access token (the `sub`
   * and `roles` the API reads), the name from the ID token. Null when nobody is signed in.
   */
  async restore() {
    if (!this.client) return null;
    let account;
    try {
      const result = await this.client.handleRedirectPromise();
      account = result?.account ?? this.client.getActiveAccount() ?? this.client.getAllAccounts()[0] ?? null;
    } catch (error) {
      this.say(`Signing in did not complete: ${error?.errorMessage || error?.message || error}`);
      return null;
    }
    if (!account) return null;
    this.client.setActiveAccount(account);
    try {
      const token = await this.token();
      const name = account.idTokenClaims?.name ?? account.name;
      return { ...sessionFromToken(token), name: typeof name === "string" && name !== "" ? name : undefined };
    } catch (error) {
      this.say(error instanceof SessionEndedError ? sessionEndedMessage : `Signing in did not complete: ${error?.message ?? error}`);
      return null;
    }
  }

  /** The API's access token for the signed-in account, renewed by MSAL when it is about to expire. */
  async token() {
    const account = this.client?.getActiveAccount();
    if (!account) throw new SessionEndedError();
    try {
      const result = await this.client.acquireTokenSilent({ scopes: this.auth.scopes, account });
      return result.accessToken;
    } catch (error) {
      if (error instanceof this.msal.InteractionRequiredAuthError) {
        this.say(sessionEndedMessage);
        throw new SessionEndedError();
      }
      throw error;
    }
  }

  /** Redirects to the provider's sign-in page; it comes back to this page (restore). */
  async signIn() {
    this.say("");
    part("provider-signin-submit").disabled = true;
    try {
      await this.client.loginRedirect({ scopes: this.auth.scopes, loginHint: this.client.getActiveAccount()?.username });
    } catch (error) {
      part("provider-signin-submit").disabled = false;
      this.say(`Signing in could not start: ${error?.errorMessage || error?.message || error}`);
    }
  }

  /** Ends the provider's session too, then the provider sends the browser back to this page. */
  async signOut() {
    const account = this.client?.getActiveAccount();
    if (!account) return;
    try {
      // The ID token as id_token_hint: with it, a provider may send the browser back to this page.
      await this.client.logoutRedirect({ account, idTokenHint: account.idToken, postLogoutRedirectUri: this.redirectUri });
    } catch (error) {
      this.say(`Signing out of the provider failed: ${error?.errorMessage || error?.message || error}`);
    }
  }

  say(message) {
    const note = part("provider-signin-error");
    setText(note, message);
    show(note, message !== "");
  }
}

function isProviderResponseInFrame() {
  const framed = window.parent !== window || Boolean(window.opener);
  return framed && /(^|[#?&])state=/.test(location.hash + location.search);
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`${src} could not be loaded`));
    document.head.append(script);
  });
}
