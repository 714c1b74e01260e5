using System.Text.Json;
using System.Text.RegularExpressions;
using CartOrders.Infra.Tests.Support;

namespace CartOrders.Infra.Tests;

/// <summary>The function app's settings: the configuration keys the app reads, and no secrets.</summary>
public sealed partial class AppSettingsTests(InfraFixture infra)
{
    private const string Config = "Microsoft.Web/sites/config";
    private const string Identity = "Microsoft.ManagedIdentity/userAssignedIdentities";
    private const string StaticSite = "Microsoft.Web/staticSites";

    private static readonly string[] Names =
    [
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "Store__Provider",
        "Cosmos__AccountEndpoint",
        "Cosmos__DatabaseName",
        "Cosmos__CreateIfNotExists",
        "ServiceBus__FullyQualifiedNamespace",
        "ServiceBus__TopicName",
        "SignalR__Endpoint",
        "SignalR__Hub",
        "Auth__Mode",
        "Auth__TenantId",
        "Auth__Audience",
        "Auth__Instance",
        "Auth__DevelopmentTokens",
        "Cors__AllowedOrigins__0",
    ];

    public static TheoryData<string> SettingNames { get; } = [.. Names];

    private static Dictionary<string, string> Settings(JsonElement config) =>
        config.At("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");

    private Dictionary<string, string> Compiled =>
        Settings(Assert.Single(infra.Template.OfType(Config), c => c.Json.Text("name").Contains("'appsettings'", StringComparison.Ordinal)).Json);

    private Dictionary<string, string> Predicted => Settings(infra.Defaults.One(Config));

    [Theory]
    [MemberData(nameof(SettingNames))]
    public void App_settings_contain_every_setting_the_app_reads(string name)
    {
        Assert.Contains(name, Compiled.Keys);
    }

