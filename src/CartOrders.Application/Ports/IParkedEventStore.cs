namespace CartOrders.Application.Ports;

/// <summary>An event a subscription could not handle, kept aside with the reason.</summary>
public sealed record ParkedEvent(string Subscription, StoredEvent Event, string Reason, DateTimeOffset ParkedAt);

/// <summary>
/// Where feed subscriptions park events that fail for good, so one bad stream does not hold
/// back every other stream. Once a stream has a parked event, its later events are parked
/// too, so the stream's order is kept until the parked events are replayed.
/// </summary>
public interface IParkedEventStore
{
    Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Which of the given streams have parked events for the subscription.</summary>
    Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default);

    /// <summary>Parked events, oldest first within each stream; all subscriptions when null.</summary>
    Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the parked events, in the order of <see cref="ListAsync"/> (subscription, stream,
    /// version), continuing after the last one of the page before. This default pages over the full
    /// list; a store that can seek in its index does better.
    /// </summary>
    async Task<Page<ParkedEvent>> ListPageAsync(string? subscription, PageRequest page, CancellationToken cancellationToken = default)
    {
        var after = ParkedEventPosition.Parse(page.After);
        var all = await ListAsync(subscription, cancellationToken);
        var rest = all.Where(p => after is null || ParkedEventPosition.Of(p).CompareTo(after.Value) > 0).Take(page.Limit + 1).ToList();
        return ParkedEventPosition.PageOf(rest, page.Limit);
    }

    Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default);
}

/// <summary>Where a parked event stands in the list: (subscription, stream, version), as a continuation.</summary>
public readonly record struct ParkedEventPosition(string Subscription, string StreamId, long Version) : IComparable<ParkedEventPosition>
{
    public static ParkedEventPosition Of(ParkedEvent parked)
    {
        ArgumentNullException.ThrowIfNull(parked);
        return new(parked.Subscription, parked.Event.StreamId, parked.Event.Version);
    }

    public static ParkedEventPosition? Parse(string? continuation)
    {
        if (continuation is null)
        {
            return null;
        }

        var parts = continuation.Split('\n');
        return parts.Length == 3 && long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? new ParkedEventPosition(parts[0], parts[1], version)
            : throw new InvalidContinuationException("Not a parked event position.");
    }

    /// <summary>The page of <paramref name="fetched"/> (at most limit + 1 items in order) and the continuation after it.</summary>
    public static Page<ParkedEvent> PageOf(IReadOnlyList<ParkedEvent> fetched, int limit)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        var items = fetched.Take(limit).ToList();
        return new Page<ParkedEvent>(items, fetched.Count > limit ? Of(items[^1]).ToString() : null);
    }

    public int CompareTo(ParkedEventPosition other)
    {
        var bySubscription = string.CompareOrdinal(Subscription, other.Subscription);
        if (bySubscription != 0)
        {
            return bySubscription;
        }

        var byStream = string.CompareOrdinal(StreamId, other.StreamId);
        return byStream != 0 ? byStream : Version.CompareTo(other.Version);
    }

    public static bool operator <(ParkedEventPosition left, ParkedEventPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(ParkedEventPosition left, ParkedEventPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(ParkedEventPosition left, ParkedEventPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ParkedEventPosition left, ParkedEventPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Subscription}\n{StreamId}\n{Version}");
}
