using CartOrders.Infra.Tests.Support;

namespace CartOrders.Infra.Tests;

public sealed class FunctionAppTests(InfraFixture infra)
{
    private const string Plan = "Microsoft.Web/serverfarms";
    private const string Site = "Microsoft.Web/sites";
    private const string Identity = "Microsoft.ManagedIdentity/userAssignedIdentities";
    private const string Storage = "Microsoft.Storage/storageAccounts";
    private const string Container = "Microsoft.Storage/storageAccounts/blobServices/containers";

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_flex_consumption()
    {
        var plan = infra.Template.One(Plan).Json;
        var site = infra.Template.One(Site).Json;

        Assert.Equal(("FC1", "FlexConsumption"), (plan.Text("sku.name"), plan.Text("sku.tier")));
        Assert.Equal("functionapp", plan.Text("kind"));
        Assert.True(plan.At("properties.reserved").GetBoolean());
        Assert.Equal("functionapp,linux", site.Text("kind"));
        Assert.Equal(("dotnet-isolated", "10.0"), (site.Text("properties.functionAppConfig.runtime.name"), site.Text("properties.functionAppConfig.runtime.version")));
    }

    [Fact]
    public void Feed_pump_keeps_one_always_ready_instance_by_default()
    {
        var scale = infra.Defaults.One(Site).At("properties.functionAppConfig.scaleAndConcurrency");
        var alwaysReady = Assert.Single(scale.At("alwaysReady").EnumerateArray());

        Assert.Equal(("function:FeedPump", 1), (alwaysReady.Text("name"), alwaysReady.At("instanceCount").GetInt32()));
        Assert.Equal(100, scale.At("maximumInstanceCount").GetInt32());
        Assert.Equal(2048, scale.At("instanceMemoryMB").GetInt32());
    }

    [Fact]
    public void Always_ready_instances_can_be_turned_off()
    {
        var scale = infra.Overrides.One(Site).At("properties.functionAppConfig.scaleAndConcurrency");

        Assert.Empty(scale.At("alwaysReady").EnumerateArray());
    }

    [Fact]
    public void Function_app_runs_as_the_user_assigned_identity_and_deploys_with_it()
    {
        var site = infra.Defaults.One(Site);
        var identityId = infra.Defaults.IdOf(Identity);
        var storage = site.At("properties.functionAppConfig.deployment.storage");

        Assert.Equal("UserAssigned", site.Text("identity.type"));
        Assert.Equal([identityId], site.At("identity.userAssignedIdentities").Members().Keys);
        Assert.Equal("blobContainer", storage.Text("type"));
        Assert.Equal(
            $"[format('{{0}}{{1}}', {infra.Defaults.ReferenceTo(Storage, "primaryEndpoints.blob")}, 'app-package')]",
            storage.Text("value"));
        Assert.Equal("UserAssignedIdentity", storage.Text("authentication.type"));
        Assert.Equal(identityId, storage.Text("authentication.userAssignedIdentityResourceId"));
        Assert.Contains(infra.Defaults.OfType(Container), c => c.Text("name").EndsWith("/default/app-package", StringComparison.Ordinal));
    }

    [Fact]
    public void Function_app_is_https_only_with_tls_1_2_and_no_ftp()
    {
        var site = infra.Template.One(Site).Properties;

        Assert.True(site.At("httpsOnly").GetBoolean());
        Assert.Equal("1.2", site.Text("siteConfig.minTlsVersion"));
        Assert.Equal("Disabled", site.Text("siteConfig.ftpsState"));
    }

    [Fact]
    public void Storage_account_refuses_shared_keys_and_public_blobs()
    {
        var storage = infra.Template.One(Storage).Json;

        Assert.Equal(("StorageV2", "Standard_LRS"), (storage.Text("kind"), storage.Text("sku.name")));
        Assert.False(storage.At("properties.allowSharedKeyAccess").GetBoolean());
        Assert.False(storage.At("properties.allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", storage.Text("properties.minimumTlsVersion"));
    }

    [Fact]
    public void Application_insights_is_workspace_based_and_accepts_only_entra_authenticated_telemetry()
    {
        var appInsights = infra.Defaults.One("Microsoft.Insights/components");

        Assert.True(appInsights.At("properties.DisableLocalAuth").GetBoolean());
        Assert.Equal(infra.Defaults.IdOf("Microsoft.OperationalInsights/workspaces"), appInsights.Text("properties.WorkspaceResourceId"));
    }
}
