using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Domain.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Application;

public static class ApplicationServices
{
    /// <summary>Command handling, loading, the catalog and the feed handlers. A store adapter supplies the ports.</summary>
    public static IServiceCollection AddCartOrdersApplication(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ProductCatalog.Seed);
        services.TryAddSingleton<StreamLocks>();
        services.TryAddSingleton<StreamLoader>();
        services.TryAddSingleton<CommandHandler>();
        services.TryAddSingleton<Projector>();
        services.TryAddSingleton<OrderPlacement>();
        services.TryAddSingleton<Abandonment.CartAbandonment>();
        services.TryAddSingleton(Rebuilds.ProjectionDefinition.Views);
        services.TryAddSingleton<Rebuilds.ProjectionRebuilder>();
        return services;
    }

    /// <summary>Runs the views' rebuilds (asked for, or started by a new projection version) as a hosted service.</summary>
    public static IServiceCollection AddProjectionRebuilds(this IServiceCollection services)
    {
        services.AddHostedService<Rebuilds.ProjectionRebuildService>();
        return services;
    }

    /// <summary>
    /// Runs the handler's subscription as a hosted service for the life of the host. The handler is
    /// also registered as an <see cref="IFeedHandler"/>, so the replay of parked events finds it by
    /// its subscription name.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="live">
    /// People wait for what this subscription does (the projector's views and pushes): it handles
    /// each event as it comes. Otherwise its batches start <see cref="FeedPumpOptions.BatchInterval"/>
    /// apart while events keep coming.
    /// </param>
    public static IServiceCollection AddFeedPump<THandler>(this IServiceCollection services, bool live = false)
        where THandler : class, IFeedHandler
    {
        services.AddSingleton<IFeedHandler>(sp => sp.GetRequiredService<THandler>());
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => new FeedPumpService(
            CreatePump<THandler>(sp),
            sp.GetRequiredService<ILogger<FeedPumpService>>(),
            live ? TimeSpan.Zero : (sp.GetService<IOptions<FeedPumpOptions>>()?.Value ?? new FeedPumpOptions()).BatchInterval));
        return services;
    }

    public static FeedPump CreatePump<THandler>(IServiceProvider services)
        where THandler : class, IFeedHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        return new FeedPump(
            services.GetRequiredService<IEventFeed>(),
            services.GetRequiredService<ICheckpointStore>(),
            services.GetRequiredService<THandler>(),
            services.GetRequiredService<IParkedEventStore>(),
            services.GetRequiredService<ILogger<FeedPump>>());
    }
}
