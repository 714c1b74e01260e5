using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CartOrders.Bench;

namespace CartOrders.Reliability.Tests.Support;

/// <summary>
/// The local Cosmos server (tests/CartOrders.CosmosServer) as a process of its own, with its durable
/// journal in a folder that outlives the process, so it can be killed with SIGKILL and restarted on
/// the same data. Each start takes a free port; <see cref="ConnectionString"/> is the current run's.
/// </summary>
internal sealed class LocalCosmosProcess : IDisposable
{
    private const string ListeningLine = "Local Cosmos server listening: ";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dataDirectory;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private Watchdog? _watchdog;

    public LocalCosmosProcess(string dataDirectory) => _dataDirectory = dataDirectory;

    /// <summary>The local Cosmos server built next to this test assembly (the project reference copies it).</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "CartOrders.CosmosServer.dll");

    public string ConnectionString { get; private set; } = string.Empty;

    public int Starts { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The local Cosmos server is running already.");
        }

        Release();
        var info = new ProcessStartInfo("dotnet", [ServerDll, "--port", "0", "--data-dir", _dataDirectory])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the local Cosmos server");
        _process = process;
        _watchdog = Watchdog.Guard(string.Create(CultureInfo.InvariantCulture, $"kill -9 {process.Id} 2>/dev/null"));
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            if (line.StartsWith(ListeningLine, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[ListeningLine.Length..].Trim());
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(listening.Task, exited).WaitAsync(s_startTimeout, cancellationToken);
        if (first != listening.Task)
        {
            throw new InvalidOperationException($"the local Cosmos server exited while starting:{Environment.NewLine}{string.Join(Environment.NewLine, _output.TakeLast(30))}");
        }

        ConnectionString = await listening.Task;
        Starts++;
    }

    /// <summary>SIGKILL, and waits until the process is gone: what it acknowledged must be in its journal.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
        }

        _process?.WaitForExit();
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(15_000);
        }

        Release();
    }

    private void Release()
    {
        _watchdog?.Dispose();
        _watchdog = null;
        _process?.Dispose();
        _process = null;
    }
}
