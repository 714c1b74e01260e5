using System.Diagnostics;
using System.Globalization;

namespace CartOrders.Bench.Store;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the peer measurement: initdb into a temp folder, started
/// with pg_ctl on 127.0.0.1 and a free port, default settings (fsync on), then stopped and
/// removed on Dispose, or by <see cref="Cleanup"/> if the bench is stopped. initdb refuses to run
/// as root, so as root the cluster runs as the <c>postgres</c> system user.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private readonly TempFolder _folder;
    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private bool _started;
    private Watchdog? _watchdog;

    private PostgresServer(string bin)
    {
        _bin = bin;
        _asPostgresUser = Environment.UserName == "root";
        _folder = new TempFolder("cartorders-bench-pg-");
        Cleanup.Register(this);
        Port = Loopback.FreePort();
    }

    public int Port { get; }

    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=32;No Reset On Close=true");

    public static string Binaries => Environment.GetEnvironmentVariable("PG_BIN") ?? "/usr/lib/postgresql/15/bin";

    public static bool IsInstalled => File.Exists(Path.Combine(Binaries, "initdb"));

    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new PostgresServer(Binaries);
        try
        {
            await server.InitAndStartAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public string Version { get; private set; } = "PostgreSQL";

    private string Data => _folder.File("data");

    private async Task InitAndStartAsync(CancellationToken cancellationToken)
    {
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _folder.Path], cancellationToken);
        }

        var pgCtl = (_asPostgresUser ? "runuser -u postgres -- " : string.Empty) + Path.Combine(_bin, "pg_ctl");
        _watchdog = Watchdog.Guard($"{pgCtl} -D '{Data}' -m immediate stop >/dev/null 2>&1; rm -rf '{_folder.Path}'");
        await RunPgAsync("initdb", ["-D", Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], cancellationToken);
        var settings = string.Create(CultureInfo.InvariantCulture, $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={_folder.Path}");
        _started = true;
        await RunPgAsync("pg_ctl", ["-D", Data, "-l", _folder.File("server.log"), "-w", "-t", "60", "-o", settings, "start"], cancellationToken);
        Version = (await RunPgAsync("postgres", ["--version"], cancellationToken)).Trim();
    }

    public void Dispose()
    {
        Cleanup.Unregister(this);
        _watchdog?.Dispose();
        if (_started)
        {
            _started = false;
            try
            {
                RunPgAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "-t", "30", "stop"], CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException error)
            {
                Console.Error.WriteLine($"  PostgreSQL did not stop cleanly: {error.Message}");
                KillPostmaster();
            }
        }

        _folder.Dispose();
    }

    private void KillPostmaster()
    {
        var pidFile = Path.Combine(Data, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out var pid))
        {
            try
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
                postmaster.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private Task<string> RunPgAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args], cancellationToken)
            : RunAsync(Path.Combine(_bin, tool), args, cancellationToken);

    private static async Task<string> RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // pg_ctl start leaves the server holding inherited handles, so output goes to files, not pipes.
        var output = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo("/bin/sh", ["-c", "\"$0\" \"$@\" >\"$OUT\" 2>&1", file, .. args])
            {
                UseShellExecute = false,
                WorkingDirectory = "/",
            };
            info.Environment["OUT"] = output;
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            var text = await File.ReadAllTextAsync(output, CancellationToken.None);
            return process.ExitCode == 0
                ? text
                : throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {text.Trim()}");
        }
        finally
        {
            File.Delete(output);
        }
    }
}
