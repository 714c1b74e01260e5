using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>Loading a stream at a version or as of a time, from its snapshot where that is old enough, and what the loader remembers.</summary>
public sealed class StreamLoaderTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A cart of 20 events, one a minute from <see cref="s_t0"/>: version v happened at t0 + (v - 1) min, with v - 1 items; the store's snapshot is at 16.</summary>
    private static async Task<Harness> TwentyEventsAsync()
    {
        var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), new CommandContext(Alice, s_t0));
        for (var v = 2; v <= 20; v++)
        {
            await h.Cart("c1", new SetItemQuantity(Alice, Product(0), v - 1), new CommandContext(Alice, s_t0.AddMinutes(v - 1)));
        }

        Assert.Equal(16, (await h.Store.ReadSnapshotAsync("cart-c1", Ct))!.Version);
        return h;
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(10, 11, 10)]
    [InlineData(15, 16, 15)]
    [InlineData(17, 18, 17)]
    [InlineData(19, 20, 19)]
    [InlineData(90, 20, 19)]
    public async Task The_state_as_of_a_time_holds_every_event_up_to_that_time_inclusive(int minutes, long version, int items)
    {
        await using var h = await TwentyEventsAsync();

        var loaded = await h.Loader.LoadAsOfAsync(StreamTypes.Cart, "cart-c1", s_t0.AddMinutes(minutes), Ct);

        Assert.Equal((version, items), (loaded.Version, loaded.State!.ItemCount));
        Assert.Equal(s_t0.AddMinutes(version - 1), loaded.UpdatedAt);
    }

    [Fact]
    public async Task Before_its_first_event_a_stream_has_no_state_and_version_0()
    {
        await using var h = await TwentyEventsAsync();

        var loaded = await h.Loader.LoadAsOfAsync(StreamTypes.Cart, "cart-c1", s_t0.AddTicks(-1), Ct);

        Assert.Null(loaded.State);
        Assert.Equal((0L, DateTimeOffset.MinValue), (loaded.Version, loaded.UpdatedAt));
    }

    [Theory]
    [InlineData(15, 4)]
    [InlineData(17, 4)]
    [InlineData(14, 20)]
    public async Task The_state_as_of_a_time_starts_from_the_snapshot_only_when_the_snapshot_is_that_old(int minutes, long eventsRead)
    {
        await using var h = await TwentyEventsAsync();
        var before = h.Store.EventsRead;

        await h.Loader.LoadAsOfAsync(StreamTypes.Cart, "cart-c1", s_t0.AddMinutes(minutes), Ct);

        Assert.Equal(eventsRead, h.Store.EventsRead - before);
    }

    [Theory]
    [InlineData(16, 16, 0)]
    [InlineData(17, 17, 1)]
    [InlineData(15, 15, 15)]
    public async Task The_state_at_a_version_starts_from_the_snapshot_only_when_the_snapshot_is_not_past_it(long atVersion, long version, long eventsRead)
    {
        await using var h = await TwentyEventsAsync();
        var before = h.Store.EventsRead;

        var loaded = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-c1", atVersion, Ct);

        Assert.Equal((version, (int)version - 1), (loaded.Version, loaded.State!.ItemCount));
        Assert.Equal(eventsRead, h.Store.EventsRead - before);
    }

    [Fact]
    public async Task A_store_whose_snapshot_is_the_head_is_loaded_in_one_read()
    {
        await using var h = new Harness();
        var head = new HeadSnapshotStore(h.Store);
        var handler = h.NewHandler(head);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: handler);
        await h.Cart("c1", new AddItem(Alice, Product(0), 2), handler: handler);
        await h.Cart("c1", new AddItem(Alice, Product(1), 1), handler: handler);
        using var loader = new StreamLoader(head);
        var before = head.StreamReads;

        var loaded = await loader.LoadAsync(StreamTypes.Cart, "cart-c1", cancellationToken: Ct);

        Assert.Equal((3L, 3), (loaded.Version, loaded.State!.ItemCount));
        Assert.Equal(before, head.StreamReads);
    }

    [Fact]
    public async Task A_stream_without_a_snapshot_is_folded_from_its_events_even_in_a_store_whose_snapshot_is_the_head()
    {
        await using var h = new Harness();
        await h.Store.AppendAsync(new AppendRequest("cart-c1", 0, [Event(new CartCreated("c1", "alice", "EUR"))]), Ct);
        var head = new HeadSnapshotStore(h.Store);
        using var loader = new StreamLoader(head);

        var loaded = await loader.LoadAsync(StreamTypes.Cart, "cart-c1", cancellationToken: Ct);

        Assert.Equal((1L, "alice"), (loaded.Version, loaded.State!.OwnerId));
        Assert.Equal(1, head.StreamReads);
    }

    [Fact]
    public void The_loader_remembers_the_newest_state_it_is_given_and_only_for_its_stream_type()
    {
        using var loader = new StreamLoader(new NoStore());
        var cart = new Cart("c1", "alice", "EUR", [], [], CartStatus.Open, null);

        loader.Remember(StreamTypes.Cart, "cart-c1", new Loaded<Cart>(cart, 3, s_t0));
        loader.Remember(StreamTypes.Cart, "cart-c1", new Loaded<Cart>(cart with { OwnerId = "old" }, 2, s_t0));

        Assert.True(loader.TryRecall(StreamTypes.Cart, "cart-c1", out var recalled));
        Assert.Equal((3L, "alice"), (recalled.Version, recalled.State!.OwnerId));
        Assert.False(loader.TryRecall(StreamTypes.Order, "cart-c1", out _));
        Assert.False(loader.TryRecall(StreamTypes.Cart, "cart-c2", out _));

        loader.Forget("cart-c1");
        Assert.False(loader.TryRecall(StreamTypes.Cart, "cart-c1", out _));
    }

    [Fact]
    public void A_stream_without_state_is_not_remembered()
    {
        using var loader = new StreamLoader(new NoStore());

        loader.Remember(StreamTypes.Cart, "cart-c1", new Loaded<Cart>(null, 0, s_t0));

        Assert.False(loader.TryRecall(StreamTypes.Cart, "cart-c1", out _));
        Assert.Equal(StreamLoader.DefaultCapacity, loader.Capacity);
        Assert.Equal(100_000, StreamLoader.DefaultCapacity);
    }

    [Fact]
    public async Task The_remembered_state_serves_loads_of_at_least_its_version_and_the_store_the_others()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        using var loader = new StreamLoader(h.Store);
        var cart = new Cart("c1", "remembered", "EUR", [], [], CartStatus.Open, null);
        loader.Remember(StreamTypes.Cart, "cart-c1", new Loaded<Cart>(cart, 1, s_t0));

        Assert.Equal("remembered", (await loader.LoadAtLeastAsync(StreamTypes.Cart, "cart-c1", 1, Ct)).State!.OwnerId);
        var latest = await loader.LoadAtLeastAsync(StreamTypes.Cart, "cart-c1", 2, Ct);

        Assert.Equal((2L, "alice"), (latest.Version, latest.State!.OwnerId));
        Assert.True(loader.TryRecall(StreamTypes.Cart, "cart-c1", out var now));
        Assert.Equal(2, now.Version);
    }

    [Theory]
    [InlineData(10, 16, 0)]
    [InlineData(16, 16, 0)]
    [InlineData(17, 20, 4)]
    public async Task A_load_of_at_least_a_version_the_snapshot_reaches_reads_no_events_after_it(long atLeast, long version, long eventsRead)
    {
        await using var h = await TwentyEventsAsync();
        using var loader = new StreamLoader(h.Store);
        var before = h.Store.EventsRead;

        var loaded = await loader.LoadAtLeastAsync(StreamTypes.Cart, "cart-c1", atLeast, Ct);

        Assert.Equal((version, (int)version - 1, eventsRead), (loaded.Version, loaded.State!.ItemCount, h.Store.EventsRead - before));
        Assert.True(loader.TryRecall(StreamTypes.Cart, "cart-c1", out var remembered));
        Assert.Equal(version, remembered.Version);

        // The latest state is always the head, read past the snapshot.
        Assert.Equal(20, (await loader.LoadLatestAsync(StreamTypes.Cart, "cart-c1", Ct)).Version);
    }

    private static EventToAppend Event(IDomainEvent e) =>
        new(Guid.NewGuid(), Serialization.EventSerializer.TypeName(e), Serialization.EventSerializer.Serialize(e), new EventMetadata("alice", s_t0));

    /// <summary>The store as one whose snapshot is its head: a snapshot with every append, and loads that need not read events after it.</summary>
    private sealed class HeadSnapshotStore(IEventStore inner) : ForwardingStore(inner)
    {
        private int _streamReads;

        public int StreamReads => _streamReads;

        public override int SnapshotInterval => 1;

        public override bool SnapshotIsHead => true;

        public override Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _streamReads);
            return base.ReadStreamAsync(streamId, fromVersion, toVersion, cancellationToken);
        }
    }

    /// <summary>For what the loader does without reading: every read fails.</summary>
    private sealed class NoStore : IEventStore
    {
        public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
