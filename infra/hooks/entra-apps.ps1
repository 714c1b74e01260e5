# azd preprovision hook (Windows twin of entra-apps.sh; same steps, same idempotence): creates, or
# finds and completes, the Entra app registrations "CartOrders API (<env>)" (identifier URI, v2
# tokens, scope access_as_user, app role operator, the Azure CLI pre-authorized, service principal)
# and "CartOrders Web (<env>)" (single-page app asking for that scope), then `azd env set`s
# API_CLIENT_ID, WEB_CLIENT_ID and ENTRA_TENANT_ID. Needs: az (signed in), azd.
$ErrorActionPreference = 'Stop'
$AzureCliAppId = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
$Graph = 'https://graph.microsoft.com/v1.0'
$LocalRedirect = 'http://localhost:5080/'

function Fail([string] $Message) {
    Write-Error "CartOrders Entra setup failed: $Message"
    exit 1
}

function Say([string] $Message) { Write-Host "CartOrders Entra setup: $Message" }

function Az-Value([string[]] $Arguments) {
    $out = & az @Arguments 2>$null
    if ($LASTEXITCODE -ne 0) { return $null }
    return ($out | Out-String).Trim()
}

function Azd-Value([string] $Name) {
    $out = & azd env get-value $Name 2>$null
    if ($LASTEXITCODE -ne 0) { return '' }
    return ($out | Out-String).Trim()
}

function Env-Set([string] $Name, [string] $Value) {
    if ((Azd-Value $Name) -ne $Value) {
        & azd env set $Name $Value | Out-Null
        if ($LASTEXITCODE -ne 0) { Fail "azd env set $Name did not succeed." }
        Say "azd env set $Name $Value"
    }
}

function Find-App([string] $Known, [string] $Name) {
    if ($Known -and (Az-Value @('ad', 'app', 'show', '--id', $Known, '--query', 'appId', '-o', 'tsv'))) { return $Known }
    $found = & az ad app list --display-name $Name --query '[0].appId' -o tsv
    if ($LASTEXITCODE -ne 0) { Fail "could not list app registrations named '$Name'." }
    return ($found | Out-String).Trim()
}

function Ensure-App([string] $Known, [string] $Name) {
    $id = Find-App $Known $Name
    if (-not $id) {
        $id = Az-Value @('ad', 'app', 'create', '--display-name', $Name, '--sign-in-audience', 'AzureADMyOrg', '--query', 'appId', '-o', 'tsv')
        if (-not $id) { Fail "could not create the app registration '$Name' (you need permission to register applications in tenant $tenant)." }
        Say "created app registration '$Name' ($id)"
    }
    return $id
}

function Patch-App([string] $AppId, [object] $Body) {
    $file = New-TemporaryFile
    try {
        $Body | ConvertTo-Json -Depth 10 -Compress | Set-Content -Path $file -Encoding utf8
        & az rest --method PATCH --uri "$Graph/applications(appId='$AppId')" --headers 'Content-Type=application/json' --body "@$file" | Out-Null
        if ($LASTEXITCODE -ne 0) { Fail "could not update app registration $AppId through Microsoft Graph." }
    }
    finally { Remove-Item $file -ErrorAction SilentlyContinue }
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) { Fail 'the Azure CLI (az) is not installed; see https://aka.ms/azcli.' }
if (-not (Get-Command azd -ErrorAction SilentlyContinue)) { Fail 'the Azure Developer CLI (azd) is not on PATH.' }
$tenant = Az-Value @('account', 'show', '--query', 'tenantId', '-o', 'tsv')
if (-not $tenant) { Fail "the Azure CLI is not signed in: run 'az login' (the tenant of your subscription), then 'azd up' again." }
$envName = if ($env:AZURE_ENV_NAME) { $env:AZURE_ENV_NAME } else { Azd-Value 'AZURE_ENV_NAME' }
if (-not $envName) { Fail "no azd environment is selected: run 'azd env new <name>' or 'azd env select <name>'." }

