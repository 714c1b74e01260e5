using System.Collections.Concurrent;
using System.Diagnostics;
using CartOrders.Application;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Functions.Feed;
using CartOrders.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>The FeedPump timer function on the embedded store: explicit checkpoints, at-least-once.</summary>
public class FeedPumpFunctionTests
{
    protected virtual TestStore Store => TestStore.Sqlite;

    [Fact]
    public async Task The_function_drains_the_projector_order_placement_and_the_integration_publisher()
    {
        Assert.Equal("FeedPump", FeedPumpFunction.Name);
        Assert.Equal("*/5 * * * * *", FeedPumpFunction.Schedule);
        await using var app = await FunctionsApp.StartAsync(Store);

        Assert.Equal(new[] { "projector", "order-placement", "integration-publisher" }, app.Get<FeedSubscriptions>().Names);
    }

    [Fact]
    public async Task A_tick_moves_every_subscription_to_the_head_of_the_feed()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);
        await app.AddItemAsync(alice, cartId);
        await app.CheckOutAsync(alice, cartId);
        var checkpoints = app.Get<ICheckpointStore>();
        var feed = app.Get<IEventFeed>();
        foreach (var name in app.Get<FeedSubscriptions>().Names)
        {
            Assert.Null(await checkpoints.LoadAsync(name, TestContext.Current.CancellationToken));
        }

        await app.TickAsync();
        await app.TickAsync();

        foreach (var name in app.Get<FeedSubscriptions>().Names)
        {
            var checkpoint = await checkpoints.LoadAsync(name, TestContext.Current.CancellationToken);
            Assert.NotNull(checkpoint);
            Assert.Equal(0, await feed.EstimateLagAsync(checkpoint, TestContext.Current.CancellationToken));
        }

        Assert.NotNull(await app.Get<IViewStore>().GetAsync(Projector.CartKind, cartId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_batch_that_fails_midway_is_delivered_again_and_only_its_subscription_stays_behind()
    {
        FlakyViewStore? views = null;
        await using var app = await FunctionsApp.StartAsync(Store, configure: services =>
        {
            // Wraps whichever view store the app registered.
            var registered = services.Last(d => d.ServiceType == typeof(IViewStore));
            services.Replace(ServiceDescriptor.Singleton<IViewStore>(sp => views = new FlakyViewStore(
                (IViewStore)(registered.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)))));
        });
        var alice = app.Tokens.For(Unique("alice"));
        var first = await app.CreateCartAsync(alice);
        var second = await app.CreateCartAsync(alice);
        var checkpoints = app.Get<ICheckpointStore>();
        _ = app.Get<IViewStore>();
        views!.FailAfter(writes: 1);

        var crash = await Assert.ThrowsAsync<AggregateException>(app.TickAsync);

        Assert.Contains("projector", crash.Message, StringComparison.Ordinal);
        Assert.Null(await checkpoints.LoadAsync("projector", TestContext.Current.CancellationToken));
        Assert.NotNull(await checkpoints.LoadAsync("order-placement", TestContext.Current.CancellationToken));
        // The projector writes a batch's streams concurrently: one of the two got through.
        var survivor = Assert.Single(views.Written);
        Assert.Contains(survivor, new[] { first, second });

        views.Heal();
        await app.TickAsync();

        Assert.Equal(3, views.Written.Count);
        Assert.Equal(new[] { first, second }.Order(), views.Written.Distinct().Order());
        Assert.NotNull(await checkpoints.LoadAsync("projector", TestContext.Current.CancellationToken));
        var carts = await app.Get<IViewStore>().ListForMemberAsync(Projector.CartKind, Caller(app, alice), PageRequest.First(50), TestContext.Current.CancellationToken);
        Assert.Equal(2, carts.Items.Count);
    }

    [Fact]
    public async Task A_batch_links_to_the_trace_of_each_command_whose_events_it_handles()
    {
        var started = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = started.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        ActivityTraceId requestTrace;
        using (var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            requestTrace = request.TraceId;
            await app.CreateCartAsync(alice);
        }

        await app.TickAsync();

        var batch = Assert.Single(started, a => a.DisplayName == "feed projector" && a.Links.Any(l => l.Context.TraceId == requestTrace));
        Assert.NotEqual(requestTrace, batch.TraceId);
        Assert.Equal(ActivityKind.Consumer, batch.Kind);
    }

    private static string Caller(FunctionsApp app, string token) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Subject;

    /// <summary>A view store that fails after a number of writes, as a store that goes away mid-batch would.</summary>
    private sealed class FlakyViewStore(IViewStore inner) : IViewStore
    {
        private int _writesBeforeFailure = int.MaxValue;

        public ConcurrentQueue<string> WrittenQueue { get; } = new();

        public IReadOnlyList<string> Written => [.. WrittenQueue];

        public void FailAfter(int writes) => _writesBeforeFailure = writes;

        public void Heal() => _writesBeforeFailure = int.MaxValue;

        public Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default) => inner.GetAsync(kind, id, cancellationToken);

        public async Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Decrement(ref _writesBeforeFailure) < 0)
            {
                throw new IOException("The view store went away.");
            }

            WrittenQueue.Enqueue(document.Id);
            return await inner.UpsertAsync(document, cancellationToken);
        }

        public Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default) =>
            inner.ListForMemberAsync(kind, userId, page, cancellationToken);

        public Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default) =>
            inner.ListByStatusAsync(kind, status, before, page, cancellationToken);

        public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
    }
}

/// <summary>The same with the function app on the Cosmos store: the change feed per feed range, checkpoints in the leases container.</summary>
public sealed class FeedPumpFunctionOnCosmosTests : FeedPumpFunctionTests
{
    protected override TestStore Store => TestStore.Cosmos;
}
