using CartOrders.Testing.Cosmos;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Server.Tests.Fixtures;

/// <summary>
/// The real server in memory: its own SQLite file and data folder in a fresh temp directory,
/// development tokens on, plus any settings a test needs (a tiny rate limit, another auth mode)
/// and any services it replaces (a failing store). A setting given as null is left unset: the
/// factory's own value for it (say the fast <c>Sqlite:Durability=Normal</c>) is not applied.
/// </summary>
public sealed class ServerFactory(
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-server-");

    public string DataFolder => _folder.FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DataFolder", _folder.FullName);
        builder.UseSetting("Sqlite:Path", Path.Combine(_folder.FullName, "cartorders.db"));
        if (settings?.ContainsKey("Sqlite:Durability") != true)
        {
            builder.UseSetting("Sqlite:Durability", "Normal");
        }

        builder.UseSetting("Auth:DevelopmentTokens", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is not null)
            {
                builder.UseSetting(key, value);
            }
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
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

/// <summary>One server shared by every test of the assembly; tests keep apart through unique user ids.</summary>
public class ServerFixture : IAsyncLifetime
{
    private ServerFactory? _factory;

    public ServerFactory Factory => _factory ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts the host once, before any test: the factory does not guard a first start from parallel callers.</summary>
    public async ValueTask InitializeAsync()
    {
        _factory = new ServerFactory(await StoreSettingsAsync());
        _ = _factory.Server;
    }

    public Task<ApiUser> UserAsync(string name, params string[] roles) => ApiUser.CreateAsync(Factory, Users.Unique(name), roles);

    public HttpClient Anonymous() => Factory.CreateClient();

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The settings that choose the store; none for the default (SQLite in the factory's temp folder).</summary>
    protected virtual ValueTask<IReadOnlyDictionary<string, string?>> StoreSettingsAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}

/// <summary>
/// The same server on <c>Store:Provider=Cosmos</c>: against the endpoint COSMOS_CONNECTION_STRING names
/// (the emulator or an account), or else an in-process local Cosmos server, in a database of its own.
/// </summary>
public sealed class CosmosServerFixture : ServerFixture
{
    private CosmosEndpoint? _cosmos;

    protected override async ValueTask<IReadOnlyDictionary<string, string?>> StoreSettingsAsync()
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

public static class Users
{
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
}
