using System.Text;
using CartOrders.Application.Ports;
using CartOrders.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

/// <summary>The retention sweep on an injected clock: what is past its retention goes, the rest and all history stay.</summary>
public sealed class RetentionTests : IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-retention-");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteStoreOptions _options;
    private readonly SqliteDatabase _database;

    public RetentionTests()
    {
        _options = new SqliteStoreOptions { Path = Path.Combine(_folder.FullName, "store.db") };
        _options.RetiredSubscriptions.Add("old-reporting");
        _database = new SqliteDatabase(Options.Create(_options), NullLogger<SqliteDatabase>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Idempotency_records_older_than_24_hours_are_swept_and_younger_ones_and_events_stay()
    {
        var events = new SqliteEventStore(_database);
        var retention = new SqliteRetention(_database, Options.Create(_options), _clock, NullLogger<SqliteRetention>.Instance);
        var old = await AppendWithKeyAsync(events, "old-key", _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromHours(23));
        var young = await AppendWithKeyAsync(events, "young-key", _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await retention.SweepAsync(Ct));
        Assert.NotNull(await events.FindIdempotencyAsync(old, "old-key", Ct));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await retention.SweepAsync(Ct));
        Assert.Null(await events.FindIdempotencyAsync(old, "old-key", Ct));
        Assert.NotNull(await events.FindIdempotencyAsync(young, "young-key", Ct));
        Assert.Single(await events.ReadStreamAsync(old, cancellationToken: Ct));

        _clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(1, await retention.SweepAsync(Ct));
        Assert.Null(await events.FindIdempotencyAsync(young, "young-key", Ct));
        Assert.Single(await events.ReadStreamAsync(young, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_retired_subscription_loses_its_checkpoint_and_parked_events_and_the_others_keep_theirs()
    {
        var checkpoints = new SqliteCheckpointStore(_database);
        var parking = new SqliteParkedEventStore(_database);
        var retention = new SqliteRetention(_database, Options.Create(_options), _clock, NullLogger<SqliteRetention>.Instance);
        await checkpoints.SaveAsync("old-reporting", "42", Ct);
        await checkpoints.SaveAsync("projector", "43", Ct);
        var stored = new StoredEvent("cart-1", 1, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{}"), new EventMetadata("alice", _clock.GetUtcNow(), null));
        await parking.ParkAsync([new ParkedEvent("old-reporting", stored, "bug", _clock.GetUtcNow()), new ParkedEvent("projector", stored, "bug", _clock.GetUtcNow())], Ct);

        await retention.SweepAsync(Ct);

        Assert.Null(await checkpoints.LoadAsync("old-reporting", Ct));
        Assert.Equal("43", await checkpoints.LoadAsync("projector", Ct));
        Assert.Equal(["projector"], (await parking.ListAsync(null, Ct)).Select(p => p.Subscription));
    }

    [Fact]
    public async Task A_sweep_deletes_every_expired_record_however_many_batches_it_takes()
    {
        var events = new SqliteEventStore(_database);
        var retention = new SqliteRetention(_database, Options.Create(_options), _clock, NullLogger<SqliteRetention>.Instance);
        var at = _clock.GetUtcNow();
        await Task.WhenAll(Enumerable.Range(0, 4_500).Select(n => events.AppendAsync(new AppendRequest($"cart-{n}", 0, [], Idempotency: Record($"key-{n}", $"cart-{n}", at)), Ct)));
        var young = await AppendWithKeyAsync(events, "young-key", at.AddHours(2));

        _clock.Advance(TimeSpan.FromHours(25));

        Assert.Equal(4_500, await retention.SweepAsync(Ct));
        Assert.Null(await events.FindIdempotencyAsync("cart-4499", "key-4499", Ct));
        Assert.NotNull(await events.FindIdempotencyAsync(young, "young-key", Ct));
        Assert.Equal(0, await retention.SweepAsync(Ct));
    }

    [Fact]
    public async Task As_a_hosted_service_it_sweeps_at_start_and_again_every_interval()
    {
        var options = new SqliteStoreOptions { Path = _options.Path, SweepInterval = TimeSpan.FromMilliseconds(200) };
        var events = new SqliteEventStore(_database);
        using var retention = new SqliteRetention(_database, Options.Create(options), TimeProvider.System, NullLogger<SqliteRetention>.Instance);
        var longAgo = DateTimeOffset.UtcNow.AddDays(-2);
        var first = await AppendWithKeyAsync(events, "first-key", longAgo);

        await retention.StartAsync(Ct);
        try
        {
            await GoneAsync(events, first, "first-key");
            var second = await AppendWithKeyAsync(events, "second-key", longAgo);
            await GoneAsync(events, second, "second-key");
        }
        finally
        {
            await retention.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_sweep_logs_what_it_deleted_and_nothing_when_it_deleted_nothing()
    {
        var log = new CapturingLogger<SqliteRetention>();
        var retention = new SqliteRetention(_database, Options.Create(_options), _clock, log);
        var checkpoints = new SqliteCheckpointStore(_database);
        var parking = new SqliteParkedEventStore(_database);

        Assert.Equal(0, await retention.SweepAsync(Ct));
        Assert.Empty(log.Entries);

        await AppendWithKeyAsync(new SqliteEventStore(_database), "old-key", _clock.GetUtcNow());
        await checkpoints.SaveAsync("old-reporting", "42", Ct);
        var stored = new StoredEvent("cart-1", 1, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{}"), new EventMetadata("alice", _clock.GetUtcNow(), null));
        await parking.ParkAsync([new ParkedEvent("old-reporting", stored, "bug", _clock.GetUtcNow()), new ParkedEvent("old-reporting", stored with { Version = 2 }, "bug", _clock.GetUtcNow())], Ct);
        _clock.Advance(TimeSpan.FromHours(25));

        Assert.Equal(1, await retention.SweepAsync(Ct));
        Assert.Equal(
            [
                (LogLevel.Information, "Retention: removed the checkpoint and parked events of retired subscription old-reporting (3 rows)"),
                (LogLevel.Information, "Retention: deleted 1 idempotency records past their retention"),
            ],
            log.Entries.Select(e => (e.Level, e.Message)));
    }

    [Fact]
    public async Task A_failed_sweep_is_logged_and_the_hosted_service_keeps_running()
    {
        var log = new CapturingLogger<SqliteRetention>();
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder.FullName, "closed.db"), SweepInterval = TimeSpan.FromMilliseconds(100) };
        var closed = new SqliteDatabase(Options.Create(options), NullLogger<SqliteDatabase>.Instance);
        await closed.DisposeAsync();
        using var retention = new SqliteRetention(closed, Options.Create(options), TimeProvider.System, log);

        await retention.StartAsync(Ct);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (log.Entries.Count(e => (e.Level, e.Message) is (LogLevel.Warning, "Retention sweep failed; it runs again at the next interval")) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "two failed sweeps were not logged within 20 s");
                await Task.Delay(20, Ct);
            }

            Assert.False(retention.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await retention.StopAsync(CancellationToken.None);
        }
    }

    private static async Task GoneAsync(SqliteEventStore events, string stream, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await events.FindIdempotencyAsync(stream, key, Ct) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the idempotency record {key} was not swept within 20 s");
            await Task.Delay(20, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private static async Task<string> AppendWithKeyAsync(SqliteEventStore events, string key, DateTimeOffset at)
    {
        var stream = $"cart-{Guid.NewGuid():N}";
        var record = Record(key, stream, at);
        var appended = new EventToAppend(Guid.NewGuid(), "CartCreated.v1", Encoding.UTF8.GetBytes("{}"), new EventMetadata("alice", at, null));
        await events.AppendAsync(new AppendRequest(stream, 0, [appended], Idempotency: record), Ct);
        return stream;
    }

    private static IdempotencyRecord Record(string key, string stream, DateTimeOffset at) =>
        new(key, stream, "POST /api/carts", new CommandReply(201, Encoding.UTF8.GetBytes("{}"), "application/json", 1, null), at);

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
