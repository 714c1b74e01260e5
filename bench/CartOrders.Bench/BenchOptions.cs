using System.Globalization;

namespace CartOrders.Bench;

/// <summary>Command line: <c>&lt;part&gt; [--duration S] [--minutes M] [--quick] [--out FILE] [--server DLL]</c>.</summary>
internal sealed record BenchOptions(
    string Part,
    TimeSpan Duration,
    bool Quick,
    bool NoPeer,
    string? Out,
    string RepositoryRoot,
    string ServerDll)
{
    /// <summary>The built server of the code before a change, for the <c>cpu</c> part's side-by-side (<c>--baseline DLL</c>).</summary>
    public string? BaselineDll { get; init; }

    /// <summary>How long the soak runs (<c>--minutes</c>, default 10, at most 24 hours).</summary>
    public TimeSpan Soak { get; init; } = TimeSpan.FromMinutes(10);

    public const string Usage = """
        usage: CartOrders.Bench <store|rebuild|upcast|http|push|memory|all|soak|cosmos|calibrate|cpu> [--duration S] [--minutes M] [--quick] [--no-peer] [--out FILE] [--server DLL] [--baseline DLL]
          store    appends: embedded store against Marten on a PostgreSQL 15 the bench starts
          rebuild  projection rebuild from 1,000,000 events; loading a 10,000-event cart
          upcast   only the upcasting cost on the command path (also part of rebuild)
          http     add-item commands through the local server over HTTP
          push     command response to cartUpdated push on a second SignalR client
          memory   server working set idle, under load, with 1,000 SignalR connections
          all      every part above, one after another
          cosmos   round trips and bytes per command type with the server on the Cosmos store,
                   counted by a local Cosmos server (not part of all)
          soak     the server under a steady mixed load (commands, reads, SignalR subscribers)
                   for --minutes M (default 10): every 30 s requests, errors, p50/p99, working
                   set and open handles; fails on > 20% memory or > 10% handle growth
          cpu      server CPU per add-item command at 1,000 commands/s, this build against
                   --baseline DLL (another build, e.g. of the commit before a change) in three
                   alternating rounds; the ratio is the target (not part of all)
          calibrate  only the calibration every run starts with: the temp disk's sync rate
                   and a single-core CPU score
          --duration S  seconds per measured load (default 15)
          --minutes M   how long the soak runs (default 10)
          --quick       small sizes and 3 s loads, for trying the bench out
          --no-peer     skip Marten (a quick look at the embedded store alone)
          --out FILE    also write the markdown table to FILE
          --server DLL  the built CartOrders.Server.dll (default: the Release build in this repository)
          --baseline DLL  the server build the cpu part compares against
        """;

    public static readonly string[] Parts = ["store", "rebuild", "upcast", "http", "push", "memory", "all", "soak", "cosmos", "calibrate", "cpu"];

    /// <summary>How many events the rebuild writes and then projects.</summary>
    public int RebuildCarts => Quick ? 1_000 : 10_000;

    public int SignalRConnections => Quick ? 100 : 1_000;

    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0 || !Parts.Contains(args[0]))
        {
            return null;
        }

        var duration = TimeSpan.FromSeconds(15);
        var quick = false;
        var noPeer = false;
        string? output = null;
        string? server = null;
        string? baseline = null;
        var soak = TimeSpan.FromMinutes(10);
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--duration" when i + 1 < args.Length:
                    duration = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--minutes" when i + 1 < args.Length:
                    soak = TimeSpan.FromMinutes(Math.Clamp(double.Parse(args[++i], CultureInfo.InvariantCulture), 0.5, 24 * 60));
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--no-peer":
                    noPeer = true;
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--server" when i + 1 < args.Length:
                    server = args[++i];
                    break;
                case "--baseline" when i + 1 < args.Length:
                    baseline = Path.GetFullPath(args[++i]);
                    break;
                default:
                    return null;
            }
        }

        if (quick && !args.Contains("--duration"))
        {
            duration = TimeSpan.FromSeconds(3);
        }

        var root = FindRepositoryRoot();
        server ??= Path.Combine(root, "src", "CartOrders.Server", "bin", "Release", "net10.0", "CartOrders.Server.dll");
        return new BenchOptions(args[0], duration, quick, noPeer, output, root, Path.GetFullPath(server)) { Soak = soak, BaselineDll = baseline };
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CartOrders.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
