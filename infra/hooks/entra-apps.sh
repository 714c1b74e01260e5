#!/bin/sh
# azd preprovision hook: creates, or finds and completes, the two Microsoft Entra app registrations
# CartOrders needs, then `azd env set`s what infra/main.parameters.json and the web client read.
#   - "CartOrders API (<env>)": identifier URI api://<client id>, v2 access tokens, the delegated
#     scope access_as_user, the app role operator, the Azure CLI pre-authorized for that scope (so
#     `az account get-access-token --scope api://<id>/access_as_user` works for token tests), and a
#     service principal.
#   - "CartOrders Web (<env>)": a single-page app (redirect URIs: http://localhost:5080/ here, the
#     deployed web origin added by web-config.sh after provisioning) that asks for that scope.
# Idempotent: an app is found by the id already in the azd environment, else by its display name;
# only what is missing is created or set, so a second run changes nothing.
# Needs: az (signed in: `az login`), azd. Windows twin: entra-apps.ps1.
set -eu

AZURE_CLI_APP_ID=04b07795-8ddb-461a-bbee-02f9e1bf7b46
GRAPH=https://graph.microsoft.com/v1.0
LOCAL_REDIRECT=http://localhost:5080/

fail() {
  echo "CartOrders Entra setup failed: $*" >&2
  exit 1
}

say() {
  echo "CartOrders Entra setup: $*"
}

new_uuid() {
  if command -v uuidgen >/dev/null 2>&1; then
    uuidgen | tr 'A-Z' 'a-z'
  elif [ -r /proc/sys/kernel/random/uuid ]; then
    cat /proc/sys/kernel/random/uuid
  else
    fail "cannot make a new id: neither uuidgen nor /proc/sys/kernel/random/uuid is available."
  fi
}

# Sets an azd environment value only when it differs, so a second run writes nothing.
env_set() {
  if [ "$(azd env get-value "$1" 2>/dev/null || true)" != "$2" ]; then
    azd env set "$1" "$2" >/dev/null || fail "azd env set $1 did not succeed."
    say "azd env set $1 $2"
  fi
}

# The app id of the registration: the one in the azd environment if it still exists, else the one
# with this display name, else empty.
find_app() {
  known=$1
  name=$2
  if [ -n "$known" ] && az ad app show --id "$known" --query appId -o tsv >/dev/null 2>&1; then
    echo "$known"
    return
  fi
  az ad app list --display-name "$name" --query "[0].appId" -o tsv || fail "could not list app registrations named '$name'."
}

# Sets app_id to the registration named $2 (the id $1 from the azd environment first), created when
# there is none.
ensure_app() {
  app_id=$(find_app "$1" "$2")
  if [ -z "$app_id" ]; then
    app_id=$(az ad app create --display-name "$2" --sign-in-audience AzureADMyOrg --query appId -o tsv) \
      || fail "could not create the app registration '$2' (you need permission to register applications in tenant $tenant)."
    [ -n "$app_id" ] || fail "creating '$2' returned no app id."
    say "created app registration '$2' ($app_id)"
  fi
}

patch_app() {
  az rest --method PATCH --uri "$GRAPH/applications(appId='$1')" --headers "Content-Type=application/json" --body "$2" >/dev/null \
    || fail "could not update app registration $1 through Microsoft Graph."
}

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is not installed; see https://aka.ms/azcli."
command -v azd >/dev/null 2>&1 || fail "the Azure Developer CLI (azd) is not on PATH."
tenant=$(az account show --query tenantId -o tsv 2>/dev/null) || fail "the Azure CLI is not signed in: run 'az login' (the tenant of your subscription), then 'azd up' again."
[ -n "$tenant" ] || fail "the Azure CLI shows no tenant: run 'az login', then 'azd up' again."
env_name=${AZURE_ENV_NAME:-$(azd env get-value AZURE_ENV_NAME 2>/dev/null || true)}
[ -n "$env_name" ] || fail "no azd environment is selected: run 'azd env new <name>' or 'azd env select <name>'."

