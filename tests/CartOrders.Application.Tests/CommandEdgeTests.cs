using System.Diagnostics;
using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>The edges of command handling: the room left in a stream, conflicts under a pinned version, and how long it waits.</summary>
public sealed class CommandEdgeTests
{
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CommandHandler Limited(Harness h, int eventsPerCart) =>
        new(h.Store, new StreamLoader(h.Store), new StreamLocks(), NullLogger<CommandHandler>.Instance, Options.Create(new CommandLimits { EventsPerCart = eventsPerCart }));

    [Fact]
    public async Task A_cart_one_event_short_of_its_limit_takes_only_the_event_that_ends_it()
    {
        await using var h = new Harness();
        var handler = Limited(h, eventsPerCart: 4);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: handler);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: handler);
        await h.Cart("c1", new AddItem(Alice, Product(1), 1), handler: handler);

        var refused = await Decide(handler, "c1", _ => [new ItemAdded("x", "X", 100, "EUR", 1)]);
        var checkedOut = await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), s_address), handler: handler);

        var error = Assert.IsType<Refused<Cart>>(refused).Error;
        Assert.Equal(DomainError.CartHistoryFull, error.Error);
        Assert.Equal("The stream holds 3 events of at most 4; only the event that ends it may be added.", error.Message);
        Assert.Equal((200, 4L), (checkedOut.Status, checkedOut.Version));
    }

    [Fact]
    public async Task Several_events_that_would_fill_the_last_place_are_refused_unless_all_of_them_end_the_stream()
    {
        await using var h = new Harness();
        var handler = Limited(h, eventsPerCart: 4);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: handler);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: handler);

        var mixed = await Decide(handler, "c1", cart => [new ItemAdded("x", "X", 100, "EUR", 1), new CartAbandoned(cart!.OwnerId, DateTimeOffset.UnixEpoch)]);
        var room = await Decide(handler, "c1", _ => [new ItemAdded("x", "X", 100, "EUR", 1)]);

        Assert.Equal(DomainError.CartHistoryFull, Assert.IsType<Refused<Cart>>(mixed).Error.Error);
        Assert.Equal(3, Assert.IsType<Accepted<Cart>>(room).Version);
    }

    [Fact]
    public async Task A_stream_already_past_a_lowered_limit_still_answers_commands_that_change_nothing()
    {
        await using var h = new Harness();
        for (var i = 0; i < 5; i++)
        {
            await h.Cart("c1", i == 0 ? new CreateCart(Alice, new CartId("c1")) : new AddItem(Alice, Product(0), 1));
        }

        var handler = Limited(h, eventsPerCart: 4);
        var noOp = await h.Cart("c1", new RemoveCollaborator(Alice, Bob.UserId), handler: handler);
        var change = await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: handler);

        Assert.Equal((200, 5L), (noOp.Status, noOp.Version));
        Assert.Equal((409, "cart-history-full"), (change.Status, System.Text.Encoding.UTF8.GetString(change.Body.Span)));
    }

    [Theory]
    [InlineData(7L, 7L)]
    [InlineData(null, 2L)]
    public async Task A_pinned_command_that_loses_a_race_is_a_version_mismatch_with_the_version_the_store_reports(long? actual, long expected)
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var store = new ConflictingStore(h.Store, actual);

        var mismatch = await Assert.ThrowsAsync<VersionMismatchException>(
            () => h.Cart("c1", new AddItem(Alice, Product(0), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, ExpectedVersion: 1), h.NewHandler(store)));

        Assert.Equal(expected, mismatch.CurrentVersion);
        Assert.Equal(1, store.Appends);
    }

    [Fact]
    public async Task Conflicts_back_off_between_attempts_and_giving_up_is_logged_as_a_warning()
    {
        await using var h = new Harness();
        var store = new ConflictingStore(h.Store);
        var log = new CapturingLogger<CommandHandler>();
        var handler = new CommandHandler(store, new StreamLoader(store), new StreamLocks(), log);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<ContentionException>(() => h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: handler));

        // Eleven waits of at least half of 4, 8, 16, 32, 64 and six times 100 ms.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(340), $"gave up after {clock.Elapsed}");
        var warning = Assert.Single(log.Entries);
        Assert.Equal((LogLevel.Warning, "Gave up on stream cart-c1 after 12 write conflicts"), (warning.Level, warning.Message));
    }

    [Fact]
    public async Task A_key_whose_first_write_never_shows_gives_up_with_contention_after_waiting_for_it()
    {
        await using var h = new Harness();
        var store = new LateVisibilityStore(h.Store, hiddenReads: int.MaxValue);
        var context = new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "k", Fingerprint: "f");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ContentionException>(() => h.Cart("c1", new CreateCart(Alice, new CartId("c1")), context, h.NewHandler(store)));

        // One look before the write, then 100 looks each followed by a wait of 2, 4, ... 50, 50 ... ms (4.4 s in all).
        Assert.Equal("cart-c1", error.StreamId);
        Assert.Equal(101, store.Lookups);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(4300), $"gave up after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_key_sent_without_a_fingerprint_is_replayed_only_for_requests_without_one()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var context = new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "k");

        var first = await h.Cart("c1", new AddItem(Alice, Product(0), 1), context);
        var again = await h.Cart("c1", new AddItem(Alice, Product(0), 1), context);

        Assert.Equal(first.Body.ToArray(), again.Body.ToArray());
        Assert.Equal(2, (await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct)).Count);
        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => h.Cart("c1", new AddItem(Alice, Product(0), 1), context with { Fingerprint = "f" }));
    }

    [Fact]
    public async Task The_callers_correlation_id_is_stored_even_inside_a_trace()
    {
        await using var h = new Harness();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var activity = Telemetry.Source.StartActivity("caller");
        Assert.NotNull(activity);

        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), new CommandContext(Alice, DateTimeOffset.UtcNow, CorrelationId: "corr-1"));

        Assert.Equal("corr-1", Assert.Single(await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct)).Metadata.CorrelationId);
    }

    [Fact]
    public async Task A_state_found_stale_by_a_conflict_is_forgotten_so_the_next_command_does_not_conflict_again()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: h.NewHandler());
        using var counters = new CounterRecorder();

        // This handler remembers version 1 and the caller pins it: the append conflicts.
        var mismatch = await Assert.ThrowsAsync<VersionMismatchException>(
            () => h.Cart("c1", new AddItem(Alice, Product(1), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, ExpectedVersion: 1)));
        var reply = await h.Cart("c1", new AddItem(Alice, Product(1), 1));

        Assert.Equal(2, mismatch.CurrentVersion);
        Assert.Equal(3, reply.Version);
        Assert.Equal([1L], counters.Of("cartorders.append.conflicts").Select(m => m.Value));
    }

    [Fact]
    public async Task Disposed_stream_locks_cannot_be_taken()
    {
        var locks = new StreamLocks(stripes: 4);
        using (await locks.AcquireAsync("cart-c1", Ct))
        {
        }

        locks.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => locks.AcquireAsync("cart-c1", Ct).AsTask());
    }

    [Fact]
    public void A_stream_type_has_no_event_limit_and_no_ending_event_unless_given_and_a_cart_ends_with_checkout_or_abandonment()
    {
        var plain = new StreamType<Cart, CartEvent>("Plain.v1", Cart.Evolve, _ => 1);
        var limits = new CommandLimits { EventsPerCart = 7 };
        CartEvent[] ending = [new CartCheckedOut("o1", "alice", s_address, [], 0, "EUR"), new CartAbandoned("alice", DateTimeOffset.UnixEpoch)];

        Assert.Equal(long.MaxValue, plain.MaxEvents(limits));
        Assert.All(ending, e => Assert.False(plain.Ends(e)));
        Assert.Equal(7, StreamTypes.Cart.MaxEvents(limits));
        Assert.All(ending, e => Assert.True(StreamTypes.Cart.Ends(e)));
        Assert.False(StreamTypes.Cart.Ends(new ItemRemoved("p")));
        Assert.Equal((100, 10_000, "Limits"), (new CommandLimits().OpenCartsPerUser, new CommandLimits().EventsPerCart, CommandLimits.Section));
    }

    private static async Task<Outcome<Cart>> Decide(CommandHandler handler, string cartId, Func<Cart?, IReadOnlyList<CartEvent>> decide)
    {
        Outcome<Cart>? outcome = null;
        await handler.HandleAsync(
            StreamTypes.Cart,
            new CartId(cartId).StreamId,
            new CommandContext(Alice, DateTimeOffset.UtcNow),
            decide,
            o =>
            {
                outcome = o;
                return Reply(o);
            },
            Ct);
        return outcome!;
    }
}
