using Azure.Identity;
using Azure.Messaging.ServiceBus;
using CartOrders.Application.Integration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Messaging.ServiceBus;

public static class ServiceBusPublishingServices
{
    /// <summary>The key of the publisher's own <see cref="ServiceBusClient"/>, so it never clashes with a host's client.</summary>
    public const string ClientKey = "cartorders-integration";

    /// <summary>
    /// The integration publisher and its feed handler (<see cref="IntegrationPublisherHandler"/>,
    /// subscription "integration-publisher"). Service Bus when the <c>ServiceBus</c> section sets
    /// ConnectionString or FullyQualifiedNamespace (validated at start); otherwise events are logged
    /// and <see cref="IIntegrationPublisher.IsEnabled"/> is false. The host runs the handler
    /// (<c>AddFeedPump&lt;IntegrationPublisherHandler&gt;()</c>, or a timer with <c>CreatePump</c>);
    /// a store adapter supplies <see cref="Application.Ports.IEventStore"/>.
    /// </summary>
    public static IServiceCollection AddIntegrationPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ServiceBusPublishingOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InMemoryIntegrationPoisonSink>();
        services.TryAddSingleton<IIntegrationPoisonSink>(sp => sp.GetRequiredService<InMemoryIntegrationPoisonSink>());
        services.TryAddSingleton<IntegrationPublisherHandler>();

        if (section.Get<ServiceBusPublishingOptions>() is not { IsConfigured: true })
        {
            services.TryAddSingleton<IIntegrationPublisher, LoggingIntegrationPublisher>();
            return services;
        }

        services.AddOptions<ServiceBusPublishingOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusPublishingOptions>, ServiceBusPublishingOptionsValidator>());
        services.TryAddKeyedSingleton(ClientKey, (sp, _) => CreateClient(sp.GetRequiredService<IOptions<ServiceBusPublishingOptions>>().Value));
        services.TryAddSingleton<IIntegrationPublisher>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ServiceBusPublishingOptions>>();
            var client = sp.GetRequiredKeyedService<ServiceBusClient>(ClientKey);
            return new ServiceBusIntegrationPublisher(
                client.CreateSender(options.Value.TopicName),
                options,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ServiceBusIntegrationPublisher>>());
        });
        return services;
    }

    /// <summary>Keys locally; in Azure the managed identity (DefaultAzureCredential reads AZURE_CLIENT_ID for a user-assigned one).</summary>
    internal static ServiceBusClient CreateClient(ServiceBusPublishingOptions options)
    {
        var clientOptions = new ServiceBusClientOptions
        {
            Identifier = "cartorders-integration-publisher",
            RetryOptions = new ServiceBusRetryOptions
            {
                Mode = ServiceBusRetryMode.Exponential,
                MaxRetries = 3,
                Delay = TimeSpan.FromSeconds(0.5),
                MaxDelay = TimeSpan.FromSeconds(10),
                TryTimeout = TimeSpan.FromSeconds(30),
            },
        };
        return string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new ServiceBusClient(options.FullyQualifiedNamespace, new DefaultAzureCredential(), clientOptions)
            : new ServiceBusClient(options.ConnectionString, clientOptions);
    }
}
