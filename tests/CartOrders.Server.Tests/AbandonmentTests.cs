using System.Net;
using CartOrders.Application.Abandonment;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Server.Tests.Fixtures;
using CartOrders.Testing.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

/// <summary>Idle carts are abandoned through the command path, on the server's clock moved by the test (SQLite store).</summary>
public class AbandonmentTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private ServerFactory _factory = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(await StoreSettingsAsync()) { ["Abandonment:IdleFor"] = "30.00:00:00" };
        _factory = new ServerFactory(settings, services => services.AddSingleton<TimeProvider>(_clock));
        _ = _factory.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await DisposeStoreAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The settings that choose the store; none for the default (SQLite).</summary>
    protected virtual ValueTask<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    protected virtual ValueTask DisposeStoreAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_cart_idle_past_the_period_is_abandoned_read_only_and_off_the_list_with_its_history_kept()
    {
        var alice = await ApiUser.CreateAsync(_factory, Users.Unique("alice"));
        var idle = await alice.CreateCartAsync();
        await alice.AddItemAsync(idle);
        _clock.Advance(TimeSpan.FromDays(29));
        var recent = await alice.CreateCartAsync();
        await WaitForViewAsync(idle, 2);
        await WaitForViewAsync(recent, 1);

        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var abandoned = await _factory.Services.GetRequiredService<CartAbandonment>().SweepAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, abandoned);
        using var read = await alice.GetAsync($"/api/carts/{idle}");
        Assert.Equal("abandoned", (await read.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(3, read.ETag());
        using var edit = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{idle}/items/{Espresso}", new { quantity = 5 });
        await edit.AssertProblemAsync(HttpStatusCode.Conflict, "cart-abandoned");
        using var checkout = await alice.PostAsync($"/api/carts/{idle}/checkout", new { shippingAddress = Addresses.Valid });
        await checkout.AssertProblemAsync(HttpStatusCode.Conflict, "cart-abandoned");
        var history = await alice.HistoryAsync(idle);
        Assert.Equal(["CartCreated.v1", "ItemAdded.v2", "CartAbandoned.v1"], history.Select(e => e.GetProperty("type").GetString()));
        await Eventually.TrueAsync(async () =>
        {
            using var list = await alice.GetAsync("/api/carts");
            var ids = (await list.JsonAsync()).EnumerateArray().Select(c => c.GetProperty("cartId").GetString()).ToList();
            return !ids.Contains(idle) && ids.Contains(recent);
        });
        Assert.Equal(0, await _factory.Services.GetRequiredService<CartAbandonment>().SweepAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Abandonment_racing_a_late_edit_lets_exactly_one_of_them_win()
    {
        var alice = await ApiUser.CreateAsync(_factory, Users.Unique("alice"));
        var carts = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            carts.Add(await alice.CreateCartAsync());
        }

        foreach (var cart in carts)
        {
            await WaitForViewAsync(cart, 1);
        }

        _clock.Advance(TimeSpan.FromDays(31));
        var abandonment = _factory.Services.GetRequiredService<CartAbandonment>();
        var views = _factory.Services.GetRequiredService<IViewStore>();
        var editsWon = 0;
        var abandonmentsWon = 0;
        foreach (var cart in carts)
        {
            var view = (await views.GetAsync(Projector.CartKind, cart, TestContext.Current.CancellationToken))!;
            var abandon = Task.Run(() => abandonment.AbandonAsync(view, _clock.GetUtcNow(), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
            var edit = alice.SendAsync(HttpMethod.Put, $"/api/carts/{cart}/items/{Espresso}", new { quantity = 2 });
            await Task.WhenAll(abandon, edit);
            using var edited = await edit;
            using var read = await alice.GetAsync($"/api/carts/{cart}");
            var status = (await read.JsonAsync()).GetProperty("status").GetString();
            if (await abandon)
            {
                await edited.AssertProblemAsync(HttpStatusCode.Conflict, "cart-abandoned");
                Assert.Equal("abandoned", status);
                Assert.Equal(2, read.ETag());
                abandonmentsWon++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
                Assert.Equal("open", status);
                Assert.Equal(2, read.ETag());
                editsWon++;
            }
        }

        Assert.Equal(carts.Count, editsWon + abandonmentsWon);
        TestContext.Current.TestOutputHelper?.WriteLine($"edits won {editsWon}, abandonments won {abandonmentsWon}");
    }

    private Task WaitForViewAsync(string cartId, long version) => Eventually.TrueAsync(async () =>
        (await _factory.Services.GetRequiredService<IViewStore>().GetAsync(Projector.CartKind, cartId, TestContext.Current.CancellationToken))?.Version >= version);

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}

/// <summary>
/// The same on <c>Store:Provider=Cosmos</c> (a local Cosmos server, or the endpoint
/// COSMOS_CONNECTION_STRING names): the sweep finds idle carts through the views' cross-partition
/// query and abandons them with the same pinned-version batch as any command.
/// </summary>
public sealed class AbandonmentOnCosmosTests : AbandonmentTests
{
    private CosmosEndpoint? _cosmos;

    protected override async ValueTask<IReadOnlyDictionary<string, string?>> StoreSettingsAsync()
    {
        _cosmos = await CosmosEndpoint.StartAsync();
        return _cosmos.Settings;
    }

    protected override async ValueTask DisposeStoreAsync()
    {
        if (_cosmos is not null)
        {
            await _cosmos.DisposeAsync();
        }
    }
}
