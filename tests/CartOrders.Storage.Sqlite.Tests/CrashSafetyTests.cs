using System.Collections.Concurrent;
using System.Diagnostics;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

/// <summary>
/// Kills a process with SIGKILL while it appends from eight writers, three times over the same
/// file, and checks after each kill that every acknowledged append is stored exactly once and
/// that each stream's versions stay contiguous.
/// </summary>
public sealed class CrashSafetyTests
{
    [Fact]
    public async Task A_process_killed_mid_write_loses_no_acknowledged_append()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("cartorders-crash-");
        var path = Path.Combine(folder.FullName, "crash.db");
        var acknowledged = new ConcurrentDictionary<Guid, (string Stream, long Version)>();
        var random = new Random();

        for (var round = 0; round < 3; round++)
        {
            var before = acknowledged.Count;
            var killAfter = random.Next(50, 400);
            using var probe = StartProbe(path);
            var enough = new TaskCompletionSource();
            probe.OutputDataReceived += (_, line) =>
            {
                if (line.Data?.Split(' ') is ["ack", var stream, var version, var id])
                {
                    acknowledged[Guid.Parse(id)] = (stream, long.Parse(version, System.Globalization.CultureInfo.InvariantCulture));
                    if (acknowledged.Count - before >= killAfter)
                    {
                        enough.TrySetResult();
                    }
                }
            };
            probe.BeginOutputReadLine();
            await enough.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            probe.Kill(entireProcessTree: true);
            await probe.WaitForExitAsync(ct);

            await VerifyAsync(path, acknowledged, ct);
        }

        folder.Delete(recursive: true);
    }

    private static async Task VerifyAsync(string path, ConcurrentDictionary<Guid, (string Stream, long Version)> acknowledged, CancellationToken ct)
    {
        await using var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path }), NullLogger<SqliteDatabase>.Instance);
        var store = new SqliteEventStore(database);
        var stored = new Dictionary<Guid, (string, long)>();
        foreach (var stream in acknowledged.Values.Select(a => a.Stream).Distinct())
        {
            var events = await store.ReadStreamAsync(stream, cancellationToken: ct);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
            foreach (var e in events)
            {
                Assert.True(stored.TryAdd(e.EventId, (stream, e.Version)), $"event {e.EventId} stored twice");
            }
        }

        foreach (var (id, at) in acknowledged)
        {
            Assert.True(stored.TryGetValue(id, out var found), $"acknowledged event {id} ({at.Stream} v{at.Version}) was lost");
            Assert.Equal(at, found);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static Process StartProbe(string path)
    {
        var probeDll = Path.Combine(AppContext.BaseDirectory, "CartOrders.Storage.Sqlite.CrashProbe.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(probeDll);
        start.ArgumentList.Add(path);

        // Under mutation testing (./mutate.sh) the probe runs the same mutant as this test (it inherits
        // the active-mutant file), but it must not join the per-test coverage handshake: a probe killed
        // mid-write leaves a coverage relay behind that never answers, and every later test's coverage
        // would then wait for it and count as unknown.
        start.Environment.Remove("STRYKER_COVERAGE_FILE");
        start.Environment.Remove("STRYKER_COVERAGE_EPOCH_FILE");
        return Process.Start(start) ?? throw new InvalidOperationException("The crash probe did not start.");
    }
}
