using System.Text.Json;
using System.Text.RegularExpressions;
using CartOrders.Infra.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace CartOrders.Infra.Tests;

/// <summary>azure.yaml, main.parameters.json and the outputs fit together the way azd reads them.</summary>
public sealed partial class AzdProjectTests(InfraFixture infra)
{
    private static YamlMappingNode AzureYaml()
    {
        using var reader = new StreamReader(Repository.PathOf("azure.yaml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Services() => (YamlMappingNode)AzureYaml()["services"];

    private static Dictionary<string, string> Service(string name) =>
        ((YamlMappingNode)Services()[name]).Children.ToDictionary(
            c => ((YamlScalarNode)c.Key).Value!,
            c => ((YamlScalarNode)c.Value).Value!);

    [Fact]
    public void Azure_yaml_names_the_project_cartorders()
    {
        Assert.Equal("cartorders", ((YamlScalarNode)AzureYaml()["name"]).Value);
    }

    [Fact]
    public void Azure_yaml_deploys_the_api_as_a_dotnet_function_app()
    {
        var api = Service("api");

        Assert.Equal("./src/CartOrders.Functions", api["project"]);
        Assert.Equal("function", api["host"]);
        Assert.Equal("dotnet", api["language"]);
    }

    [Fact]
    public void Azure_yaml_deploys_the_web_client_to_a_static_web_app_from_dist()
    {
        var web = Service("web");

        Assert.Equal("./src/CartOrders.Web", web["project"]);
        Assert.Equal("staticwebapp", web["host"]);
        Assert.Equal("js", web["language"]);
        Assert.Equal("dist", web["dist"]);
    }

    [Fact]
    public void Every_azd_service_name_tag_matches_an_azure_yaml_service_and_each_service_has_one()
    {
        var services = Services().Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        var tagged = infra.Defaults.Resources
            .Where(r => r.Has("tags.azd-service-name"))
            .Select(r => (Service: r.Text("tags.azd-service-name"), Type: r.Text("type")))
            .ToList();

        Assert.All(tagged, t => Assert.Contains(t.Service, services));
        Assert.Equal(services.Order(StringComparer.Ordinal), tagged.Select(t => t.Service).Order(StringComparer.Ordinal));
        Assert.Contains(("api", "Microsoft.Web/sites"), tagged);
        Assert.Contains(("web", "Microsoft.Web/staticSites"), tagged);
    }

    [Fact]
    public void Azure_yaml_runs_the_entra_hook_before_provisioning_and_the_web_config_hook_after_it_in_both_shells()
    {
        var hooks = (YamlMappingNode)AzureYaml()["hooks"];

        foreach (var (hook, script) in new[] { ("preprovision", "entra-apps"), ("postprovision", "web-config") })
        {
            var entry = (YamlMappingNode)hooks[hook];
            foreach (var (platform, shell, extension) in new[] { ("posix", "sh", ".sh"), ("windows", "pwsh", ".ps1") })
            {
                var step = (YamlMappingNode)entry[platform];
                Assert.Equal(shell, ((YamlScalarNode)step["shell"]).Value);
                Assert.Equal($"./infra/hooks/{script}{extension}", ((YamlScalarNode)step["run"]).Value);
                Assert.Equal("false", ((YamlScalarNode)step["continueOnError"]).Value);
                Assert.True(File.Exists(Repository.PathOf("infra", "hooks", script + extension)), $"{script}{extension} is missing.");
            }
        }
    }

    [Fact]
    public void Azd_up_provisions_before_it_packages_so_the_web_package_has_the_config_of_the_deployment()
    {
        var steps = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)AzureYaml()["workflows"])["up"])["steps"];

        Assert.Equal(
            ["provision", "package --all", "deploy --all"],
            steps.Children.Select(s => ((YamlScalarNode)((YamlMappingNode)s)["azd"]).Value));
    }

