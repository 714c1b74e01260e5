using Azure.Messaging.ServiceBus;
using CartOrders.Application.Integration;
using Microsoft.Extensions.Logging;

namespace CartOrders.Messaging.ServiceBus;

/// <summary>
/// Retries a broker call on transient failures with exponential backoff and jitter, a bounded
/// number of times (the SDK retries inside each attempt too). Past the budget the failure is
/// thrown: the publisher must not report success, so the feed checkpoint does not move.
/// </summary>
internal sealed partial class TransientRetry(ServiceBusPublishingOptions options, TimeProvider time, ILogger logger)
{
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception error) when (IsTransient(error) && attempt < options.MaxSendAttempts && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(attempt);
                IntegrationTelemetry.SendRetries.Add(1, new KeyValuePair<string, object?>("operation", operation));
                LogRetry(logger, error, operation, attempt, options.MaxSendAttempts, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    public static bool IsTransient(Exception error) =>
        error is ServiceBusException { IsTransient: true } or TimeoutException;

    /// <summary>RetryDelay * 2^(attempt-1), capped, then between half and all of it (jitter spreads retrying publishers apart).</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var exponential = options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
#pragma warning disable CA5394 // jitter needs no cryptographic randomness
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service Bus {Operation} failed transiently (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception error, string operation, int attempt, int maxAttempts, TimeSpan delay);
}
