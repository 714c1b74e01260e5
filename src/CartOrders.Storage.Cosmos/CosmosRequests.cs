using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CartOrders.Application;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos;

/// <summary>What one Cosmos request answered: its status, its cost in request units and, when throttled, when to retry.</summary>
internal readonly record struct RequestOutcome(HttpStatusCode Status, double RequestCharge, TimeSpan? RetryAfter = null);

/// <summary>
/// Runs every Cosmos request of the store: records its request charge and duration
/// (<c>cartorders.cosmos.request_charge</c> in RU, <c>cartorders.cosmos.duration</c> in seconds, tagged
/// operation/container/status), logs it at Debug, adds the RU to the current activity, and turns a
/// transient failure that outlived the SDK's own retries (429 throttled, 503 unavailable, 408 timed
/// out, or no answer within <see cref="CosmosStoreOptions.RequestTimeout"/>) into
/// <see cref="StoreBusyException"/> so the API can answer 503 with Retry-After rather than 500.
/// </summary>
internal sealed partial class CosmosRequests(ILogger<CosmosRequests> logger, IOptions<CosmosStoreOptions>? options = null)
{
    public const string RequestChargeTag = "cartorders.cosmos.request_charge";

    private readonly TimeSpan _timeout = options?.Value.RequestTimeout ?? new CosmosStoreOptions().RequestTimeout;

    /// <summary>Used when a throttled response carries no retry-after.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly Histogram<double> s_requestCharge = Telemetry.Meter.CreateHistogram<double>(
        "cartorders.cosmos.request_charge", unit: "RU", description: "Request units charged per Cosmos request");

    private static readonly Histogram<double> s_duration = Telemetry.Meter.CreateHistogram<double>(
        "cartorders.cosmos.duration", unit: "s", description: "Duration of Cosmos requests, including the SDK's retries");

    /// <summary>
    /// Runs a request; <paramref name="outcome"/> reads the status and charge of its response. Typed
    /// calls throw <see cref="CosmosException"/> on failure; stream and batch calls return a response
    /// instead, and a throttled one is disposed and reported as <see cref="StoreBusyException"/> too.
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, string container, Func<Task<T>> request, Func<T, RequestOutcome> outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        var started = Stopwatch.GetTimestamp();
        T response;
        try
        {
            response = await request().WaitAsync(_timeout);
        }
        catch (CosmosException error)
        {
            Record(operation, container, new RequestOutcome(error.StatusCode, error.RequestCharge, error.RetryAfter), started);
            if (IsTransient(error.StatusCode))
            {
                throw new StoreBusyException(error.RetryAfter ?? DefaultRetryAfter, error);
            }

            throw;
        }
        catch (TimeoutException error)
        {
            // The request is abandoned, not undone: a batch still in flight commits whole or not at all.
            Record(operation, container, new RequestOutcome(HttpStatusCode.RequestTimeout, 0), started);
            throw new StoreBusyException(DefaultRetryAfter, error);
        }

        var result = outcome(response);
        Record(operation, container, result, started);
        if (IsTransient(result.Status))
        {
            (response as IDisposable)?.Dispose();
            throw new StoreBusyException(result.RetryAfter ?? DefaultRetryAfter);
        }

        return response;
    }

    /// <summary>Answers worth retrying later: throttled, unavailable, timed out (the SDK has already retried what it retries itself).</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout;

    /// <summary>
    /// A point read (1 RU per KB) through the stream API, so a missing item is a null rather than an
    /// exception: a new stream has no tip, and most keys have no idempotency record.
    /// </summary>
    public async Task<(T Item, string ETag)?> ReadItemAsync<T>(Container container, string id, PartitionKey partitionKey, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        using var response = await RunAsync(
            operation,
            container.Id,
            () => container.ReadItemStreamAsync(id, partitionKey, cancellationToken: cancellationToken),
            Outcome);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var item = await JsonSerializer.DeserializeAsync<T>(response.Content, CosmosJson.Options, cancellationToken)
            ?? throw new JsonException($"The Cosmos item '{id}' in {container.Id} read as null.");
        return (item, response.Headers.ETag);
    }

    /// <summary>The outcome of a stream call: its status, charge and, when throttled, the service's retry-after.</summary>
    public static RequestOutcome Outcome(ResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new RequestOutcome(response.StatusCode, response.Headers.RequestCharge, RetryAfter(response.Headers));
    }

    private static TimeSpan? RetryAfter(Headers headers) =>
        headers.TryGetValue("x-ms-retry-after-ms", out var value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds)
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;

    private void Record(string operation, string container, RequestOutcome outcome, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var tags = new TagList
        {
            { "operation", operation },
            { "container", container },
            { "status", (int)outcome.Status },
        };
        s_requestCharge.Record(outcome.RequestCharge, tags);
        s_duration.Record(elapsed.TotalSeconds, tags);
        if (Activity.Current is { } activity)
        {
            var spent = activity.GetTagItem(RequestChargeTag) is double before ? before : 0;
            activity.SetTag(RequestChargeTag, spent + outcome.RequestCharge);
        }

        LogRequest(logger, operation, container, (int)outcome.Status, outcome.RequestCharge, elapsed.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cosmos {Operation} on {Container}: {Status}, {RequestCharge} RU, {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string operation, string container, int status, double requestCharge, double elapsedMs);
}