    [Fact]
    public void The_values_the_hooks_set_feed_the_template_and_the_values_the_web_config_reads_are_outputs()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("infra", "main.parameters.json")));
        var values = document.RootElement.At("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Text("value"));
        var outputs = infra.Template.Root.At("outputs").Members();
        var webConfig = File.ReadAllText(Repository.PathOf("infra", "hooks", "web-config.sh"));

        Assert.Equal("${API_CLIENT_ID}", values["apiClientId"]);
        Assert.Equal("${ENTRA_TENANT_ID}", values["entraTenantId"]);
        foreach (var name in new[] { "WEB_URL", "API_BASE_URL", "API_SCOPE", "ENTRA_TENANT_ID" })
        {
            Assert.Contains(name, outputs.Keys);
            Assert.Contains($"$(value {name})", webConfig, StringComparison.Ordinal);
        }

        Assert.Equal($"api://{Scenarios.ApiClientId}/access_as_user", infra.Defaults.Outputs.Text("API_SCOPE"));
    }

    [Fact]
    public void Every_parameter_in_main_parameters_json_is_a_parameter_of_main_bicep()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("infra", "main.parameters.json")));
        var given = document.RootElement.At("parameters").EnumerateObject().Select(p => p.Name).ToList();
        var declared = infra.Template.Root.At("parameters").Members();
        var required = declared.Where(p => !p.Value.Has("defaultValue")).Select(p => p.Key);

        Assert.All(given, name => Assert.Contains(name, declared.Keys));
        Assert.All(required, name => Assert.Contains(name, given));
    }

    [Fact]
    public void Main_parameters_json_takes_its_values_from_the_azd_environment()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("infra", "main.parameters.json")));
        var values = document.RootElement.At("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Text("value"));

        Assert.Equal("${AZURE_ENV_NAME}", values["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", values["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", values["principalId"]);
        Assert.Equal("${API_CLIENT_ID}", values["apiClientId"]);
        Assert.All(values.Values, v => Assert.Matches(EnvironmentReference(), v));
    }

    [Fact]
    public void Outputs_give_azd_every_value_the_app_and_the_operator_need()
    {
        string[] expected =
        [
            "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME",
            "API_BASE_URL", "WEB_URL", "COSMOS_ENDPOINT", "SERVICEBUS_NAMESPACE", "SIGNALR_ENDPOINT",
            "AZURE_MANAGED_IDENTITY_CLIENT_ID", "APPLICATIONINSIGHTS_CONNECTION_STRING",
        ];
        var outputs = infra.Template.Root.At("outputs").Members();

        Assert.All(expected, name => Assert.Contains(name, outputs.Keys));
        Assert.Equal(
            $"[format('https://{{0}}', {infra.Defaults.ReferenceTo("Microsoft.Web/sites", "defaultHostName")})]",
            infra.Defaults.Outputs.Text("API_BASE_URL"));
        Assert.Equal($"rg-{Scenarios.EnvironmentName}", infra.Defaults.Outputs.Text("AZURE_RESOURCE_GROUP"));
    }

    [Fact]
    public void Resource_group_is_named_after_the_environment_and_every_resource_is_tagged_with_it()
    {
        var group = infra.Defaults.One("Microsoft.Resources/resourceGroups");
        var topLevel = infra.Defaults.Resources.Where(r => r.Has("location")).ToList();

        Assert.Equal($"rg-{Scenarios.EnvironmentName}", group.Text("name"));
        Assert.Equal(Scenarios.EnvironmentName, group.Text("tags.azd-env-name"));
        Assert.Equal(11, topLevel.Count);
        Assert.All(topLevel, r => Assert.Equal(Scenarios.EnvironmentName, r.Text("tags.azd-env-name")));
    }

    [Fact]
    public void Resource_names_are_an_abbreviation_and_one_environment_token()
    {
        var names = infra.Defaults.Resources
            .Where(r => r.Has("location") && r.Text("type") != "Microsoft.Resources/resourceGroups")
            .Select(r => r.Text("name"))
            .ToList();
        var tokens = names.Select(n => ResourceName().Match(n)).ToList();

        Assert.All(tokens, (m, i) => Assert.True(m.Success, $"'{names[i]}' is not <abbreviation><token>."));
        Assert.Single(tokens.Select(m => m.Groups["token"].Value).Distinct());
        Assert.NotEqual(
            infra.Defaults.One("Microsoft.Web/sites").Text("name"),
            infra.Overrides.One("Microsoft.Web/sites").Text("name"));
    }

    [Fact]
    public void Static_web_app_falls_back_to_a_supported_region()
    {
        Assert.Equal("westeurope", infra.Defaults.One("Microsoft.Web/staticSites").Text("location"));
        Assert.Equal("eastus2", infra.Overrides.One("Microsoft.Web/staticSites").Text("location"));
        Assert.Equal("Free", infra.Defaults.One("Microsoft.Web/staticSites").Text("sku.name"));
    }

    [GeneratedRegex(@"^\$\{[A-Z_]+(=[^}]*)?\}$")]
    private static partial Regex EnvironmentReference();

    [GeneratedRegex("^(appi-|cosmos-|func-|plan-|log-|id-|sb-|sigr-|stapp-|st)(?<token>[a-z0-9]{13})$")]
    private static partial Regex ResourceName();
}