$apiName = "CartOrders API ($envName)"
$webName = "CartOrders Web ($envName)"

$apiId = Ensure-App ($(if ($env:API_CLIENT_ID) { $env:API_CLIENT_ID } else { Azd-Value 'API_CLIENT_ID' })) $apiName

if (-not (Az-Value @('ad', 'app', 'show', '--id', $apiId, '--query', 'identifierUris[0]', '-o', 'tsv'))) {
    & az ad app update --id $apiId --identifier-uris "api://$apiId"
    if ($LASTEXITCODE -ne 0) { Fail "could not set the identifier URI api://$apiId." }
    Say "set identifier URI api://$apiId"
}

$scopeId = Az-Value @('ad', 'app', 'show', '--id', $apiId, '--query', "api.oauth2PermissionScopes[?value=='access_as_user'].id | [0]", '-o', 'tsv')
if (-not $scopeId) {
    $scopeId = [guid]::NewGuid().ToString()
    Patch-App $apiId @{
        api = @{
            requestedAccessTokenVersion = 2
            oauth2PermissionScopes = @(@{
                id = $scopeId; value = 'access_as_user'; type = 'User'; isEnabled = $true
                adminConsentDisplayName = 'Use CartOrders'; adminConsentDescription = 'Lets the app call the CartOrders API as the signed-in user.'
                userConsentDisplayName = 'Use CartOrders'; userConsentDescription = 'Lets the app call the CartOrders API as you.'
            })
        }
        appRoles = @(@{
            id = [guid]::NewGuid().ToString(); value = 'operator'; displayName = 'Operator'
            description = 'Reads any order and records payments and shipments.'; allowedMemberTypes = @('User'); isEnabled = $true
        })
    }
    Say 'added the scope access_as_user and the app role operator'
}

if (-not (Az-Value @('ad', 'app', 'show', '--id', $apiId, '--query', "api.preAuthorizedApplications[?appId=='$AzureCliAppId'].appId | [0]", '-o', 'tsv'))) {
    Patch-App $apiId @{ api = @{ preAuthorizedApplications = @(@{ appId = $AzureCliAppId; delegatedPermissionIds = @($scopeId) }) } }
    Say 'pre-authorized the Azure CLI for access_as_user'
}

if (-not (Az-Value @('ad', 'sp', 'show', '--id', $apiId, '--query', 'id', '-o', 'tsv'))) {
    & az ad sp create --id $apiId | Out-Null
    if ($LASTEXITCODE -ne 0) { Fail "could not create the service principal of $apiId." }
    Say "created the service principal of '$apiName'"
}

$webId = Ensure-App ($(if ($env:WEB_CLIENT_ID) { $env:WEB_CLIENT_ID } else { Azd-Value 'WEB_CLIENT_ID' })) $webName

if (-not (Az-Value @('ad', 'app', 'show', '--id', $webId, '--query', 'spa.redirectUris[0]', '-o', 'tsv'))) {
    Patch-App $webId @{ spa = @{ redirectUris = @($LocalRedirect) } }
    Say "set the redirect URI $LocalRedirect (the deployed origin is added after provisioning)"
}

if (-not (Az-Value @('ad', 'app', 'show', '--id', $webId, '--query', "requiredResourceAccess[?resourceAppId=='$apiId'].resourceAppId | [0]", '-o', 'tsv'))) {
    Patch-App $webId @{ requiredResourceAccess = @(@{ resourceAppId = $apiId; resourceAccess = @(@{ id = $scopeId; type = 'Scope' }) }) }
    Say "let '$webName' ask for access_as_user"
}

Env-Set 'API_CLIENT_ID' $apiId
Env-Set 'WEB_CLIENT_ID' $webId
Env-Set 'ENTRA_TENANT_ID' $tenant
Say "ready: API $apiId, web $webId, tenant $tenant"
