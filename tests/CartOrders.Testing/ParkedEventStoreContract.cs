using System.Text;
using CartOrders.Application.Ports;

namespace CartOrders.Testing;

/// <summary>
/// The parked-event store's contract, written once and run against every store: what is parked
/// reads back whole, parking the same event again keeps the first, the list's order and paging,
/// which streams are parked, and removal through a version. Each test uses subscriptions of its
/// own, so a shared database (a Cosmos account) can run the suite repeatedly.
/// </summary>
public abstract class ParkedEventStoreContract
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh parked-event store (or a fresh view of a shared one).</summary>
    protected abstract Task<ParkingUnderTest> CreateParkingAsync();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_parked_event_reads_back_with_every_field_and_parking_it_again_keeps_the_first()
    {
        await using var store = await CreateParkingAsync();
        var parking = store.Parking;
        var subscription = NewName("sub");
        var stream = NewName("cart");
        var eventId = Guid.NewGuid();
        var first = new ParkedEvent(
            subscription,
            new StoredEvent(stream, 3, eventId, "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"sku\":\"A-1\",\"n\":2}"), new EventMetadata("alice", At, "corr-7")),
            "projection failed",
            At.AddMinutes(5));
        var withoutCorrelation = Parked(subscription, stream, 4, "second");

        await parking.ParkAsync([first, withoutCorrelation], Ct);
        await parking.ParkAsync([first with { Reason = "parked again" }], Ct);
        await parking.ParkAsync([], Ct);

        var listed = await parking.ListAsync(subscription, Ct);
        Assert.Equal(2, listed.Count);
        var read = listed[0];
        Assert.Equal(subscription, read.Subscription);
        Assert.Equal("projection failed", read.Reason);
        Assert.Equal(At.AddMinutes(5), read.ParkedAt);
        Assert.Equal(stream, read.Event.StreamId);
        Assert.Equal(3, read.Event.Version);
        Assert.Equal(eventId, read.Event.EventId);
        Assert.Equal("ItemAdded.v1", read.Event.Type);
        Assert.Equal("{\"sku\":\"A-1\",\"n\":2}", Encoding.UTF8.GetString(read.Event.Data.Span));
        Assert.Equal("alice", read.Event.Metadata.UserId);
        Assert.Equal(At, read.Event.Metadata.OccurredAt);
        Assert.Equal("corr-7", read.Event.Metadata.CorrelationId);
        Assert.Null(listed[1].Event.Metadata.CorrelationId);
        Assert.Equal("bob", listed[1].Event.Metadata.UserId);
    }

    [Fact]
    public async Task Parked_events_are_listed_by_subscription_then_stream_then_version_and_filtered_by_subscription()
    {
        await using var store = await CreateParkingAsync();
        var parking = store.Parking;
        var prefix = NewName("list");
        var (a, b) = (prefix + "-a", prefix + "-b");
        var (s1, s2) = (prefix + "-cart-1", prefix + "-cart-2");
        await parking.ParkAsync([Parked(b, s1, 1), Parked(a, s2, 2), Parked(a, s1, 7), Parked(a, s2, 1)], Ct);

        var all = (await parking.ListAsync(null, Ct)).Where(p => p.Subscription.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal([(a, s1, 7L), (a, s2, 1L), (a, s2, 2L), (b, s1, 1L)], all.Select(Key));
        Assert.Equal([(b, s1, 1L)], (await parking.ListAsync(b, Ct)).Select(Key));
        Assert.Empty(await parking.ListAsync(prefix + "-none", Ct));
    }

    [Fact]
    public async Task Pages_of_parked_events_continue_after_the_last_one_and_the_last_page_has_no_next()
    {
        await using var store = await CreateParkingAsync();
        var parking = store.Parking;
        var subscription = NewName("pages");
        var (s1, s2) = (subscription + "-cart-1", subscription + "-cart-2");
        await parking.ParkAsync([Parked(subscription, s2, 1), Parked(subscription, s1, 2), Parked(subscription, s1, 1), Parked(subscription, s2, 3), Parked(subscription, s1, 10)], Ct);

        var first = await parking.ListPageAsync(subscription, PageRequest.First(2), Ct);
        Assert.Equal([(subscription, s1, 1L), (subscription, s1, 2L)], first.Items.Select(Key));
        Assert.NotNull(first.Next);
        var second = await parking.ListPageAsync(subscription, new PageRequest(2, first.Next), Ct);
        Assert.Equal([(subscription, s1, 10L), (subscription, s2, 1L)], second.Items.Select(Key));
        Assert.NotNull(second.Next);
        var last = await parking.ListPageAsync(subscription, new PageRequest(2, second.Next), Ct);
        Assert.Equal([(subscription, s2, 3L)], last.Items.Select(Key));
        Assert.Null(last.Next);

        var whole = await parking.ListPageAsync(subscription, PageRequest.First(5), Ct);
        Assert.Equal(5, whole.Items.Count);
        Assert.Null(whole.Next);
        await Assert.ThrowsAsync<InvalidContinuationException>(() => parking.ListPageAsync(subscription, new PageRequest(2, "not a position"), Ct));
    }

    [Fact]
    public async Task Only_the_streams_with_parked_events_of_the_subscription_are_reported_parked()
    {
        await using var store = await CreateParkingAsync();
        var parking = store.Parking;
        var subscription = NewName("streams");
        var other = subscription + "-other";
        var (s1, s2, s3) = (subscription + "-cart-1", subscription + "-cart-2", subscription + "-cart-3");

        Assert.Empty(await parking.ParkedStreamsAsync(subscription, [s1, s2, s3], Ct));
        await parking.ParkAsync([Parked(subscription, s1, 1), Parked(other, s2, 1), Parked(subscription, s3, 4)], Ct);

        Assert.Equal([s1, s3], (await parking.ParkedStreamsAsync(subscription, [s1, s2, s3], Ct)).Order(StringComparer.Ordinal));
        Assert.Equal([s3], await parking.ParkedStreamsAsync(subscription, [s3], Ct));
        Assert.Equal([s2], await parking.ParkedStreamsAsync(other, [s1, s2, s3], Ct));
        Assert.Empty(await parking.ParkedStreamsAsync(subscription, [s2], Ct));
    }

    [Fact]
    public async Task Removing_through_a_version_releases_that_stream_of_that_subscription_only()
    {
        await using var store = await CreateParkingAsync();
        var parking = store.Parking;
        var subscription = NewName("remove");
        var other = subscription + "-other";
        var (stream, neighbour) = (subscription + "-cart-1", subscription + "-cart-2");
        await parking.ParkAsync([Parked(subscription, stream, 1), Parked(subscription, stream, 2), Parked(subscription, stream, 3), Parked(subscription, neighbour, 1), Parked(other, stream, 1)], Ct);

        await parking.RemoveAsync(subscription, stream, 2, Ct);

        Assert.Equal([(subscription, stream, 3L), (subscription, neighbour, 1L)], (await parking.ListAsync(subscription, Ct)).Select(Key));
        Assert.Equal([(other, stream, 1L)], (await parking.ListAsync(other, Ct)).Select(Key));
        Assert.Equal([stream], await parking.ParkedStreamsAsync(subscription, [stream], Ct));

        await parking.RemoveAsync(subscription, stream, 3, Ct);

        Assert.Equal([(subscription, neighbour, 1L)], (await parking.ListAsync(subscription, Ct)).Select(Key));
        Assert.Empty(await parking.ParkedStreamsAsync(subscription, [stream], Ct));
        Assert.Equal([stream], await parking.ParkedStreamsAsync(other, [stream], Ct));
    }

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static (string Subscription, string Stream, long Version) Key(ParkedEvent parked) =>
        (parked.Subscription, parked.Event.StreamId, parked.Event.Version);

    private static ParkedEvent Parked(string subscription, string stream, long version, string reason = "failed") =>
        new(subscription, new StoredEvent(stream, version, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("bob", At)), reason, At);
}

/// <summary>One store's parked-event port, as the contract sees it.</summary>
public sealed record ParkingUnderTest(IParkedEventStore Parking, Func<ValueTask> Dispose) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Dispose();
}
