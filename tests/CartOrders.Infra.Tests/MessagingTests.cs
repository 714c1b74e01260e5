using CartOrders.Infra.Tests.Support;

namespace CartOrders.Infra.Tests;

public sealed class MessagingTests(InfraFixture infra)
{
    private const string Namespace = "Microsoft.ServiceBus/namespaces";
    private const string Topic = "Microsoft.ServiceBus/namespaces/topics";
    private const string Subscription = "Microsoft.ServiceBus/namespaces/topics/subscriptions";
    private const string SignalR = "Microsoft.SignalRService/signalR";

    [Fact]
    public void Service_bus_namespace_is_standard_and_refuses_shared_access_keys()
    {
        var ns = infra.Template.One(Namespace).Json;

        Assert.Equal("Standard", ns.Text("sku.name"));
        Assert.True(ns.At("properties.disableLocalAuth").GetBoolean());
    }

    [Fact]
    public void Integration_topic_detects_duplicates_and_supports_ordering()
    {
        var topic = infra.Template.One(Topic).Properties;

        Assert.True(topic.At("requiresDuplicateDetection").GetBoolean());
        Assert.Equal("PT1H", topic.Text("duplicateDetectionHistoryTimeWindow"));
        Assert.True(topic.At("supportOrdering").GetBoolean());
        Assert.EndsWith("/cartorders-events", infra.Defaults.One(Topic).Text("name"), StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_consumer_subscription_requires_sessions()
    {
        Assert.True(infra.Template.One(Subscription).Properties.At("requiresSession").GetBoolean());
        Assert.EndsWith("/cartorders-events/sample-consumer", infra.Defaults.One(Subscription).Text("name"), StringComparison.Ordinal);
    }

    [Fact]
    public void SignalR_runs_serverless_and_refuses_access_keys()
    {
        var signalR = infra.Template.One(SignalR).Properties;
        var serviceMode = signalR.At("features").EnumerateArray().Single(f => f.Text("flag") == "ServiceMode");

        Assert.Equal("Serverless", serviceMode.Text("value"));
        Assert.True(signalR.At("disableLocalAuth").GetBoolean());
    }

    [Fact]
    public void SignalR_is_one_standard_unit_by_default_and_free_on_request()
    {
        var standard = infra.Defaults.One(SignalR);
        var free = infra.Overrides.One(SignalR);

        Assert.Equal(("Standard_S1", "Standard", 1), (standard.Text("sku.name"), standard.Text("sku.tier"), standard.At("sku.capacity").GetInt32()));
        Assert.Equal(("Free_F1", "Free"), (free.Text("sku.name"), free.Text("sku.tier")));
    }
}
