using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CartOrders.Bench.Server;

/// <summary>
/// How to start the server: by default a fresh database in a temp folder that goes with the
/// process, Production environment (JSON logs) and logs at Warning. A crash test passes a data
/// folder of its own to restart the server on the same files, and a callback that sees every
/// line the server writes.
/// </summary>
internal sealed record ServerLaunch
{
    /// <summary>The folder of the database (<c>cartorders.db</c>) and the signing key (<c>data/</c>); kept on Dispose. Null: a temp folder, removed on Dispose.</summary>
    public string? DataFolder { get; init; }

    public string LogLevel { get; init; } = "Warning";

    /// <summary>More configuration, as environment variables (<c>RateLimiting__Burst</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Called with each line of the server's stdout and stderr, from the reader threads.</summary>
    public Action<string>? OnOutput { get; init; }
}

/// <summary>
/// The local server as a process of its own, on 127.0.0.1 and a free port (see <see cref="ServerLaunch"/>).
/// Killed, and its temp folder removed, on Dispose, or by <see cref="Cleanup"/> if the bench is stopped.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TempFolder? _ownedFolder;
    private readonly string _folder;
    private readonly StreamWriter _log;
    private readonly Watchdog _watchdog;

    private ServerProcess(Process process, TempFolder? ownedFolder, string folder, StreamWriter log, Uri baseAddress)
    {
        _process = process;
        _ownedFolder = ownedFolder;
        _folder = folder;
        _log = log;
        BaseAddress = baseAddress;
        Cleanup.Register(this);
        _watchdog = Watchdog.Guard(ownedFolder is null
            ? string.Create(CultureInfo.InvariantCulture, $"kill -9 {process.Id} 2>/dev/null")
            : string.Create(CultureInfo.InvariantCulture, $"kill -9 {process.Id} 2>/dev/null; rm -rf '{ownedFolder.Path}'"));
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>The server's SQLite database (the WAL beside it is <c>-wal</c>).</summary>
    public string DatabasePath => Path.Combine(_folder, "cartorders.db");

    public static async Task<ServerProcess> StartAsync(string serverDll, CancellationToken cancellationToken, ServerLaunch? launch = null)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"The server is not built at {serverDll} (bench/run.sh builds it; or pass --server).", serverDll);
        }

        launch ??= new ServerLaunch();
        var owned = launch.DataFolder is null ? new TempFolder("cartorders-bench-server-") : null;
        var folder = launch.DataFolder ?? owned!.Path;
        var port = Loopback.FreePort();
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var info = new ProcessStartInfo("dotnet", [serverDll, "--urls", baseAddress.ToString().TrimEnd('/')])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Sqlite__Path"] = Path.Combine(folder, "cartorders.db");
        info.Environment["DataFolder"] = Path.Combine(folder, "data");
        info.Environment["Logging__LogLevel__Default"] = launch.LogLevel;
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (name, value) in ServerSettings.Concat(launch.Settings.Select(s => (s.Key, s.Value))))
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        var log = new StreamWriter(Path.Combine(folder, "server.log"), append: true) { AutoFlush = true };
        var onOutput = launch.OnOutput;
        process.OutputDataReceived += (_, e) => Append(log, e.Data, onOutput);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data, onOutput);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, owned, folder, log, baseAddress);
        try
        {
            await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return server;
        }
        catch
        {
            Console.Error.WriteLine($"  server log:{Environment.NewLine}{server.LogTail()}");
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Settings the bench gives the server besides its defaults: development tokens on (the
    /// local server's default, stated in case Production turns it off).
    /// </summary>
    private static readonly (string Name, string Value)[] ServerSettings =
    [
        ("Auth__DevelopmentTokens", "true"),
    ];

    /// <summary>The server's resident set (VmRSS), what Linux calls its working set.</summary>
    public long WorkingSetBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>CPU time the server has used (user and kernel), from /proc/&lt;pid&gt;/stat.</summary>
    public TimeSpan CpuTime() => StatCpuTime($"/proc/{_process.Id}/stat");

    /// <summary>
    /// CPU time the server's threads named <paramref name="threadName"/> (their <c>comm</c>, at most
    /// 15 characters, e.g. <c>.NET Tiered Com</c> for the JIT's background compilation) have used.
    /// </summary>
    public TimeSpan ThreadCpuTime(string threadName)
    {
        var total = TimeSpan.Zero;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == threadName)
                {
                    total += StatCpuTime(Path.Combine(task, "stat"));
                }
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return total;
    }

    private static TimeSpan StatCpuTime(string statPath)
    {
        // Fields 14 and 15 (utime, stime) in clock ticks, after the parenthesized command name.
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Open file descriptors of the server (sockets, files, pipes): the entries of /proc/&lt;pid&gt;/fd.</summary>
    public int OpenHandles() => Descriptors().Length;

    /// <summary>
    /// How many of the server's open file descriptors are sockets (their link reads <c>socket:[inode]</c>):
    /// their count follows the clients' connections, the rest (files, pipes, event handles) the server's own.
    /// </summary>
    public int OpenSockets() =>
        Descriptors().Count(fd => new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>The entries of /proc/&lt;pid&gt;/fd; none once the process is gone.</summary>
    private string[] Descriptors()
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{_process.Id}/fd");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>SIGKILL: the server stops at once, mid-write, as in a power cut of the process; waits until it is gone and its output is read.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
    }

    public string LogTail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(_folder, "server.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public void Dispose()
    {
        Cleanup.Unregister(this);
        _watchdog.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(15_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It had gone already.
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }

        _ownedFolder?.Dispose();
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {_process.ExitCode} while starting");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"the server was not healthy within {timeout.TotalSeconds:0} s");
    }

    private static void Append(StreamWriter log, string? line, Action<string>? onOutput)
    {
        if (line is null)
        {
            return;
        }

        onOutput?.Invoke(line);

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives while the server is being stopped.
            }
        }
    }
}
