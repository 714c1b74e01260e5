#!/bin/sh
# azd postprovision hook: adds the deployed web origin to the single-page app's redirect URIs, and
# writes the web client's deployment config (src/CartOrders.Web/config.deploy.json, git-ignored)
# from the azd environment, so the `web` package built next (azure.yaml runs provision, then
# package, then deploy) calls the deployed API and signs in with Entra ID. build.mjs copies it to
# dist/config.json. Idempotent: the redirect URI is added only when missing, the file rewritten
# with the same content. Needs: az (signed in), azd. Windows twin: web-config.ps1.
set -eu

GRAPH=https://graph.microsoft.com/v1.0

fail() {
  echo "CartOrders web config failed: $*" >&2
  exit 1
}

# An azd environment value: the hook's environment first (azd passes its values), else azd.
value() {
  eval "current=\${$1:-}"
  if [ -z "$current" ]; then
    current=$(azd env get-value "$1" 2>/dev/null || true)
  fi
  [ -n "$current" ] || fail "the azd environment has no $1; run 'azd provision' (which runs entra-apps.sh first)."
  echo "$current"
}

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is not installed; see https://aka.ms/azcli."
web_url=$(value WEB_URL)
api_base=$(value API_BASE_URL)
api_scope=$(value API_SCOPE)
tenant=$(value ENTRA_TENANT_ID)
web_id=$(value WEB_CLIENT_ID)
redirect="${web_url%/}/"

existing=$(az ad app show --id "$web_id" --query "spa.redirectUris" -o tsv) || fail "could not read the app registration $web_id (run 'az login')."
if ! printf '%s\n' "$existing" | grep -Fqx "$redirect"; then
  uris="\"$redirect\""
  for uri in $existing; do
    uris="$uris,\"$uri\""
  done
  az rest --method PATCH --uri "$GRAPH/applications(appId='$web_id')" --headers "Content-Type=application/json" \
    --body "{\"spa\":{\"redirectUris\":[$uris]}}" >/dev/null || fail "could not add the redirect URI $redirect to $web_id."
  echo "CartOrders web config: added the redirect URI $redirect"
fi

web_dir="$(cd "$(dirname "$0")/../../src/CartOrders.Web" && pwd)"
cat > "$web_dir/config.deploy.json" <<JSON
{
  "apiBase": "$api_base",
  "auth": {
    "mode": "entra",
    "authority": "https://login.microsoftonline.com/$tenant",
    "clientId": "$web_id",
    "scopes": ["$api_scope"]
  }
}
JSON
echo "CartOrders web config: wrote $web_dir/config.deploy.json (API $api_base)"