    [Fact]
    public void App_settings_contain_nothing_else()
    {
        Assert.Equal(Names.Order(StringComparer.Ordinal), Compiled.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Development_tokens_are_off_and_entra_id_is_on()
    {
        Assert.Equal("false", Compiled["Auth__DevelopmentTokens"]);
        Assert.Equal("EntraId", Compiled["Auth__Mode"]);
        Assert.Equal("[environment().authentication.loginEndpoint]", Compiled["Auth__Instance"]);
    }

    [Fact]
    public void Settings_point_at_the_deployed_services_through_the_app_identity()
    {
        var settings = Predicted;
        var clientId = $"[{infra.Defaults.ReferenceTo(Identity, "clientId")}]";

        Assert.Equal(infra.Defaults.One("Microsoft.Storage/storageAccounts").Text("name"), settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal(clientId, settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal(clientId, settings["AZURE_CLIENT_ID"]);
        Assert.Equal($"[{infra.Defaults.ReferenceTo("Microsoft.Insights/components", "ConnectionString")}]", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal($"[format('ClientId={{0}};Authorization=AAD', {infra.Defaults.ReferenceTo(Identity, "clientId")})]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Equal("Cosmos", settings["Store__Provider"]);
        Assert.Equal($"[{infra.Defaults.ReferenceTo("Microsoft.DocumentDB/databaseAccounts", "documentEndpoint")}]", settings["Cosmos__AccountEndpoint"]);
        Assert.Equal("cartorders", settings["Cosmos__DatabaseName"]);
        Assert.Equal("false", settings["Cosmos__CreateIfNotExists"]);
        Assert.Contains(infra.Defaults.ReferenceTo("Microsoft.ServiceBus/namespaces", "serviceBusEndpoint"), settings["ServiceBus__FullyQualifiedNamespace"], StringComparison.Ordinal);
        Assert.Equal("cartorders-events", settings["ServiceBus__TopicName"]);
        Assert.Equal($"[format('https://{{0}}', {infra.Defaults.ReferenceTo("Microsoft.SignalRService/signalR", "hostName")})]", settings["SignalR__Endpoint"]);
        Assert.Equal("cartorders", settings["SignalR__Hub"]);
    }

    [Fact]
    public void Auth_settings_default_to_the_deployment_tenant_and_the_api_identifier_uri()
    {
        // Overrides passes entraTenantId and apiAudience empty, as azd does when they are unset.
        var settings = Settings(infra.Overrides.One(Config));

        Assert.Equal(Scenarios.TenantId, settings["Auth__TenantId"]);
        Assert.Equal($"api://{Scenarios.ApiClientId}", settings["Auth__Audience"]);
        Assert.Equal($"api://{Scenarios.ApiClientId}/access_as_user", infra.Overrides.Outputs.Text("API_SCOPE"));
    }

    [Fact]
    public void No_app_setting_carries_a_secret()
    {
        foreach (var settings in new[] { Compiled, Predicted })
        {
            foreach (var (name, value) in settings)
            {
                if (name != "APPLICATIONINSIGHTS_CONNECTION_STRING")
                {
                    Assert.DoesNotMatch(SecretName(), name);
                }

                Assert.DoesNotMatch(SecretValue(), value);
            }
        }
    }

    [Fact]
    public void Template_never_reads_keys_or_connection_strings_of_any_resource()
    {
        // listKeys(), listConnectionStrings(), listSecrets()...: the only way to pull a key into a template.
        Assert.DoesNotMatch(ListFunction(), infra.Template.Text);
        Assert.DoesNotContain("securestring", infra.Template.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Cors_allows_only_the_web_client_origin_by_default()
    {
        var webOrigin = $"[format('https://{{0}}', {infra.Defaults.ReferenceTo(StaticSite, "defaultHostname")})]";

        Assert.Equal([webOrigin], infra.Defaults.One("Microsoft.Web/sites").Strings("properties.siteConfig.cors.allowedOrigins"));
        Assert.Equal([webOrigin], infra.Defaults.One("Microsoft.SignalRService/signalR").Strings("properties.cors.allowedOrigins"));
        Assert.Equal(webOrigin, Predicted["Cors__AllowedOrigins__0"]);
        Assert.Equal(webOrigin, infra.Defaults.Outputs.Text("WEB_URL"));
    }

    [Fact]
    public void The_function_app_allows_no_credentials_across_origins_since_browsers_send_bearer_tokens_only()
    {
        // The web client's fetch calls and its SignalR connection (withCredentials: false) send no
        // cookies, so no origin needs Access-Control-Allow-Credentials.
        Assert.False(infra.Template.One("Microsoft.Web/sites").Properties.At("siteConfig.cors.supportCredentials").GetBoolean());
        Assert.False(infra.Defaults.One("Microsoft.Web/sites").At("properties.siteConfig.cors.supportCredentials").GetBoolean());
    }

    [Fact]
    public void Extra_origins_are_added_after_the_web_client()
    {
        var api = infra.Overrides.One("Microsoft.Web/sites").Strings("properties.siteConfig.cors.allowedOrigins");
        var signalR = infra.Overrides.One("Microsoft.SignalRService/signalR").Strings("properties.cors.allowedOrigins");

        Assert.Equal(Scenarios.ExtraOrigin, api[^1]);
        Assert.Equal(api, signalR);
        Assert.Contains("Microsoft.Web/staticSites/", api[0], StringComparison.Ordinal);
    }

    [Fact]
    public void No_cors_setting_allows_any_origin()
    {
        static IEnumerable<string> Origins(JsonElement resource) =>
            new[] { "properties.cors.allowedOrigins", "properties.siteConfig.cors.allowedOrigins" }
                .Where(path => resource.Has(path))
                .Select(path => resource.At(path).ToString());

        var compiled = infra.Template.Resources.SelectMany(r => Origins(r.Json)).ToList();
        var predicted = new[] { infra.Defaults, infra.Overrides }.SelectMany(s => s.Resources).SelectMany(Origins).ToList();

        Assert.Equal(2, compiled.Count);
        Assert.Equal(4, predicted.Count);
        Assert.All(compiled.Concat(predicted), origins => Assert.DoesNotContain("*", origins, StringComparison.Ordinal));
        Assert.Empty(infra.Template.Root.At("parameters.extraAllowedOrigins.defaultValue").EnumerateArray());
    }

    [GeneratedRegex("(?i)(key|secret|password|connection_?string|sas)")]
    private static partial Regex SecretName();

    [GeneratedRegex("(?i)(accountkey=|sharedaccesskey|accesskey=|instrumentationkey=|password|secret|\\blist\\w*\\()")]
    private static partial Regex SecretValue();

    [GeneratedRegex("(?i)\\blist\\w*\\(")]
    private static partial Regex ListFunction();
}
