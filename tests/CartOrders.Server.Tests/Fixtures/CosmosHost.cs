extern alias LocalCosmos;

using CartOrders.Testing.Cosmos;
using LocalCosmos::CartOrders.CosmosServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CartOrders.Server.Tests.Fixtures;

/// <summary>
/// A server of its own on the Cosmos store, always on a local Cosmos server, for tests that inject
/// faults into what Cosmos answers or count the requests a command costs.
/// </summary>
public sealed class CosmosHost : IAsyncDisposable
{
    private readonly CosmosEndpoint _endpoint;

    private CosmosHost(CosmosEndpoint endpoint, ServerFactory factory)
    {
        _endpoint = endpoint;
        Factory = factory;
    }

    public ServerFactory Factory { get; }

    public LocalCosmosServer Cosmos => _endpoint.Local!;

    /// <summary>The requests the local Cosmos server served to the events container so far.</summary>
    public IReadOnlyList<CosmosRequestRecord> EventsRequests => [.. Cosmos.Requests.Where(r => r.Request.Container == "events")];

    public static async Task<CosmosHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var endpoint = await CosmosEndpoint.StartLocalAsync();
        var all = new Dictionary<string, string?>(endpoint.Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new ServerFactory(all);
        _ = factory.Server;
        return new CosmosHost(endpoint, factory);
    }

    /// <summary>
    /// Another instance of the server on the same database and signing key (so the same users'
    /// tokens work), without feed pumps: it remembers no stream, and nothing but the commands sent
    /// to it touches the streams' partitions.
    /// </summary>
    public ServerFactory AnotherInstance()
    {
        var settings = new Dictionary<string, string?>(_endpoint.Settings) { ["DataFolder"] = Factory.DataFolder };
        var other = new ServerFactory(settings, services => services.RemoveAll<IHostedService>());
        _ = other.Server;
        return other;
    }

    /// <summary>
    /// The requests one command made to its stream's partition of the events container, as the local
    /// Cosmos server logged them: everything from the command's start up to its batch.
    /// </summary>
    public async Task<IReadOnlyList<CosmosRequestRecord>> RoundTripsAsync(string streamId, Func<Task> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var before = Cosmos.Requests.Count;
        await command();
        List<CosmosRequestRecord> made = [];
        // The server logs a request once its answer is written, so the last may land just after the client read it.
        await Eventually.TrueAsync(() =>
        {
            made = [.. Cosmos.Requests.Skip(before).Where(r => r.Request.Container == "events" && r.Request.PartitionKey == $"[\"{streamId}\"]")];
            return Task.FromResult(made.Any(r => r.Request.Operation == "Batch"));
        });
        return [.. made.Take(made.FindIndex(r => r.Request.Operation == "Batch") + 1)];
    }

    /// <summary>
    /// Waits until this instance's feed pump has handled every event (health's projectionLag is 0):
    /// its projector loads the streams it projects, so until then those loads share the partitions
    /// with whatever a test counts next.
    /// </summary>
    public async Task CaughtUpAsync()
    {
        using var anonymous = Factory.CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await anonymous.GetAsync("/api/health", TestContext.Current.CancellationToken);
            var health = await response.JsonAsync();
            return health.GetProperty("projectionLag").GetInt64() == 0;
        });
    }

    public Task<ApiUser> UserAsync(string name) => ApiUser.CreateAsync(Factory, Users.Unique(name));

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _endpoint.DisposeAsync();
    }
}
