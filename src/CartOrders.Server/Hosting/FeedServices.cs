using CartOrders.Api.Health;
using CartOrders.Application;
using CartOrders.Application.Abandonment;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Projections;
using CartOrders.Messaging.ServiceBus;

namespace CartOrders.Server.Hosting;

public static class FeedServices
{
    /// <summary>
    /// The feed subscriptions this host runs, each a hosted pump with its own checkpoint: the
    /// projector (views, then pushes), order placement, and the integration publisher (Service Bus
    /// when the <c>ServiceBus</c> section is set, else events are only logged; health reports which),
    /// the sweep that abandons idle carts (section <c>Abandonment</c>), and the views' blue/green rebuilds.
    /// </summary>
    public static WebApplicationBuilder AddFeedPumps(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FeedPumpOptions>().Bind(builder.Configuration.GetSection(FeedPumpOptions.Section))
            .Validate(o => o.IsValid, FeedPumpOptions.Invalid)
            .ValidateOnStart();
        builder.Services.AddFeedPump<Projector>(live: true);
        builder.Services.AddFeedPump<OrderPlacement>();
        builder.Services.AddIntegrationPublishing(builder.Configuration);
        builder.Services.AddFeedPump<IntegrationPublisherHandler>();
        builder.Services.AddHostedService<CartAbandonmentService>();
        builder.Services.AddProjectionRebuilds();
        builder.Services.Configure<HealthOptions>(o => o.PublishingEnabled = services => services.GetRequiredService<IIntegrationPublisher>().IsEnabled);
        return builder;
    }
}
