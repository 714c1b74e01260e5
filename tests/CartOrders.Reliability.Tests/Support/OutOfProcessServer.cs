using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CartOrders.Bench;
using CartOrders.Bench.Server;

using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Reliability.Tests.Support;

/// <summary>
/// The real server as a separate process (the bench's launcher), restartable on the same data
/// folder: JSON logs at Information, so the integration events it logs (no broker) can be read
/// from its stdout, which is kept across restarts. On the Cosmos store it runs against a local
/// Cosmos server process of its own, its journal in the same folder, started, killed and restarted
/// with it.
/// </summary>
internal sealed class OutOfProcessServer : IDisposable
{
    private readonly TempFolder _folder = new("cartorders-reliability-");
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Dictionary<string, string> _settings = new()
    {
        // Nothing in these tests should be refused for rate: every command's outcome counts.
        ["RateLimiting__PermitsPerSecond"] = "100000",
        ["RateLimiting__Burst"] = "100000",
    };

    private readonly string _logLevel;
    private readonly LocalCosmosProcess? _cosmos;
    private ServerProcess? _process;

    /// <param name="settings">more configuration as environment variables, over the defaults</param>
    /// <param name="logLevel">the default log level (the shipped appsettings.json has Information)</param>
    /// <param name="store">the store: <c>Sqlite</c> (the default) or <c>Cosmos</c> (a local Cosmos server process, durable journal)</param>
    public OutOfProcessServer(IReadOnlyDictionary<string, string>? settings = null, string logLevel = "Information", string store = "Sqlite")
    {
        if (store == "Cosmos")
        {
            _cosmos = new LocalCosmosProcess(Path.Combine(_folder.Path, "cosmos"));
            _settings["Store__Provider"] = "Cosmos";
            _settings["Cosmos__FeedPollInterval"] = "00:00:00.050";
        }
        else if (store != "Sqlite")
        {
            throw new ArgumentOutOfRangeException(nameof(store), store, "Sqlite or Cosmos");
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            _settings[name] = value;
        }

        _logLevel = logLevel;
    }

    /// <summary>The server built next to this test assembly (the project reference copies it).</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "CartOrders.Server.dll");

    public string DataFolder => _folder.Path;

    public ServerProcess Process => _process ?? throw new InvalidOperationException("The server is not running.");

    public Uri BaseAddress => Process.BaseAddress;

    /// <summary>Every line the server wrote to stdout or stderr, over all its runs.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public int Starts { get; private set; }

    /// <summary>Starts of the local Cosmos server process (0 on SQLite).</summary>
    public int CosmosStarts => _cosmos?.Starts ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is running already.");
        }

        _process?.Dispose();
        if (_cosmos is not null)
        {
            // Each run of the local Cosmos server listens on a port of its own.
            await _cosmos.StartAsync(cancellationToken);
            _settings["Cosmos__ConnectionString"] = _cosmos.ConnectionString;
        }

        _process = await ServerProcess.StartAsync(ServerDll, cancellationToken, new ServerLaunch
        {
            DataFolder = _folder.Path,
            LogLevel = _logLevel,
            Settings = _settings,
            OnOutput = _output.Enqueue,
        });
        Starts++;
    }

    /// <summary>
    /// SIGKILL, and waits until the process is gone; on the Cosmos store then the local Cosmos server
    /// too (after the server, so that no answer is given once the store is gone).
    /// </summary>
    public void Kill()
    {
        Process.Kill();
        _cosmos?.Kill();
    }

    /// <summary>The integration events the server logged (publishing off): type, id and subject of each, in order.</summary>
    public IReadOnlyList<(string Type, string Id, string Subject)> LoggedIntegrationEvents()
    {
        var events = new List<(string, string, string)>();
        foreach (var line in _output)
        {
            if (!line.Contains("LoggingIntegrationPublisher", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var entry = JsonDocument.Parse(line);
                var state = entry.RootElement.GetProperty("State");
                events.Add((state.GetProperty("Type").GetString()!, state.GetProperty("Id").GetString()!, state.GetProperty("Subject").GetString()!));
            }
            catch (JsonException)
            {
                // A line cut short by SIGKILL.
            }
        }

        return events;
    }

    /// <summary>Waits (bounded) until the projector has caught up: projectionLag of /api/health is 0.</summary>
    public static async Task WaitForProjectionAsync(ApiClient api, CancellationToken cancellationToken)
    {
        var last = string.Empty;
        await Eventually.TrueAsync(
            async () =>
            {
                var health = await api.SendAsync(HttpMethod.Get, "/api/health", null, cancellationToken: cancellationToken);
                Assert.Equal(HttpStatusCode.OK, health.Status);
                last = health.Body;
                using var body = JsonDocument.Parse(health.Body);
                return body.RootElement.GetProperty("projectionLag").GetInt64() == 0;
            },
            TimeSpan.FromSeconds(60),
            () => $"the projector still trails: {last}");
    }

    public void Dispose()
    {
        _process?.Dispose();
        _cosmos?.Dispose();
        _folder.Dispose();
    }
}
