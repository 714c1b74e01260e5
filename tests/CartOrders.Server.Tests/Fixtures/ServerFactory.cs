using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace CartOrders.Server.Tests.Fixtures;

/// <summary>
/// The real server in memory: its own SQLite file and data folder in a fresh temp directory,
/// development tokens on, plus any settings a test needs (a tiny rate limit, another auth mode).
/// </summary>
public sealed class ServerFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-server-");

    public string DataFolder => _folder.FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DataFolder", _folder.FullName);
        builder.UseSetting("Sqlite:Path", Path.Combine(_folder.FullName, "cartorders.db"));
        builder.UseSetting("Sqlite:Durability", "Normal");
        builder.UseSetting("Auth:DevelopmentTokens", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
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
public sealed class ServerFixture : IAsyncDisposable
{
    public ServerFactory Factory { get; } = new();

    public Task<ApiUser> UserAsync(string name, params string[] roles) => ApiUser.CreateAsync(Factory, Users.Unique(name), roles);

    public HttpClient Anonymous() => Factory.CreateClient();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

public static class Users
{
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
}
