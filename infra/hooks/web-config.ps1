# azd postprovision hook (Windows twin of web-config.sh): adds the deployed web origin to the
# single-page app's redirect URIs when missing, and writes src/CartOrders.Web/config.deploy.json
# from the azd environment for the web package built next. Needs: az (signed in), azd.
$ErrorActionPreference = 'Stop'
$Graph = 'https://graph.microsoft.com/v1.0'

function Fail([string] $Message) {
    Write-Error "CartOrders web config failed: $Message"
    exit 1
}

function Value([string] $Name) {
    $current = [Environment]::GetEnvironmentVariable($Name)
    if (-not $current) {
        $current = (& azd env get-value $Name 2>$null | Out-String).Trim()
        if ($LASTEXITCODE -ne 0) { $current = '' }
    }
    if (-not $current) { Fail "the azd environment has no $Name; run 'azd provision' (which runs entra-apps.ps1 first)." }
    return $current
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) { Fail 'the Azure CLI (az) is not installed; see https://aka.ms/azcli.' }
$webUrl = Value 'WEB_URL'
$apiBase = Value 'API_BASE_URL'
$apiScope = Value 'API_SCOPE'
$tenant = Value 'ENTRA_TENANT_ID'
$webId = Value 'WEB_CLIENT_ID'
$redirect = $webUrl.TrimEnd('/') + '/'

$existing = @(& az ad app show --id $webId --query 'spa.redirectUris' -o tsv)
if ($LASTEXITCODE -ne 0) { Fail "could not read the app registration $webId (run 'az login')." }
if ($existing -notcontains $redirect) {
    $file = New-TemporaryFile
    try {
        @{ spa = @{ redirectUris = @($redirect) + $existing } } | ConvertTo-Json -Depth 5 -Compress | Set-Content -Path $file -Encoding utf8
        & az rest --method PATCH --uri "$Graph/applications(appId='$webId')" --headers 'Content-Type=application/json' --body "@$file" | Out-Null
        if ($LASTEXITCODE -ne 0) { Fail "could not add the redirect URI $redirect to $webId." }
    }
    finally { Remove-Item $file -ErrorAction SilentlyContinue }
    Write-Host "CartOrders web config: added the redirect URI $redirect"
}

$webDir = Join-Path $PSScriptRoot '../../src/CartOrders.Web' | Resolve-Path
$config = [ordered]@{
    apiBase = $apiBase
    auth = [ordered]@{
        mode = 'entra'
        authority = "https://login.microsoftonline.com/$tenant"
        clientId = $webId
        scopes = @($apiScope)
    }
}
$config | ConvertTo-Json -Depth 5 | Set-Content -Path (Join-Path $webDir 'config.deploy.json') -Encoding utf8
Write-Host "CartOrders web config: wrote $(Join-Path $webDir 'config.deploy.json') (API $apiBase)"