api_name="CartOrders API ($env_name)"
web_name="CartOrders Web ($env_name)"

# The API.
ensure_app "${API_CLIENT_ID:-$(azd env get-value API_CLIENT_ID 2>/dev/null || true)}" "$api_name"
api_id=$app_id

if [ -z "$(az ad app show --id "$api_id" --query "identifierUris[0]" -o tsv)" ]; then
  az ad app update --id "$api_id" --identifier-uris "api://$api_id" || fail "could not set the identifier URI api://$api_id."
  say "set identifier URI api://$api_id"
fi

scope_id=$(az ad app show --id "$api_id" --query "api.oauth2PermissionScopes[?value=='access_as_user'].id | [0]" -o tsv)
if [ -z "$scope_id" ]; then
  scope_id=$(new_uuid)
  role_id=$(new_uuid)
  patch_app "$api_id" "{\"api\":{\"requestedAccessTokenVersion\":2,\"oauth2PermissionScopes\":[{\"id\":\"$scope_id\",\"value\":\"access_as_user\",\"type\":\"User\",\"isEnabled\":true,\"adminConsentDisplayName\":\"Use CartOrders\",\"adminConsentDescription\":\"Lets the app call the CartOrders API as the signed-in user.\",\"userConsentDisplayName\":\"Use CartOrders\",\"userConsentDescription\":\"Lets the app call the CartOrders API as you.\"}]},\"appRoles\":[{\"id\":\"$role_id\",\"value\":\"operator\",\"displayName\":\"Operator\",\"description\":\"Reads any order and records payments and shipments.\",\"allowedMemberTypes\":[\"User\"],\"isEnabled\":true}]}"
  say "added the scope access_as_user and the app role operator"
fi

# A scope can be pre-authorized only once it exists, hence a second update.
if [ -z "$(az ad app show --id "$api_id" --query "api.preAuthorizedApplications[?appId=='$AZURE_CLI_APP_ID'].appId | [0]" -o tsv)" ]; then
  patch_app "$api_id" "{\"api\":{\"preAuthorizedApplications\":[{\"appId\":\"$AZURE_CLI_APP_ID\",\"delegatedPermissionIds\":[\"$scope_id\"]}]}}"
  say "pre-authorized the Azure CLI for access_as_user"
fi

if ! az ad sp show --id "$api_id" --query id -o tsv >/dev/null 2>&1; then
  az ad sp create --id "$api_id" >/dev/null || fail "could not create the service principal of $api_id."
  say "created the service principal of '$api_name'"
fi

# The single-page app.
ensure_app "${WEB_CLIENT_ID:-$(azd env get-value WEB_CLIENT_ID 2>/dev/null || true)}" "$web_name"
web_id=$app_id

if [ -z "$(az ad app show --id "$web_id" --query "spa.redirectUris[0]" -o tsv)" ]; then
  patch_app "$web_id" "{\"spa\":{\"redirectUris\":[\"$LOCAL_REDIRECT\"]}}"
  say "set the redirect URI $LOCAL_REDIRECT (the deployed origin is added after provisioning)"
fi

if [ -z "$(az ad app show --id "$web_id" --query "requiredResourceAccess[?resourceAppId=='$api_id'].resourceAppId | [0]" -o tsv)" ]; then
  patch_app "$web_id" "{\"requiredResourceAccess\":[{\"resourceAppId\":\"$api_id\",\"resourceAccess\":[{\"id\":\"$scope_id\",\"type\":\"Scope\"}]}]}"
  say "let '$web_name' ask for access_as_user"
fi

env_set API_CLIENT_ID "$api_id"
env_set WEB_CLIENT_ID "$web_id"
env_set ENTRA_TENANT_ID "$tenant"
say "ready: API $api_id, web $web_id, tenant $tenant"
