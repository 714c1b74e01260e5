namespace CartOrders.Infra.Tests.Support;

/// <summary>Parameters of one predicted deployment, as Bicep expressions.</summary>
public sealed record Scenario(string Name, string DeploymentLocation, IReadOnlyDictionary<string, string> Parameters);

public static class Scenarios
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string TenantId = "00000000-0000-0000-0000-0000000000bb";
    public const string EnvironmentName = "test";
    public const string ApiClientId = "11111111-2222-3333-4444-555555555555";
    public const string UserPrincipalId = "99999999-8888-7777-6666-555555555555";
    public const string ExtraOrigin = "http://localhost:5173";

    /// <summary>What `azd up` passes for a signed-in user, nothing else set.</summary>
    public static Scenario Defaults { get; } = new("defaults", "westeurope", new Dictionary<string, string>
    {
        ["environmentName"] = $"'{EnvironmentName}'",
        ["location"] = "'westeurope'",
        ["principalId"] = $"'{UserPrincipalId}'",
        ["apiClientId"] = $"'{ApiClientId}'",
    });

    /// <summary>
    /// Every optional choice flipped. Unset azd variables arrive as empty strings, so the Entra
    /// parameters are passed empty here, as main.parameters.json does when they are not set.
    /// </summary>
    public static Scenario Overrides { get; } = new("overrides", "swedencentral", new Dictionary<string, string>
    {
        ["environmentName"] = $"'{EnvironmentName}'",
        ["location"] = "'swedencentral'",
        ["principalId"] = "''",
        ["apiClientId"] = $"'{ApiClientId}'",
        ["entraTenantId"] = "''",
        ["apiAudience"] = "''",
        ["cosmosThroughputMode"] = "'autoscale'",
        ["cosmosAutoscaleMaxThroughput"] = "4000",
        ["signalRSku"] = "'Free_F1'",
        ["alwaysReadyInstances"] = "0",
        ["extraAllowedOrigins"] = $"['{ExtraOrigin}']",
    });
}
