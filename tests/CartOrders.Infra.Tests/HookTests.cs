using System.Diagnostics;
using System.Text.Json;
using CartOrders.Infra.Tests.Support;

namespace CartOrders.Infra.Tests;

/// <summary>
/// The azd hooks (infra/hooks/*.sh) run with sh against recording stubs of az and azd on PATH
/// (Hooks/stubs): what a first run creates, that a second run creates and sets nothing, and that a
/// failure stops the hook with a clear message before anything is written to the azd environment.
/// </summary>
public sealed class HookTests : IDisposable
{
    private const string Tenant = "00000000-0000-0000-0000-0000000000aa";
    private const string ApiId = "11111111-0000-0000-0000-000000000001";
    private const string WebId = "11111111-0000-0000-0000-000000000002";
    private const string AzureCliAppId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cartorders-hooks-");

    public HookTests()
    {
        // The hooks as they sit in the repository, in a copy of its layout: web-config.sh writes
        // next to the web client, which here is the copy's.
        Directory.CreateDirectory(PathOf("repo", "infra", "hooks"));
        Directory.CreateDirectory(PathOf("repo", "src", "CartOrders.Web"));
        Directory.CreateDirectory(PathOf("bin"));
        Directory.CreateDirectory(PathOf("state"));
        foreach (var hook in Directory.GetFiles(Repository.PathOf("infra", "hooks"), "*.sh"))
        {
            File.Copy(hook, PathOf("repo", "infra", "hooks", Path.GetFileName(hook)));
        }

        foreach (var stub in new[] { "az", "azd" })
        {
            var target = PathOf("bin", stub);
            File.Copy(Repository.PathOf("tests", "CartOrders.Infra.Tests", "Hooks", "stubs", stub), target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    [Fact]
    public async Task A_first_run_creates_both_registrations_with_the_scope_the_role_and_the_azure_cli_pre_authorized_and_sets_the_azd_values()
    {
        var run = await RunAsync("entra-apps.sh");

        Assert.True(run.ExitCode == 0, run.Output);
        var calls = Calls();
        Assert.Equal(["CartOrders API (test)", "CartOrders Web (test)"], calls.Where(c => c.StartsWith("az [ad] [app] [create]", StringComparison.Ordinal)).Select(DisplayName));
        Assert.Contains(calls, c => c == $"az [ad] [app] [update] [--id] [{ApiId}] [--identifier-uris] [api://{ApiId}]");
        Assert.Contains(calls, c => c == $"az [ad] [sp] [create] [--id] [{ApiId}]");

        var api = Patches(ApiId);
        var scope = api[0].GetProperty("api").GetProperty("oauth2PermissionScopes")[0];
        Assert.Equal(("access_as_user", "User", 2), (scope.GetProperty("value").GetString(), scope.GetProperty("type").GetString(), api[0].GetProperty("api").GetProperty("requestedAccessTokenVersion").GetInt32()));
        Assert.Equal("operator", api[0].GetProperty("appRoles")[0].GetProperty("value").GetString());
        var preAuthorized = api[1].GetProperty("api").GetProperty("preAuthorizedApplications")[0];
        Assert.Equal(AzureCliAppId, preAuthorized.GetProperty("appId").GetString());
        Assert.Equal(scope.GetProperty("id").GetString(), preAuthorized.GetProperty("delegatedPermissionIds")[0].GetString());

        var web = Patches(WebId);
        Assert.Equal("http://localhost:5080/", web[0].GetProperty("spa").GetProperty("redirectUris")[0].GetString());
        var access = web[1].GetProperty("requiredResourceAccess")[0];
        Assert.Equal((ApiId, scope.GetProperty("id").GetString()), (access.GetProperty("resourceAppId").GetString(), access.GetProperty("resourceAccess")[0].GetProperty("id").GetString()));

        Assert.Equal((ApiId, WebId, Tenant), (EnvValue("API_CLIENT_ID"), EnvValue("WEB_CLIENT_ID"), EnvValue("ENTRA_TENANT_ID")));
    }

    [Fact]
    public async Task A_second_run_finds_both_registrations_and_creates_updates_and_sets_nothing()
    {
        Assert.Equal(0, (await RunAsync("entra-apps.sh")).ExitCode);
        File.WriteAllText(PathOf("state", "calls"), "");

        var again = await RunAsync("entra-apps.sh");

        Assert.True(again.ExitCode == 0, again.Output);
        var calls = Calls();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.True(
            c.StartsWith("az [account] [show]", StringComparison.Ordinal)
            || c.StartsWith("az [ad] [app] [show]", StringComparison.Ordinal)
            || c.StartsWith("az [ad] [sp] [show]", StringComparison.Ordinal)
            || c.StartsWith("azd [env] [get-value]", StringComparison.Ordinal),
            "A second run only reads, but called: " + c));
        Assert.Equal((ApiId, WebId), (EnvValue("API_CLIENT_ID"), EnvValue("WEB_CLIENT_ID")));
    }

    [Fact]
    public async Task A_registration_that_cannot_be_created_stops_the_hook_with_a_clear_message_and_sets_nothing()
    {
        File.WriteAllText(PathOf("state", "fail-on"), "app create --display-name CartOrders API");

        var run = await RunAsync("entra-apps.sh");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("CartOrders Entra setup failed: could not create the app registration 'CartOrders API (test)'", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls(), c => c.StartsWith("azd [env] [set]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_signed_in_azure_cli_the_hook_stops_at_once_and_says_to_run_az_login()
    {
        File.WriteAllText(PathOf("state", "signed-out"), "");

        var run = await RunAsync("entra-apps.sh");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the Azure CLI is not signed in: run 'az login'", run.Error, StringComparison.Ordinal);
        Assert.Equal(["az [account] [show] [--query] [tenantId] [-o] [tsv]"], Calls());
    }

    [Fact]
    public async Task After_provisioning_the_web_origin_becomes_a_redirect_uri_once_and_the_web_config_is_written_from_the_azd_environment()
    {
        Assert.Equal(0, (await RunAsync("entra-apps.sh")).ExitCode);
        SetEnv("WEB_URL", "https://stapp-test.azurestaticapps.net");
        SetEnv("API_BASE_URL", "https://func-test.azurewebsites.net");
        SetEnv("API_SCOPE", $"api://{ApiId}/access_as_user");
        File.WriteAllText(PathOf("state", "calls"), "");

        var first = await RunAsync("web-config.sh");
        var firstCalls = Calls();
        File.WriteAllText(PathOf("state", "calls"), "");
        var second = await RunAsync("web-config.sh");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Output + second.Output);
        var redirects = Assert.Single(Patches(WebId, firstCalls)).GetProperty("spa").GetProperty("redirectUris").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["https://stapp-test.azurestaticapps.net/", "http://localhost:5080/"], redirects);
        Assert.Empty(Patches(WebId, Calls()));

        using var config = JsonDocument.Parse(File.ReadAllText(PathOf("repo", "src", "CartOrders.Web", "config.deploy.json")));
        var root = config.RootElement;
        Assert.Equal("https://func-test.azurewebsites.net", root.GetProperty("apiBase").GetString());
        var auth = root.GetProperty("auth");
        Assert.Equal(
            ("entra", $"https://login.microsoftonline.com/{Tenant}", WebId, $"api://{ApiId}/access_as_user"),
            (auth.GetProperty("mode").GetString(), auth.GetProperty("authority").GetString(), auth.GetProperty("clientId").GetString(), auth.GetProperty("scopes")[0].GetString()));
    }

    [Fact]
    public async Task The_web_config_hook_refuses_to_write_a_config_before_provisioning_gave_the_api_url()
    {
        Assert.Equal(0, (await RunAsync("entra-apps.sh")).ExitCode);

        var run = await RunAsync("web-config.sh");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the azd environment has no WEB_URL", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("repo", "src", "CartOrders.Web", "config.deploy.json")));
    }

    public void Dispose() => _root.Delete(recursive: true);

    private string PathOf(params string[] parts) => Path.Combine([_root.FullName, .. parts]);

    private List<string> Calls() =>
        File.Exists(PathOf("state", "calls")) ? [.. File.ReadAllLines(PathOf("state", "calls")).Where(l => l.Length > 0)] : [];

    private List<JsonElement> Patches(string appId, IEnumerable<string>? calls = null) =>
        [.. (calls ?? Calls())
            .Where(c => c.StartsWith("az [rest] [--method] [PATCH]", StringComparison.Ordinal) && c.Contains($"(appId='{appId}')", StringComparison.Ordinal))
            .Select(c => JsonDocument.Parse(c[(c.IndexOf("[--body] [", StringComparison.Ordinal) + "[--body] [".Length)..^1]).RootElement.Clone())];

    private static string DisplayName(string call)
    {
        var start = call.IndexOf("[--display-name] [", StringComparison.Ordinal) + "[--display-name] [".Length;
        return call[start..call.IndexOf(']', start)];
    }

    private string? EnvValue(string name) =>
        File.Exists(PathOf("state", "env", name)) ? File.ReadAllText(PathOf("state", "env", name)) : null;

    private void SetEnv(string name, string value)
    {
        Directory.CreateDirectory(PathOf("state", "env"));
        File.WriteAllText(PathOf("state", "env", name), value);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string hook)
    {
        var start = new ProcessStartInfo("sh", [PathOf("repo", "infra", "hooks", hook)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = PathOf("repo"),
        };
        start.Environment.Clear();
        start.Environment["PATH"] = PathOf("bin") + ":/usr/bin:/bin";
        start.Environment["STUB_DIR"] = PathOf("state");
        start.Environment["AZURE_ENV_NAME"] = "test";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sh did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error, await error);
    }
}
