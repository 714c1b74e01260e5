using CartOrders.Application.Ports;

namespace CartOrders.Application.Tests;

/// <summary>Paging through parked events by position: (subscription, stream, version), written as a continuation.</summary>
public sealed class ParkedPagingTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_position_is_written_as_three_lines_and_read_back()
    {
        var position = new ParkedEventPosition("projector", "cart-c1", 42);

        Assert.Equal("projector\ncart-c1\n42", position.ToString());
        Assert.Equal(position, ParkedEventPosition.Parse(position.ToString()));
        Assert.Null(ParkedEventPosition.Parse(null));
        Assert.Equal(position, ParkedEventPosition.Of(Parked("projector", "cart-c1", 42)));
        Assert.Throws<ArgumentNullException>(() => ParkedEventPosition.Of(null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("projector\ncart-c1")]
    [InlineData("projector\ncart-c1\n42\n1")]
    [InlineData("projector\ncart-c1\nx")]
    [InlineData("projector\ncart-c1\n-1")]
    [InlineData("projector\ncart-c1\n+1")]
    [InlineData("projector\ncart-c1\n 1")]
    public void A_continuation_that_is_not_a_position_is_refused(string continuation)
    {
        var error = Assert.Throws<InvalidContinuationException>(() => ParkedEventPosition.Parse(continuation));
        Assert.Equal("Not a parked event position.", error.Message);
    }

    [Fact]
    public void Positions_are_ordered_by_subscription_then_stream_then_version()
    {
        var a1 = new ParkedEventPosition("a", "cart-2", 1);
        var a2 = new ParkedEventPosition("a", "cart-2", 2);
        var a10 = new ParkedEventPosition("a", "cart-2", 10);
        var aStream = new ParkedEventPosition("a", "cart-3", 1);
        var b = new ParkedEventPosition("b", "cart-1", 1);
        var upper = new ParkedEventPosition("B", "cart-9", 9);

        Assert.Equal([upper, a1, a2, a10, aStream, b], new[] { b, a10, aStream, upper, a2, a1 }.Order());
        Assert.True(a1 < a2 && a2 < a10 && a10 < aStream && aStream < b);
        Assert.True(b > aStream && aStream > a10);
        var sameAsA1 = new ParkedEventPosition("a", "cart-2", 1);
        Assert.True(a1 <= sameAsA1 && a1 <= a2 && !(a2 <= a1));
        Assert.True(a1 >= sameAsA1 && a2 >= a1 && !(a1 >= a2));
        Assert.False(a1 < sameAsA1 || a1 > sameAsA1);
        Assert.Equal(0, a2.CompareTo(new ParkedEventPosition("a", "cart-2", 2)));
    }

    [Fact]
    public void A_page_of_what_was_fetched_continues_after_its_last_item_only_when_more_was_fetched()
    {
        var fetched = new[] { Parked("s", "cart-1", 1), Parked("s", "cart-1", 2), Parked("s", "cart-2", 1) };

        var partial = ParkedEventPosition.PageOf(fetched, 2);
        var whole = ParkedEventPosition.PageOf(fetched, 3);

        Assert.Equal(fetched[..2], partial.Items);
        Assert.Equal("s\ncart-1\n2", partial.Next);
        Assert.Equal(fetched, whole.Items);
        Assert.Null(whole.Next);
        Assert.Throws<ArgumentNullException>(() => ParkedEventPosition.PageOf(null!, 2));
    }

    [Theory]
    [InlineData("a", 2)]
    [InlineData("a", 3)]
    [InlineData("a", 6)]
    [InlineData("a", 50)]
    [InlineData(null, 5)]
    public async Task The_default_paging_over_the_full_list_gives_the_pages_of_the_stores_own_paging(string? subscription, int limit)
    {
        await using var h = new Harness();
        await h.Parking.ParkAsync(
            [.. from s in new[] { "b", "a" } from stream in new[] { "cart-y", "cart-x" } from v in new[] { 3L, 1L, 2L } select Parked(s, stream, v)],
            Ct);
        IParkedEventStore byDefault = new ListOnlyParking(h.Parking);

        var own = await AllPagesAsync(h.Parking, subscription, limit);
        var paged = await AllPagesAsync(byDefault, subscription, limit);

        Assert.Equal(own, paged);
        var expected = await h.Parking.ListAsync(subscription, Ct);
        Assert.Equal(subscription is null ? 12 : 6, expected.Count);
        Assert.Equal(string.Join(" | ", expected.Select(p => ParkedEventPosition.Of(p).ToString())), string.Join(" | ", paged.Select(page => page.Items)));
        Assert.Equal((expected.Count + limit - 1) / limit, paged.Count);
        Assert.Null(paged[^1].Next);
    }

    private static async Task<List<(string Items, string? Next)>> AllPagesAsync(IParkedEventStore parking, string? subscription, int limit)
    {
        var pages = new List<(string Items, string? Next)>();
        var request = PageRequest.First(limit);
        do
        {
            var page = await parking.ListPageAsync(subscription, request, Ct);
            pages.Add((string.Join(" | ", page.Items.Select(p => ParkedEventPosition.Of(p).ToString())), page.Next));
            request = request with { After = page.Next };
        }
        while (request.After is not null);

        return pages;
    }

    private static ParkedEvent Parked(string subscription, string streamId, long version) =>
        new(subscription, new StoredEvent(streamId, version, Guid.NewGuid(), "CartCreated.v1", "{}"u8.ToArray(), new EventMetadata("alice", s_t0)), "bad", s_t0);

    /// <summary>A parked event store that leaves paging to the interface's default.</summary>
    private sealed class ListOnlyParking(IParkedEventStore inner) : IParkedEventStore
    {
        public Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default) => inner.ParkAsync(events, cancellationToken);

        public Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default) =>
            inner.ParkedStreamsAsync(subscription, streamIds, cancellationToken);

        public Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default) => inner.ListAsync(subscription, cancellationToken);

        public Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default) =>
            inner.RemoveAsync(subscription, streamId, throughVersion, cancellationToken);
    }
}
