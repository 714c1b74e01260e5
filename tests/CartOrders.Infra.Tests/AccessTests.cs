using System.Text.Json;
using CartOrders.Infra.Tests.Support;

namespace CartOrders.Infra.Tests;

/// <summary>Who may do what: the app identity's data-plane roles, each on its own resource.</summary>
public sealed class AccessTests(InfraFixture infra)
{
    private const string RoleAssignment = "Microsoft.Authorization/roleAssignments";
    private const string SqlRoleAssignment = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments";
    private const string Identity = "Microsoft.ManagedIdentity/userAssignedIdentities";
    private const string Cosmos = "Microsoft.DocumentDB/databaseAccounts";
    private const string CosmosDataContributor = "00000000-0000-0000-0000-000000000002";

    private static readonly (string RoleId, string ResourceType)[] Roles =
    [
        ("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "Microsoft.ServiceBus/namespaces"), // Azure Service Bus Data Sender
        ("fd53cd77-2268-407a-8f46-7e7863d0f521", "Microsoft.SignalRService/signalR"), // SignalR REST API Owner
        ("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts"), // Storage Blob Data Owner
        ("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components"), // Monitoring Metrics Publisher
    ];

    public static TheoryData<string, string> AzureRoles { get; } = ToTheoryData(Roles);

    private static string AppPrincipal(DeploymentSnapshot snapshot) => $"[{snapshot.ReferenceTo(Identity, "principalId")}]";

    [Theory]
    [MemberData(nameof(AzureRoles))]
    public void App_identity_holds_the_role_on_its_own_resource(string roleId, string resourceType)
    {
        var scope = infra.Defaults.IdOf(resourceType);
        var assignment = Assert.Single(
            infra.Defaults.OfType(RoleAssignment),
            a => a.Text("properties.roleDefinitionId").EndsWith($"/roleDefinitions/{roleId}", StringComparison.Ordinal));

        Assert.Equal(
            $"/subscriptions/{Scenarios.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleId}",
            assignment.Text("properties.roleDefinitionId"));
        Assert.Equal(AppPrincipal(infra.Defaults), assignment.Text("properties.principalId"));
        Assert.Equal("ServicePrincipal", assignment.Text("properties.principalType"));
        Assert.StartsWith($"[extensionResourceId('{scope}', 'Microsoft.Authorization/roleAssignments',", assignment.Text("id"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_role_of_the_app_is_assigned_in_the_compiled_template()
    {
        var compiled = infra.Template.OfType(RoleAssignment).Select(r => r.Properties.Text("roleDefinitionId"));
        Assert.All(Roles.Select(r => r.RoleId), roleId => Assert.Contains(compiled, id => id.Contains($"'{roleId}'", StringComparison.Ordinal)));
        Assert.Contains(
            infra.Template.OfType(SqlRoleAssignment),
            r => r.Properties.Text("roleDefinitionId").Contains($"/sqlRoleDefinitions/{CosmosDataContributor}", StringComparison.Ordinal));
    }

    [Fact]
    public void App_identity_gets_cosmos_data_access_through_a_sql_role_assignment_on_the_account()
    {
        var account = infra.Defaults.IdOf(Cosmos);
        var assignment = Assert.Single(
            infra.Defaults.OfType(SqlRoleAssignment),
            a => a.Text("properties.principalId") == AppPrincipal(infra.Defaults));

        Assert.Equal($"{account}/sqlRoleDefinitions/{CosmosDataContributor}", assignment.Text("properties.roleDefinitionId"));
        Assert.Equal(account, assignment.Text("properties.scope"));
    }

    [Fact]
    public void App_identity_holds_no_other_role()
    {
        var app = AppPrincipal(infra.Defaults);
        var azureRoles = infra.Defaults.OfType(RoleAssignment);

        Assert.All(azureRoles, a => Assert.Equal(app, a.Text("properties.principalId")));
        Assert.Equal(Roles.Length, azureRoles.Count);
        Assert.Single(infra.Defaults.OfType(SqlRoleAssignment), a => a.Text("properties.principalId") == app);
    }

    [Fact]
    public void Deploying_user_gets_cosmos_data_access_only_when_a_principal_id_is_given()
    {
        static IEnumerable<JsonElement> UserAssignments(DeploymentSnapshot snapshot, string appPrincipal) =>
            snapshot.OfType(SqlRoleAssignment).Where(a => a.Text("properties.principalId") != appPrincipal);

        var user = Assert.Single(UserAssignments(infra.Defaults, AppPrincipal(infra.Defaults)));
        Assert.Equal(Scenarios.UserPrincipalId, user.Text("properties.principalId"));
        Assert.EndsWith($"/sqlRoleDefinitions/{CosmosDataContributor}", user.Text("properties.roleDefinitionId"), StringComparison.Ordinal);
        Assert.Equal(infra.Defaults.IdOf(Cosmos), user.Text("properties.scope"));

        Assert.Empty(UserAssignments(infra.Overrides, AppPrincipal(infra.Overrides)));
    }

    private static TheoryData<string, string> ToTheoryData((string RoleId, string ResourceType)[] roles)
    {
        var data = new TheoryData<string, string>();
        foreach (var (roleId, resourceType) in roles)
        {
            data.Add(roleId, resourceType);
        }

        return data;
    }
}
