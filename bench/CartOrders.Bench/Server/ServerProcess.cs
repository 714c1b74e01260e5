using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CartOrders.Bench.Server;

/// <summary>
/// The local server as a process of its own, on 127.0.0.1 and a free port, with a fresh database
/// in a temp folder, Production environment and logs at Warning. Killed and its folder removed
/// on Dispose, or by <see cref="Cleanup"/> if the bench is stopped.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TempFolder _folder;
    private readonly StreamWriter _log;
    private readonly Watchdog _watchdog;

    private ServerProcess(Process process, TempFolder folder, StreamWriter log, Uri baseAddress)
    {
        _process = process;
        _folder = folder;
        _log = log;
        BaseAddress = baseAddress;
        Cleanup.Register(this);
        _watchdog = Watchdog.Guard(string.Create(CultureInfo.InvariantCulture, $"kill -9 {process.Id} 2>/dev/null; rm -rf '{folder.Path}'"));
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task<ServerProcess> StartAsync(string serverDll, CancellationToken cancellationToken)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"The server is not built at {serverDll} (bench/run.sh builds it; or pass --server).", serverDll);
        }

        var folder = new TempFolder("cartorders-bench-server-");
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
        info.Environment["Sqlite__Path"] = folder.File("bench.db");
        info.Environment["DataFolder"] = folder.File("data");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (name, value) in ServerSettings)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
        var log = new StreamWriter(folder.File("server.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, folder, log, baseAddress);
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
    public TimeSpan CpuTime()
    {
        // Fields 14 and 15 (utime, stime) in clock ticks, after the parenthesized command name.
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public bool HasExited => _process.HasExited;

    public string LogTail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(_folder.File("server.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
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

        _folder.Dispose();
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

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

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
