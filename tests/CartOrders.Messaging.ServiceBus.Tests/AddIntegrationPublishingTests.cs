using CartOrders.Application.Integration;
using CartOrders.Application.Ports;
using CartOrders.Messaging.ServiceBus.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Messaging.ServiceBus.Tests;

public sealed class AddIntegrationPublishingTests
{
    private const string ConnectionString = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0";

    [Fact]
    public async Task Without_service_bus_settings_events_are_logged_and_publishing_is_off()
    {
        await using var services = Build([]);

        var publisher = services.GetRequiredService<IIntegrationPublisher>();

        Assert.IsType<LoggingIntegrationPublisher>(publisher);
        Assert.False(publisher.IsEnabled);
        Assert.Equal("integration-publisher", services.GetRequiredService<IntegrationPublisherHandler>().Subscription);
        Assert.IsType<InMemoryIntegrationPoisonSink>(services.GetRequiredService<IIntegrationPoisonSink>());
    }

    [Fact]
    public async Task A_connection_string_selects_the_service_bus_publisher_on_the_default_topic()
    {
        await using var services = Build(new() { ["ServiceBus:ConnectionString"] = ConnectionString });
        services.GetRequiredService<IStartupValidator>().Validate();

        var publisher = services.GetRequiredService<IIntegrationPublisher>();

        Assert.IsType<ServiceBusIntegrationPublisher>(publisher);
        Assert.True(publisher.IsEnabled);
        Assert.Equal("cartorders-events", services.GetRequiredService<IOptions<ServiceBusPublishingOptions>>().Value.TopicName);
        services.GetRequiredService<IntegrationPublisherHandler>();
    }

    [Fact]
    public async Task A_namespace_selects_the_service_bus_publisher_with_managed_identity()
    {
        await using var services = Build(new()
        {
            ["ServiceBus:FullyQualifiedNamespace"] = "example.servicebus.windows.net",
            ["ServiceBus:TopicName"] = "other-topic",
        });
        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.True(services.GetRequiredService<IIntegrationPublisher>().IsEnabled);
        var client = services.GetRequiredKeyedService<Azure.Messaging.ServiceBus.ServiceBusClient>(ServiceBusPublishingServices.ClientKey);
        Assert.Equal("example.servicebus.windows.net", client.FullyQualifiedNamespace);
    }

    [Fact]
    public async Task Both_a_connection_string_and_a_namespace_fail_at_start_with_a_clear_message()
    {
        await using var services = Build(new()
        {
            ["ServiceBus:ConnectionString"] = ConnectionString,
            ["ServiceBus:FullyQualifiedNamespace"] = "example.servicebus.windows.net",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("either ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "set ConnectionString, or FullyQualifiedNamespace")]
    [InlineData("my-namespace.servicebus.windows.net", null, "is not a Service Bus connection string")]
    [InlineData(null, "sb://my-namespace.servicebus.windows.net/", "is a host name")]
    public void Wrong_settings_are_refused_with_what_to_change(string? connectionString, string? fullyQualifiedNamespace, string expected)
    {
        var options = new ServiceBusPublishingOptions { ConnectionString = connectionString, FullyQualifiedNamespace = fullyQualifiedNamespace };

        var result = new ServiceBusPublishingOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IEventStore, InMemoryEventStore>();
        services.AddIntegrationPublishing(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
