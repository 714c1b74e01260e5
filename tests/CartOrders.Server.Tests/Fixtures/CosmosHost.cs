extern alias LocalCosmos;

using CartOrders.Testing.Cosmos;
using LocalCosmos::CartOrders.CosmosServer;

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

    public Task<ApiUser> UserAsync(string name) => ApiUser.CreateAsync(Factory, Users.Unique(name));

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _endpoint.DisposeAsync();
    }
}
