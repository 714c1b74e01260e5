// A local OpenID Connect provider that stands in for Microsoft Entra ID in the browser tests:
// HTTPS on a free loopback port, issuer `https://127.0.0.1:{port}/{tenant}/v2.0` (the shape the
// server builds from Auth:Instance and Auth:TenantId), one public single-page client (code +
// PKCE, refresh tokens), and JWT access tokens for the API's audience carrying `sub`, `scp`
// and `roles` as Entra ID's do. Its own login and consent pages (any user name, any password)
// are the ones the tests fill in.
//
// Settings come from the environment (all required):
//   OIDC_CERT, OIDC_KEY     PEM files of the TLS certificate and its key
//   OIDC_TENANT             the tenant path segment
//   OIDC_CLIENT_ID          the single-page client's id
//   OIDC_WEB_ORIGIN         the web client's origin: its redirect and post-logout URI is `{origin}/`
//   OIDC_AUDIENCE           the API's audience (application id URI), e.g. api://cartorders-test
//   OIDC_SCOPE              the API's scope value, e.g. api://cartorders-test/access_as_user
//   OIDC_OPERATORS          user names whose tokens carry roles ["operator"], comma-separated
// It prints `issuer <url>` once it listens, and exits when its standard input closes (so it
// never outlives the test that started it) or on SIGTERM.
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

function setting(name) {
  const value = process.env[name];
  if (value === undefined) {
    console.error(`provider: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const tenant = setting("OIDC_TENANT");
const clientId = setting("OIDC_CLIENT_ID");
const webOrigin = setting("OIDC_WEB_ORIGIN").replace(/\/+$/, "");
const audience = setting("OIDC_AUDIENCE");
const apiScope = setting("OIDC_SCOPE");
const operators = new Set(setting("OIDC_OPERATORS").split(",").map((name) => name.trim()).filter(Boolean));
const mountPath = `/${tenant}/v2.0`;

const server = createServer({ cert: readFileSync(setting("OIDC_CERT")), key: readFileSync(setting("OIDC_KEY")) });
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `https://127.0.0.1:${server.address().port}${mountPath}`;

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      application_type: "web",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: [`${webOrigin}/`],
      post_logout_redirect_uris: [`${webOrigin}/`],
    },
  ],
  jwks: { keys: [signingKey] },
  // The session cookie is SameSite=None, as Entra ID's: MSAL's silent renewal loads the provider
  // in a hidden frame of the web client, a cross-site context.
  cookies: { keys: [randomBytes(32).toString("hex")], long: { httpOnly: true, sameSite: "none", secure: true } },
  // `tid` as Entra ID sets it (the tenant): MSAL files tokens under the account's tenant.
  claims: { openid: ["sub", "tid"], profile: ["name", "preferred_username"] },
  scopes: ["openid", "offline_access", "profile"],
  async findAccount(_ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, tid: tenant, name: `${sub[0].toUpperCase()}${sub.slice(1)} Example`, preferred_username: `${sub}@example.test` };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // The client names no `resource`: every authorization is for the API.
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== audience) throw new Provider.errors.InvalidTarget();
        return { scope: apiScope, audience, accessTokenFormat: "jwt", accessTokenTTL: 3600, jwt: { sign: { alg: "RS256" } } };
      },
    },
  },
  async extraTokenClaims(_ctx, token) {
    if (token.kind !== "AccessToken") return undefined;
    return {
      scp: "access_as_user",
      tid: tenant,
      roles: operators.has(token.accountId) ? ["operator"] : [],
    };
  },
  clientBasedCORS: (_ctx, origin) => origin === webOrigin,
  pkce: { required: () => true },
  ttl: { AccessToken: 3600, IdToken: 3600, RefreshToken: 86400, Session: 86400, Grant: 86400, Interaction: 600 },
});
provider.proxy = false;

// Requests arrive with the issuer's path in front; the provider routes the rest and learns its
// mount path from `originalUrl`, as when mounted by a framework.
const handle = provider.callback();
server.on("request", (req, res) => {
  if (req.url === mountPath || req.url.startsWith(`${mountPath}/`) || req.url.startsWith(`${mountPath}?`)) {
    req.url = grantOfflineAccess(req.url.slice(mountPath.length) || "/");
    req.originalUrl = mountPath + req.url;
    handle(req, res);
  } else {
    res.writeHead(404).end();
  }
});

// Entra ID gives a single-page app a refresh token whenever it asks for offline_access (MSAL
// always does); OpenID Connect Core, and this package, only when the request also says
// prompt=consent. An interactive authorization request without a prompt gets that prompt here,
// so the client's refresh tokens work as with Entra ID (silent prompt=none requests are left alone).
function grantOfflineAccess(url) {
  const parsed = new URL(url, "https://provider.invalid");
  const scopes = (parsed.searchParams.get("scope") ?? "").split(" ");
  if (parsed.pathname === "/auth" && scopes.includes("offline_access") && !parsed.searchParams.has("prompt")) {
    parsed.searchParams.set("prompt", "consent");
    return parsed.pathname + parsed.search;
  }
  return url;
}

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);

console.log(`issuer ${issuer}`);
