using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>What the projector projects from a batch, from which state, and what a failed push changes.</summary>
public sealed class ProjectorTests
{
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Streams_that_are_neither_carts_nor_orders_are_passed_over()
    {
        await using var h = new Harness();
        await h.Store.AppendAsync(new AppendRequest("note-1", 0, [Event(new CartCreated("n1", "alice", "EUR"))]), Ct);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));

        await h.Projector.HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);

        Assert.Equal("c1", Assert.Single(h.Notifier.Carts).CartId);
        Assert.Empty(h.Notifier.Orders);
        Assert.Null(await h.Views.GetAsync(Projector.OrderKind, "n1", Ct));
    }

    [Fact]
    public async Task A_carts_push_says_who_made_the_last_change_of_the_batch_and_what_it_was()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddCollaborator(Alice, Bob.UserId));
        await h.Cart("c1", new AddItem(Alice, Product(0), 2));
        await h.Cart("c1", new SetItemQuantity(Bob, Product(0), 5));

        await h.Projector.HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);

        var update = Assert.Single(h.Notifier.Updates);
        Assert.Equal(4, update.View.Version);
        Assert.Equal("bob", update.ChangedBy);
        Assert.Equal(new CartChange("itemQuantityChanged", Product(0).Value, 5), update.Change);

        // On the wire: the view's fields, then the two additions; and back again.
        var wire = System.Text.Json.JsonSerializer.SerializeToElement(update, Json.Options);
        Assert.Equal(("c1", 4L, "bob"), (wire.GetProperty("cartId").GetString(), wire.GetProperty("version").GetInt64(), wire.GetProperty("changedBy").GetString()));
        Assert.Equal($$"""{"type":"itemQuantityChanged","productId":"{{Product(0).Value}}","quantity":5}""", wire.GetProperty("change").GetRawText());
        var read = Json.Deserialize<CartUpdate>(Json.Serialize(update));
        Assert.Equal((4L, update.ChangedBy, update.Change), (read.View.Version, read.ChangedBy, read.Change));
    }

    [Fact]
    public async Task A_cart_that_moved_on_after_its_batch_was_read_is_pushed_without_describing_an_earlier_event_as_its_change()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddCollaborator(Alice, Bob.UserId));
        await h.Cart("c1", new AddItem(Alice, Product(0), 2));
        var batch = (await h.Feed.ReadAsync(null, 100, Ct)).Events;

        // Bob's change lands between the feed read and the projector's fold of the cart.
        await h.Cart("c1", new SetItemQuantity(Bob, Product(0), 5));
        await h.Projector.HandleAsync(batch, Ct);

        var update = Assert.Single(h.Notifier.Updates);
        Assert.Equal((4L, 5), (update.View.Version, update.View.Items.Single().Quantity));
        Assert.Null(update.Change);
        Assert.Null(update.ChangedBy);
        var wire = System.Text.Json.JsonSerializer.SerializeToElement(update, Json.Options);
        Assert.False(wire.TryGetProperty("change", out _) || wire.TryGetProperty("changedBy", out _), wire.GetRawText());
    }

    [Fact]
    public async Task A_cart_batch_ahead_of_the_remembered_state_is_projected_at_its_last_version()
    {
        await using var h = new Harness();
        var here = h.NewHandler(loader: h.Loader);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: here);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: here);
        var first = await h.Feed.ReadAsync(null, 100, Ct);

        // Another instance writes two events; this process still remembers version 2.
        var other = h.NewHandler();
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: other);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: other);
        var next = await h.Feed.ReadAsync(first.Checkpoint, 100, Ct);
        var batch = new List<StoredEvent> { (await h.Store.ReadStreamAsync("cart-c1", 2, 2, Ct))[0] };
        batch.AddRange(next.Events);

        await h.Projector.HandleAsync(batch, Ct);

        var view = Json.Deserialize<CartView>((await h.Views.GetAsync(Projector.CartKind, "c1", Ct))!.Json);
        Assert.Equal((4L, 3), (view.Version, view.ItemCount));
    }

    [Fact]
    public async Task An_order_batch_ahead_of_the_remembered_state_is_projected_at_its_last_version()
    {
        await using var h = new Harness();
        var here = h.NewHandler(loader: h.Loader);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: here);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: here);
        await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), s_address), handler: here);
        await new OrderPlacement(here).HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);
        await h.Store.AppendAsync(new AppendRequest("order-o1", 1, [Event(new PaymentAuthorized("pay-1", DateTimeOffset.UtcNow))]), Ct);
        Assert.True(h.Loader.TryRecall(StreamTypes.Order, "order-o1", out var remembered));
        Assert.Equal(1, remembered.Version);

        await h.Projector.HandleAsync(await h.Store.ReadStreamAsync("order-o1", cancellationToken: Ct), Ct);

        var pushed = Assert.Single(h.Notifier.Orders);
        Assert.Equal((2L, "paymentAuthorized"), (pushed.Version, pushed.Status));
    }

    [Fact]
    public async Task A_failed_push_is_logged_and_the_view_is_written_all_the_same()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c2", new CreateCart(Alice, new CartId("c2")));
        var log = new CapturingLogger<Projector>();
        var projector = new Projector(h.Loader, h.Views, new FailingNotifier(), log);

        await projector.HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);

        Assert.Equal(1, (await h.Views.GetAsync(Projector.CartKind, "c1", Ct))!.Version);
        Assert.Equal(1, (await h.Views.GetAsync(Projector.CartKind, "c2", Ct))!.Version);
        Assert.Equal(["Realtime push for cart-c1 failed", "Realtime push for cart-c2 failed"], log.Entries.Select(e => e.Message).Order());
        Assert.All(log.Entries, e => Assert.Equal((LogLevel.Warning, "hub down"), (e.Level, e.Exception?.Message)));
    }

    [Fact]
    public async Task A_rebuild_writes_the_view_of_a_state_it_already_wrote_into_the_same_generation_only_once()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        await h.Cart("c1", new AddItem(Alice, Product(1), 1));
        var generations = new CountingGenerations(new Storage.Sqlite.SqliteViewStore(h.Database));
        var projector = new Projector(new StreamLoader(h.Store), h.Views, h.Notifier, NullLogger<Projector>.Instance, generations);
        var events = (await h.Feed.ReadAsync(null, 100, Ct)).Events;

        // The first batch's load gives the latest state (version 3); the second batch's is the same state, remembered.
        await projector.ProjectIntoAsync([.. events.Take(2)], 2, Ct);
        await projector.ProjectIntoAsync([.. events.Skip(2)], 2, Ct);

        Assert.Equal(1, generations.Upserts);
        Assert.Equal(3, (await generations.GetAsync(Projector.CartKind, "c1", 2, Ct))!.Version);

        // Another generation, or a newer state, is written.
        await projector.ProjectIntoAsync([.. events.Skip(2)], 3, Ct);
        await h.Cart("c1", new AddItem(Alice, Product(2), 1));
        await projector.ProjectIntoAsync([.. (await h.Feed.ReadAsync(null, 100, Ct)).Events.Skip(3)], 2, Ct);

        Assert.Equal(3, generations.Upserts);
        Assert.Equal(3, (await generations.GetAsync(Projector.CartKind, "c1", 3, Ct))!.Version);
        Assert.Equal(4, (await generations.GetAsync(Projector.CartKind, "c1", 2, Ct))!.Version);
        Assert.Empty(h.Notifier.Updates);
    }

    private static EventToAppend Event(IDomainEvent e) =>
        new(Guid.NewGuid(), EventSerializer.TypeName(e), EventSerializer.Serialize(e), new EventMetadata("alice", DateTimeOffset.UtcNow));

    /// <summary>The store's generations, counting the views written into them.</summary>
    private sealed class CountingGenerations(IViewGenerations inner) : IViewGenerations
    {
        private int _upserts;

        public int Upserts => _upserts;

        public Task<ViewGenerationState> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public Task<bool> TrySaveAsync(ViewGenerationState state, CancellationToken cancellationToken = default) => inner.TrySaveAsync(state, cancellationToken);

        public Task<bool> UpsertAsync(ViewDocument document, int generation, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _upserts);
            return inner.UpsertAsync(document, generation, cancellationToken);
        }

        public Task<ViewDocument?> GetAsync(string kind, string id, int generation, CancellationToken cancellationToken = default) => inner.GetAsync(kind, id, generation, cancellationToken);

        public Task DropAsync(int generation, CancellationToken cancellationToken = default) => inner.DropAsync(generation, cancellationToken);
    }

    private sealed class FailingNotifier : IRealtimeNotifier
    {
        public Task CartUpdatedAsync(CartUpdate update, CancellationToken cancellationToken = default) => throw new HttpRequestException("hub down");

        public Task OrderUpdatedAsync(OrderView view, CancellationToken cancellationToken = default) => throw new HttpRequestException("hub down");

        public Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default) => throw new HttpRequestException("hub down");

        public Task CartsChangedAsync(string userId, CartsChange change, CancellationToken cancellationToken = default) => throw new HttpRequestException("hub down");
    }
}
