using System.Text.Json;
using CartOrders.Domain;

namespace CartOrders.Application.Feed;

/// <summary>Thrown by a handler to say an event can never be handled (it will be parked, not retried).</summary>
public sealed class PermanentFeedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Tells failures that will not heal by retrying (bad data, a bug for this event) from those
/// that may (a store or broker that is down or throttling). Only the first kind parks events;
/// anything not known to be permanent counts as transient, so the batch is retried, not parked.
/// </summary>
public static class FeedFailure
{
    public static bool IsPermanent(Exception error) => error switch
    {
        PermanentFeedException or DomainException or JsonException or FormatException or InvalidCastException
            or NotSupportedException or ArgumentException or KeyNotFoundException or InvalidDataException => true,
        AggregateException { InnerExceptions: var inner } => inner.Count > 0 && inner.All(IsPermanent),
        _ => false,
    };
}
