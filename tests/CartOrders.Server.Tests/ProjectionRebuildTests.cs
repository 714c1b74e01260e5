using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Rebuilds;
using CartOrders.Server.Tests.Fixtures;
using CartOrders.Testing.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CartOrders.Server.Tests;

/// <summary>
/// Blue/green rebuilds of the views through the real host: a rebuild racing writes and reads, a
/// restart in the middle of one, a new projection version, and the endpoint's refusals. Each test
/// keeps one store across the hosts it starts (a file, or a Cosmos database).
/// </summary>
public abstract class ProjectionRebuildTests : IAsyncLifetime
{
    private const string Rebuild = "/api/admin/projections/projector/rebuild";
    private static readonly TimeSpan s_rebuildTimeout = TimeSpan.FromSeconds(90);

    private IReadOnlyDictionary<string, string?> _store = new Dictionary<string, string?>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _store = await StartStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>The settings of a store that outlives the hosts of one test.</summary>
    protected abstract ValueTask<IReadOnlyDictionary<string, string?>> StartStoreAsync();

    [Fact]
    public async Task A_rebuild_racing_writes_and_reads_never_shows_an_empty_or_older_list_and_ends_with_every_cart()
    {
        await using var host = Start();
        var op = await ApiUser.CreateAsync(host, Users.Unique("op"), "operator");
        var users = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ApiUser.CreateAsync(host, Users.Unique("shopper"))));
        var carts = new Dictionary<ApiUser, List<string>>();
        foreach (var user in users)
        {
            carts[user] = await CartsWithAnItemAsync(user, 12);
        }

        await AllListedAsync(carts);
        var before = await ProjectionAsync(op);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var violations = new ConcurrentQueue<string>();
        var readsAfterSwap = 0;
        var swapped = false;
        var writers = users.Select(user => Task.Run(
            async () =>
            {
                var next = 0;
                while (!stop.IsCancellationRequested)
                {
                    using var response = await user.PostAsync($"/api/carts/{carts[user][next++ % carts[user].Count]}/items", new { productId = ApiUser.Filter, quantity = 1 });
                    if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.TooManyRequests))
                    {
                        violations.Enqueue($"a write answered {(int)response.StatusCode}");
                    }
                }
            },
            CancellationToken.None)).ToList();
        var readers = users.Select(user => Task.Run(
            async () =>
            {
                var seen = new Dictionary<string, long>();
                while (!stop.IsCancellationRequested)
                {
                    var listed = await ListAsync(user);
                    if (listed.Count != carts[user].Count)
                    {
                        violations.Enqueue($"{user.UserId} saw {listed.Count} of {carts[user].Count} carts");
                    }

                    foreach (var (cartId, version) in listed)
                    {
                        if (seen.TryGetValue(cartId, out var earlier) && version < earlier)
                        {
                            violations.Enqueue($"{cartId} went back from version {earlier} to {version}");
                        }

                        seen[cartId] = version;
                    }

                    if (Volatile.Read(ref swapped))
                    {
                        Interlocked.Increment(ref readsAfterSwap);
                    }
                }
            },
            CancellationToken.None)).ToList();

        using (var started = await op.PostAsync(Rebuild))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            Assert.Equal("/api/admin/projections/projector", started.Headers.Location?.OriginalString);
            var body = await started.JsonAsync();
            Assert.Equal(before.Generation + 1, body.GetProperty("rebuild").GetProperty("generation").GetInt32());
        }

        await LiveAtAsync(op, before.Generation + 1);
        Volatile.Write(ref swapped, true);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref readsAfterSwap) >= 10 || !violations.IsEmpty));
        await stop.CancelAsync();
        await Task.WhenAll(writers.Concat(readers));

        Assert.True(violations.IsEmpty, string.Join("; ", violations.Take(10)));
        await AllListedAsync(carts, exactVersions: true);
    }

    [Fact]
    public async Task A_rebuild_interrupted_by_a_restart_resumes_from_its_checkpoint_in_the_same_generation()
    {
        var brake = new Brake();
        var cartsByUser = new Dictionary<string, int>();
        int generation;
        string? userA, userB;
        await using (var first = Start(services => brake.Install(services)))
        {
            var op = await ApiUser.CreateAsync(first, Users.Unique("op"), "operator");
            var a = await ApiUser.CreateAsync(first, Users.Unique("shopper"));
            var b = await ApiUser.CreateAsync(first, Users.Unique("shopper"));
            (userA, userB) = (a.UserId, b.UserId);

            // Over one feed batch of events (256), so the rebuild saves a checkpoint before it is braked.
            var carts = new Dictionary<ApiUser, List<string>> { [a] = await CartsWithAnItemAsync(a, 75), [b] = await CartsWithAnItemAsync(b, 75) };
            await AllListedAsync(carts);
            generation = (await ProjectionAsync(op)).Generation + 1;

            using var started = await op.PostAsync(Rebuild);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            await Eventually.TrueAsync(async () => brake.Engaged && (await ProjectionAsync(op)).Position > 0, s_rebuildTimeout);
            var halfway = await ProjectionAsync(op);
            Assert.Equal(("rebuilding", generation), (halfway.Status, halfway.RebuildGeneration));
            Assert.True(halfway.Remaining > 0, $"the rebuild was braked with {halfway.Remaining} events left");
            cartsByUser[a.UserId] = 75;
            cartsByUser[b.UserId] = 75;
        }

        var loads = new ConcurrentQueue<(string Subscription, string? Checkpoint)>();
        await using var second = Start(services => Wrap<ICheckpointStore>(services, inner => new RecordingCheckpoints(inner, loads)));
        var op2 = await ApiUser.CreateAsync(second, Users.Unique("op"), "operator");
        await LiveAtAsync(op2, generation);

        var resumed = loads.First(l => l.Subscription == $"projector@{generation}");
        Assert.NotNull(resumed.Checkpoint);
        foreach (var userId in new[] { userA, userB })
        {
            var user = await ApiUser.CreateAsync(second, userId!);
            Assert.Equal(cartsByUser[userId!], (await ListAsync(user)).Count);
        }
    }

    [Fact]
    public async Task A_host_started_with_a_new_projection_version_rebuilds_the_views_by_itself()
    {
        string userId;
        List<string> carts;
        int generation;
        await using (var first = Start())
        {
            var op = await ApiUser.CreateAsync(first, Users.Unique("op"), "operator");
            var user = await ApiUser.CreateAsync(first, Users.Unique("shopper"));
            userId = user.UserId;
            carts = await CartsWithAnItemAsync(user, 5);
            await AllListedAsync(new() { [user] = carts });
            var live = await ProjectionAsync(op);
            Assert.Equal((Projector.Version, "live"), (live.LiveVersion, live.Status));
            generation = live.Generation;
        }

        var bumped = new ProjectionDefinition(Projector.Name, Projector.Version + 1);
        await using var second = Start(services => services.Replace(ServiceDescriptor.Singleton(bumped)));
        var op2 = await ApiUser.CreateAsync(second, Users.Unique("op"), "operator");
        var rebuilt = await LiveAtAsync(op2, generation + 1);
        Assert.Equal((bumped.Version, bumped.Version), (rebuilt.Version, rebuilt.LiveVersion));
        var again = await ApiUser.CreateAsync(second, userId);
        await AllListedAsync(new() { [again] = carts }, exactVersions: true);
    }

    [Fact]
    public async Task Only_operators_may_list_or_rebuild_projections_and_an_unknown_name_is_404()
    {
        await using var host = Start();
        var customer = await ApiUser.CreateAsync(host, Users.Unique("alice"));
        var op = await ApiUser.CreateAsync(host, Users.Unique("op"), "operator");
        using var anonymous = host.CreateClient();

        using (var response = await anonymous.PostAsync(new Uri(Rebuild, UriKind.Relative), null, Ct))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        using (var response = await anonymous.GetAsync(new Uri("/api/admin/projections", UriKind.Relative), Ct))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        using (var response = await customer.PostAsync(Rebuild))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
        }

        using (var response = await customer.GetAsync("/api/admin/projections"))
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
            Assert.Equal("Only an operator may see or rebuild projections.", problem.GetProperty("detail").GetString());
        }

        using (var response = await customer.GetAsync("/api/admin/projections/projector"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
        }

        // A rebuild is a command: its headers and any body are checked like every command's.
        using (var response = await op.PostAsync(Rebuild, ApiUser.Raw("{")))
        {
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        }

        using (var response = await op.PostAsync("/api/admin/projections/no-such-projection/rebuild"))
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "projection-not-found");
        }

        using (var response = await op.GetAsync("/api/admin/projections/no-such-projection"))
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "projection-not-found");
        }

        Assert.Equal("live", (await ProjectionAsync(op)).Status);
    }

    [Fact]
    public async Task A_second_rebuild_while_one_runs_is_409_and_its_progress_is_on_the_list_and_in_health()
    {
        var brake = new Brake(engaged: true);
        await using var host = Start(services => brake.Install(services));
        var op = await ApiUser.CreateAsync(host, Users.Unique("op"), "operator");
        var user = await ApiUser.CreateAsync(host, Users.Unique("shopper"));
        await AllListedAsync(new() { [user] = await CartsWithAnItemAsync(user, 3) });
        var generation = (await ProjectionAsync(op)).Generation + 1;

        using (var first = await op.PostAsync(Rebuild))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        using (var second = await op.PostAsync(Rebuild))
        {
            await second.AssertProblemAsync(HttpStatusCode.Conflict, "rebuild-running");
        }

        var listed = await ProjectionAsync(op);
        Assert.Equal(("rebuilding", generation), (listed.Status, listed.RebuildGeneration));
        Assert.True(listed.Remaining > 0);
        using var anonymous = host.CreateClient();
        using var health = await anonymous.GetAsync(new Uri("/api/health", UriKind.Relative), Ct);
        var rebuild = Assert.Single((await health.JsonAsync()).GetProperty("rebuilds").EnumerateArray().ToList());
        Assert.Equal(("projector", generation), (rebuild.GetProperty("projection").GetString(), rebuild.GetProperty("generation").GetInt32()));
        Assert.True(rebuild.GetProperty("remaining").GetInt64() > 0);
        Assert.Equal(3, (await ListAsync(user)).Count);
    }

    private ServerFactory Start(Action<IServiceCollection>? services = null)
    {
        var factory = new ServerFactory(_store, services);
        _ = factory.Server;
        return factory;
    }

    private static async Task<List<string>> CartsWithAnItemAsync(ApiUser user, int count)
    {
        var carts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var cartId = await user.CreateCartAsync();
            await user.AddItemAsync(cartId);
            carts.Add(cartId);
        }

        return carts;
    }

    /// <summary>Every cart of the user's list, with the version it shows, over as many pages as it takes.</summary>
    private static async Task<List<(string CartId, long Version)>> ListAsync(ApiUser user)
    {
        var listed = new List<(string, long)>();
        string? path = "/api/carts?limit=200";
        while (path is not null)
        {
            using var response = await user.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            listed.AddRange((await response.JsonAsync()).GetProperty("items").EnumerateArray()
                .Select(c => (c.GetProperty("cartId").GetString()!, c.GetProperty("version").GetInt64())));
            path = response.Headers.TryGetValues("Link", out var links) && links.Single() is var link
                ? link[1..link.IndexOf('>', StringComparison.Ordinal)]
                : null;
        }

        return listed;
    }

    /// <summary>Waits until every user's list holds exactly their carts (and, if asked, each at its stream's current version).</summary>
    private static Task AllListedAsync(Dictionary<ApiUser, List<string>> carts, bool exactVersions = false) =>
        Eventually.TrueAsync(
            async () =>
            {
                foreach (var (user, ids) in carts)
                {
                    var listed = await ListAsync(user);
                    if (!listed.Select(l => l.CartId).Order().SequenceEqual(ids.Order()))
                    {
                        return false;
                    }

                    foreach (var (cartId, version) in listed.Where(_ => exactVersions))
                    {
                        using var single = await user.GetAsync($"/api/carts/{cartId}");
                        if (single.ETag() != version)
                        {
                            return false;
                        }
                    }
                }

                return true;
            },
            s_rebuildTimeout);

    private static async Task<Projection> ProjectionAsync(ApiUser op)
    {
        using var response = await op.GetAsync("/api/admin/projections");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var projection = Assert.Single((await response.JsonAsync()).EnumerateArray().ToList());
        Assert.Equal("projector", projection.GetProperty("name").GetString());
        var rebuild = projection.TryGetProperty("rebuild", out var r) ? r : (JsonElement?)null;
        return new Projection(
            projection.GetProperty("generation").GetInt32(),
            projection.GetProperty("version").GetInt32(),
            projection.GetProperty("liveVersion").GetInt32(),
            projection.GetProperty("status").GetString()!,
            rebuild?.GetProperty("generation").GetInt32(),
            rebuild?.GetProperty("position").GetInt64() ?? 0,
            rebuild?.GetProperty("remaining").GetInt64() ?? 0);
    }

    private static async Task<Projection> LiveAtAsync(ApiUser op, int generation)
    {
        Projection? last = null;
        await Eventually.TrueAsync(
            async () => (last = await ProjectionAsync(op)) is { Status: "live" } live && live.Generation == generation,
            s_rebuildTimeout,
            () => $"the projection stayed at {last}");
        return last!;
    }

    private static void Wrap<T>(IServiceCollection services, Func<T, T> wrap)
        where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.Replace(ServiceDescriptor.Singleton(sp => wrap((T)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)))));
    }

    private sealed record Projection(int Generation, int Version, int LiveVersion, string Status, int? RebuildGeneration, long Position, long Remaining);

    /// <summary>
    /// Stops a rebuild where it stands, as a process that dies would: once engaged (by the rebuild's
    /// first saved checkpoint, or from the start), every write into a generation fails as a store that
    /// went away fails, so the rebuild retries its next batch without end.
    /// </summary>
    private sealed class Brake(bool engaged = false)
    {
        private volatile bool _engaged = engaged;

        public bool Engaged => _engaged;

        public void Install(IServiceCollection services)
        {
            Wrap<ICheckpointStore>(services, inner => new EngagingCheckpoints(inner, this));
            services.Replace(ServiceDescriptor.Singleton<IViewGenerations>(sp => new BrakedGenerations((IViewGenerations)sp.GetRequiredService<IViewStore>(), this)));
        }

        public void Engage() => _engaged = true;
    }

    private sealed class EngagingCheckpoints(ICheckpointStore inner, Brake brake) : ICheckpointStore
    {
        public Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default) => inner.LoadAsync(subscription, cancellationToken);

        public async Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default)
        {
            await inner.SaveAsync(subscription, checkpoint, cancellationToken);
            Saved(subscription);
        }

        public Task<StoredCheckpoint?> ReadAsync(string subscription, CancellationToken cancellationToken = default) => inner.ReadAsync(subscription, cancellationToken);

        public async Task<bool> TrySaveAsync(string subscription, string checkpoint, string? expectedVersion, CancellationToken cancellationToken = default)
        {
            var saved = await inner.TrySaveAsync(subscription, checkpoint, expectedVersion, cancellationToken);
            if (saved)
            {
                Saved(subscription);
            }

            return saved;
        }

        private void Saved(string subscription)
        {
            if (subscription.Contains('@', StringComparison.Ordinal))
            {
                brake.Engage();
            }
        }
    }

    private sealed class BrakedGenerations(IViewGenerations inner, Brake brake) : IViewGenerations
    {
        public Task<ViewGenerationState> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public Task<bool> TrySaveAsync(ViewGenerationState state, CancellationToken cancellationToken = default) => inner.TrySaveAsync(state, cancellationToken);

        public Task<bool> UpsertAsync(ViewDocument document, int generation, CancellationToken cancellationToken = default) =>
            brake.Engaged ? throw new IOException("The store went away.") : inner.UpsertAsync(document, generation, cancellationToken);

        public Task<ViewDocument?> GetAsync(string kind, string id, int generation, CancellationToken cancellationToken = default) => inner.GetAsync(kind, id, generation, cancellationToken);

        public Task DropAsync(int generation, CancellationToken cancellationToken = default) => inner.DropAsync(generation, cancellationToken);
    }

    private sealed class RecordingCheckpoints(ICheckpointStore inner, ConcurrentQueue<(string, string?)> loads) : ICheckpointStore
    {
        public async Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default)
        {
            var checkpoint = await inner.LoadAsync(subscription, cancellationToken);
            loads.Enqueue((subscription, checkpoint));
            return checkpoint;
        }

        public Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default) => inner.SaveAsync(subscription, checkpoint, cancellationToken);

        public async Task<StoredCheckpoint?> ReadAsync(string subscription, CancellationToken cancellationToken = default)
        {
            var stored = await inner.ReadAsync(subscription, cancellationToken);
            loads.Enqueue((subscription, stored?.Value));
            return stored;
        }

        public Task<bool> TrySaveAsync(string subscription, string checkpoint, string? expectedVersion, CancellationToken cancellationToken = default) =>
            inner.TrySaveAsync(subscription, checkpoint, expectedVersion, cancellationToken);
    }
}

/// <summary>On the embedded store: one SQLite file (and data folder) kept across the hosts of a test.</summary>
public sealed class ProjectionRebuildOnSqliteTests : ProjectionRebuildTests
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-rebuild-");

    protected override ValueTask<IReadOnlyDictionary<string, string?>> StartStoreAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["DataFolder"] = _folder.FullName,
            ["Sqlite:Path"] = Path.Combine(_folder.FullName, "cartorders.db"),
        });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}

/// <summary>On Cosmos: a database of its own on COSMOS_CONNECTION_STRING's endpoint, or on a local Cosmos server, kept across the hosts of a test.</summary>
public sealed class ProjectionRebuildOnCosmosTests : ProjectionRebuildTests
{
    private CosmosEndpoint? _cosmos;

    protected override async ValueTask<IReadOnlyDictionary<string, string?>> StartStoreAsync()
    {
        _cosmos = await CosmosEndpoint.StartAsync();
        return _cosmos.Settings;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cosmos is not null)
        {
            await _cosmos.DisposeAsync();
        }
    }
}
