using Azure.Core;
using Azure.Identity;
using CartOrders.Api.Realtime;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Realtime;

public static class RealtimeServices
{
    /// <summary>The credential the app reaches the service with in Entra ID mode (a keyed service, so tests can put their own).</summary>
    public const string CredentialKey = "cartorders-signalr";

    /// <summary>
    /// Real-time through Azure SignalR Service in serverless mode (section <c>SignalR</c>): the REST
    /// notifier and subscriptions, presence, the push of an acknowledged cart command ahead of the
    /// feed, and the negotiator. Without the section, real-time is off.
    /// </summary>
    public static IServiceCollection AddServerlessRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SignalROptions.Section);
        services.AddOptions<SignalROptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignalROptions>, SignalROptionsValidator>());
        if (section.Get<SignalROptions>() is not { IsConfigured: true })
        {
            services.AddSingleton<RealtimeUnavailable>();
            services.AddSingleton<IRealtimeNotifier>(sp => sp.GetRequiredService<RealtimeUnavailable>());
            services.AddSingleton<IRealtimeSubscriptions>(sp => sp.GetRequiredService<RealtimeUnavailable>());
            services.AddSingleton<ICartPresence>(sp => sp.GetRequiredService<RealtimeUnavailable>());
            return services;
        }

        services.AddHttpClient(SignalRRestClient.HttpClientName);
        services.AddSingleton(sp => SignalRService.From(sp.GetRequiredService<IOptions<SignalROptions>>().Value));
        services.TryAddKeyedSingleton<TokenCredential>(CredentialKey, (_, _) => new DefaultAzureCredential());
        services.AddSingleton<SignalRAccess>(sp => sp.GetRequiredService<SignalRService>().AccessKey is { } key
            ? new AccessKeySignalRAccess(key, sp.GetRequiredService<TimeProvider>())
            : new EntraIdSignalRAccess(sp.GetRequiredKeyedService<TokenCredential>(CredentialKey)));
        services.AddSingleton<SignalRRestClient>();
        services.AddSingleton<SignalRNegotiator>();
        services.AddSingleton<IRealtimeNotifier, SignalRRestNotifier>();
        services.AddSingleton<IAcknowledgedCartPush, SignalRAcknowledgedCartPush>();
        services.AddSingleton<IRealtimeSubscriptions, SignalRCartSubscriptions>();
        services.AddSingleton<ServerlessPresence>();
        services.AddSingleton<ICartPresence>(sp => sp.GetRequiredService<ServerlessPresence>());
        return services;
    }
}

/// <summary>Real-time without a service: pushes go nowhere (clients can still read every view), and subscribing and presence answer 503.</summary>
public sealed class RealtimeUnavailable : IRealtimeNotifier, IRealtimeSubscriptions, ICartPresence
{
    public Task<IReadOnlyList<string>> ViewersOfAsync(string cartId, CancellationToken cancellationToken = default) =>
        throw RealtimeProblems.NotConfigured();

    public Task<bool> RefreshAsync(string cartId, string connectionId, string userId, CancellationToken cancellationToken = default) =>
        throw RealtimeProblems.NotConfigured();

    public Task CartUpdatedAsync(CartUpdate update, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task OrderUpdatedAsync(OrderView view, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task CartsChangedAsync(string userId, CartsChange change, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> JoinCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default) =>
        throw RealtimeProblems.NotConfigured();

    public Task LeaveCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
