using CartOrders.Functions.Http;

namespace CartOrders.Functions.Tests;

/// <summary>The per-function policies the pipeline applies, as the local server declares them on its endpoints.</summary>
public sealed class HttpFunctionPolicyTests
{
    [Fact]
    public void Only_the_catalog_and_health_are_anonymous_and_every_contract_command_is_rate_limited()
    {
        var policies = new HttpFunctionPolicies().All;

        Assert.Equal(FunctionsMetadataTests.HttpFunctions.Select(f => f.Name).Order(), policies.Keys.Order());
        Assert.Equal(["GetHealth", "ListProducts"], policies.Where(p => !p.Value.RequiresCaller).Select(p => p.Key).Order());
        var commands = FunctionsMetadataTests.HttpFunctions.Where(f => f.Method != "get" && f.Name != "Negotiate").Select(f => f.Name).Order();
        Assert.Equal(commands, policies.Where(p => p.Value.IsCommand).Select(p => p.Key).Order());
    }

    [Fact]
    public void A_function_without_a_declared_policy_needs_a_caller()
    {
        Assert.Equal(HttpFunctionPolicy.Default, new HttpFunctionPolicies().Of("NoSuchFunction"));
        Assert.True(HttpFunctionPolicy.Default.RequiresCaller);
    }
}
