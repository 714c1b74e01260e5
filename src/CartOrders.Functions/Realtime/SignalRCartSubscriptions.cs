using CartOrders.Api.Problems;
using CartOrders.Api.Realtime;
using Microsoft.Extensions.Logging;

namespace CartOrders.Functions.Realtime;

/// <summary>
/// Cart subscriptions in serverless mode. The service's REST API cannot say whose a connection is,
/// so a join checks that the connection exists and then adds the caller's user, not the connection,
/// to the cart's group: whatever connection id a caller names, only the caller's own connections
/// (those whose token carries the caller's id, from negotiate) can ever receive the cart. Joining
/// and leaving keep the cart's presence record (<see cref="ServerlessPresence"/>).
/// </summary>
public sealed class SignalRCartSubscriptions(SignalRRestClient service, ServerlessPresence presence, ILogger<SignalRCartSubscriptions> logger) : IRealtimeSubscriptions
{
    public async Task<bool> JoinCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await service.ConnectionExistsAsync(connectionId, cancellationToken))
            {
                return false;
            }

            await service.AddUserToGroupAsync(userId, RealtimeMessages.GroupOf(cartId), cancellationToken);
            await presence.JoinedAsync(cartId, connectionId, userId, cancellationToken);
            return true;
        }
        catch (HttpRequestException error)
        {
            throw RealtimeProblems.ServiceFailed(error, logger, "subscription");
        }
    }

    public async Task LeaveCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default)
    {
        try
        {
            await service.RemoveUserFromGroupAsync(userId, RealtimeMessages.GroupOf(cartId), cancellationToken);
            await presence.UserLeftAsync(cartId, userId, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            throw RealtimeProblems.ServiceFailed(error, logger, "subscription");
        }
    }
}

/// <summary>The problems of the real-time endpoints that only a serverless host has.</summary>
public static partial class RealtimeProblems
{
    public static readonly ApiProblem Unavailable = new("realtime-unavailable", 503, "Real-time updates are not available");

    public static ProblemException NotConfigured() =>
        new(Unavailable, "This app has no SignalR service configured (SignalR:Endpoint or SignalR:ConnectionString).");

    /// <summary>Logs the service's failure and answers 503, so the caller retries rather than sees a 500.</summary>
    public static ProblemException ServiceFailed(HttpRequestException error, ILogger logger, string what)
    {
        ArgumentNullException.ThrowIfNull(error);
        LogServiceFailed(logger, error, what);
        return new(Unavailable, "The SignalR service did not complete the request; retry.") { RetryAfter = TimeSpan.FromSeconds(1) };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The SignalR service failed a {What}")]
    private static partial void LogServiceFailed(ILogger logger, Exception error, string what);
}
