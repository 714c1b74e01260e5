using CartOrders.Application.Abandonment;
using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>Idle open carts are ended through the normal command path, pinned to the version their view showed.</summary>
public sealed class AbandonmentTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_sweepAt = s_t0.AddDays(31);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sweep_abandons_the_open_carts_idle_longer_than_the_setting_and_only_those()
    {
        await using var h = new Harness();
        await Create(h, "idle", s_t0);
        await Create(h, "recent", s_t0.AddDays(2));
        await Create(h, "ordered", s_t0);
        await h.Cart("ordered", new AddItem(Alice, Product(0), 1), At(s_t0));
        await h.Cart("ordered", new CheckOut(Alice, new OrderId("o1"), new ShippingAddress("Alice", "1 Main St", "Lyon", "69001", "FR")), At(s_t0));
        await ProjectAsync(h);
        var log = new CapturingLogger<CartAbandonment>();

        var abandoned = await Abandonment(h, log: log).SweepAsync(Ct);

        Assert.Equal(1, abandoned);
        var events = await h.Store.ReadStreamAsync("cart-idle", cancellationToken: Ct);
        var last = events[^1];
        Assert.Equal((2L, "CartAbandoned.v1"), (last.Version, last.Type));
        Assert.Equal(("cartorders-abandonment", s_sweepAt), (last.Metadata.UserId, last.Metadata.OccurredAt));
        Assert.Equal(new CartAbandoned("alice", s_t0), Json.Deserialize<CartAbandoned>(last.Data));
        Assert.Single(await h.Store.ReadStreamAsync("cart-recent", cancellationToken: Ct));
        Assert.Equal(3, (await h.Store.ReadStreamAsync("cart-ordered", cancellationToken: Ct)).Count);
        Assert.Equal("Abandoned 1 idle carts", Assert.Single(log.Entries, e => e.Level == LogLevel.Information).Message);
    }

    [Fact]
    public async Task A_sweep_with_nothing_idle_abandons_nothing_and_logs_nothing()
    {
        await using var h = new Harness();
        await Create(h, "recent", s_t0.AddDays(2));
        await ProjectAsync(h);
        var log = new CapturingLogger<CartAbandonment>();

        Assert.Equal(0, await Abandonment(h, log: log).SweepAsync(Ct));

        Assert.Empty(log.Entries);
        Assert.Single(await h.Store.ReadStreamAsync("cart-recent", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_sweep_goes_through_every_page_of_idle_carts()
    {
        await using var h = new Harness();
        const int carts = 130;
        for (var i = 0; i < carts; i++)
        {
            await h.Cart($"c{i}", new CreateCart(new Actor(new UserId($"u{i}")), new CartId($"c{i}")), new CommandContext(new Actor(new UserId($"u{i}")), s_t0.AddMinutes(i)));
        }

        await ProjectAsync(h);

        Assert.Equal(carts, await Abandonment(h).SweepAsync(Ct));
        Assert.Equal(carts, (await h.Feed.ReadAsync(null, 1000, Ct)).Events.Count(e => e.Type == "CartAbandoned.v1"));
    }

    [Fact]
    public async Task A_cart_abandoned_before_its_view_caught_up_is_not_counted_again()
    {
        await using var h = new Harness();
        await Create(h, "idle", s_t0);
        await ProjectAsync(h);
        var abandonment = Abandonment(h);
        Assert.Equal(1, await abandonment.SweepAsync(Ct));

        // The view still shows the cart open at version 1; the stream is at 2.
        Assert.Equal(0, await abandonment.SweepAsync(Ct));
        Assert.Equal(2, (await h.Store.ReadStreamAsync("cart-idle", cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task A_change_that_lands_before_the_abandonment_wins_and_the_cart_stays_open()
    {
        await using var h = new Harness();
        await Create(h, "busy", s_t0);
        await ProjectAsync(h);
        var view = (await h.Views.GetAsync(Projector.CartKind, "busy", Ct))!;
        await h.Cart("busy", new AddItem(Alice, Product(0), 1), At(s_sweepAt));

        Assert.False(await Abandonment(h).AbandonAsync(view, s_sweepAt, Ct));

        var loaded = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-busy", cancellationToken: Ct);
        Assert.Equal((2L, CartStatus.Open), (loaded.Version, loaded.State!.Status));
    }

    [Fact]
    public async Task A_cart_no_longer_open_at_the_views_version_is_not_abandoned()
    {
        await using var h = new Harness();
        await Create(h, "idle", s_t0);
        await ProjectAsync(h);
        var abandonment = Abandonment(h);
        Assert.True(await abandonment.AbandonAsync((await h.Views.GetAsync(Projector.CartKind, "idle", Ct))!, s_sweepAt, Ct));
        await ProjectAsync(h);
        var abandonedView = (await h.Views.GetAsync(Projector.CartKind, "idle", Ct))!;

        Assert.False(await abandonment.AbandonAsync(abandonedView, s_sweepAt.AddDays(1), Ct));

        Assert.Equal(2, (await h.Store.ReadStreamAsync("cart-idle", cancellationToken: Ct)).Count);
        Assert.Empty(abandonedView.Members);
        Assert.Equal("abandoned", Json.Deserialize<CartView>(abandonedView.Json).Status);
        await Assert.ThrowsAsync<ArgumentNullException>(() => abandonment.AbandonAsync(null!, s_sweepAt, Ct));
    }

    [Fact]
    public void Abandonment_runs_as_a_user_no_token_carries_with_a_month_of_idleness_checked_hourly()
    {
        var options = new AbandonmentOptions();

        Assert.Equal("cartorders-abandonment", CartAbandonment.System.UserId.Value);
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromHours(1)), (options.IdleFor, options.Interval));
        Assert.Equal("Abandonment", AbandonmentOptions.Section);
    }

    [Fact]
    public async Task The_service_sweeps_at_start_and_every_interval_and_a_failed_sweep_waits_for_the_next()
    {
        await using var h = new Harness();
        await Create(h, "idle", s_t0);
        await ProjectAsync(h);
        var views = new FailingOnceViews(h.Views);
        var log = new CapturingLogger<CartAbandonmentService>();
        var options = Options.Create(new AbandonmentOptions { Interval = TimeSpan.FromMilliseconds(50) });
        var abandonment = new CartAbandonment(views, h.Commands, Catalog, new FixedTime(s_sweepAt), options, NullLogger<CartAbandonment>.Instance);
        using var service = new CartAbandonmentService(abandonment, options, TimeProvider.System, log);

        await service.StartAsync(Ct);
        await views.Listed(3).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await service.StopAsync(Ct);

        var failed = Assert.Single(log.Entries);
        Assert.Equal((LogLevel.Warning, "Abandonment sweep failed; it runs again at the next interval"), (failed.Level, failed.Message));
        Assert.IsType<TimeoutException>(failed.Exception);
        Assert.Equal("CartAbandoned.v1", (await h.Store.ReadStreamAsync("cart-idle", cancellationToken: Ct))[^1].Type);
        Assert.True(service.ExecuteTask!.IsCompleted);
        Assert.False(service.ExecuteTask.IsFaulted);
    }

    private static CommandContext At(DateTimeOffset now) => new(Alice, now);

    private static Task<CommandReply> Create(Harness h, string cartId, DateTimeOffset at) =>
        h.Cart(cartId, new CreateCart(Alice, new CartId(cartId)), At(at));

    private static async Task ProjectAsync(Harness h)
    {
        var pump = new FeedPump(h.Feed, h.Checkpoints, h.Projector, h.Parking, NullLogger<FeedPump>.Instance);
        while (await pump.RunOnceAsync(100, Ct) > 0)
        {
        }
    }

    private static CartAbandonment Abandonment(Harness h, ILogger<CartAbandonment>? log = null) =>
        new(h.Views, h.Commands, Catalog, new FixedTime(s_sweepAt), Options.Create(new AbandonmentOptions()), log ?? NullLogger<CartAbandonment>.Instance);

    /// <summary>The views, whose first listing by status fails; completes <see cref="Listed"/> once listed that often.</summary>
    private sealed class FailingOnceViews(IViewStore inner) : IViewStore
    {
        private readonly WaitableCount _listed = new();

        public Task Listed(int count) => _listed.Reached(count);

        public Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default) =>
            _listed.Add() == 1
                ? Task.FromException<Page<ViewDocument>>(new TimeoutException("views unavailable"))
                : inner.ListByStatusAsync(kind, status, before, page, cancellationToken);

        public Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default) => inner.GetAsync(kind, id, cancellationToken);

        public Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default) => inner.UpsertAsync(document, cancellationToken);

        public Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default) =>
            inner.ListForMemberAsync(kind, userId, page, cancellationToken);

        public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
    }
}
