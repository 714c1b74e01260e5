using CartOrders.Api;
using CartOrders.Api.Health;
using CartOrders.Api.Http;
using CartOrders.Application;
using CartOrders.Application.Integration;
using CartOrders.Functions.Feed;
using CartOrders.Functions.Hosting;
using CartOrders.Functions.Http;
using CartOrders.Functions.Realtime;
using CartOrders.Messaging.ServiceBus;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CartOrders.Functions;

public static class FunctionsServices
{
    /// <summary>
    /// The app's container, as Program builds it and the tests build it: the store chosen by
    /// Store:Provider, the application, the API's services, Entra ID bearer tokens, integration
    /// publishing, real-time through SignalR Service, the feed subscriptions and the HTTP pipeline.
    /// </summary>
    public static IServiceCollection AddCartOrdersFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddCartOrdersStore(configuration);
        services.AddCartOrdersApplication();
        services.AddCartOrdersApi(configuration);
        services.AddFunctionsAuthentication(configuration);
        services.AddIntegrationPublishing(configuration);
        services.AddServerlessRealtime(configuration);
        services.Configure<HealthOptions>(o => o.PublishingEnabled = sp => sp.GetRequiredService<IIntegrationPublisher>().IsEnabled);

        services.AddOptions<FeedOptions>().Bind(configuration.GetSection(FeedOptions.Section))
            .Validate(o => o.TickBudget > TimeSpan.Zero, "Feed:TickBudget must be positive.").ValidateOnStart();
        services.AddSingleton<FeedSubscriptions>();

        // The worker's own Kestrel refuses bodies over the API's limit too, as the local server's does.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodies.MaxBytes);
        services.AddSingleton<HttpFunctionPolicies>();
        services.AddSingleton<CommandRateLimiter>();
        services.AddSingleton<ApiPipeline>();
        return services;
    }

    /// <summary>Every HTTP function runs inside the <see cref="ApiPipeline"/> (after the ASP.NET Core integration's own middleware).</summary>
    public static IFunctionsWorkerApplicationBuilder UseApiPipeline(this IFunctionsWorkerApplicationBuilder worker) =>
        worker.UseMiddleware<ApiPipelineMiddleware>();
}
