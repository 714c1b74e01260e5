using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CartOrders.Storage.Sqlite;

/// <summary>
/// The single writer of the database file. Writes queue up here and are committed in groups:
/// each write runs in its own savepoint (a failing write is rolled back alone), and one COMMIT
/// (one fsync) acknowledges the whole group. A write's task completes only after its commit is
/// durable, which is what lets concurrent appenders share the cost of an fsync.
/// SQLite allows one writer at a time anyway, so this also orders feed positions by commit.
/// <para>
/// Derived writes (views, feed checkpoints: what the feed rebuilds by replaying its events) need
/// no fsync of their own: a group of only such writes commits with synchronous=NORMAL, which in
/// WAL mode appends to the WAL without syncing it. The next durable commit's fsync covers those
/// frames too (the WAL is written in order), so a power loss can only drop the derived writes
/// after the last durable commit, and the feed then replays the events they came from (handlers
/// are idempotent). Events, idempotency records and everything else commit with the configured
/// durability. Without this, one command costs an fsync for its append and one more for each
/// view and checkpoint it leads to, and appends queue behind those syncs.
/// </para>
/// </summary>
/// <summary>What a write is: how its group commits, and whether the feed pumps are woken after it.</summary>
internal enum WriteKind
{
    /// <summary>Committed with the configured durability (idempotency records, parked events, generation state).</summary>
    Durable,

    /// <summary>Appends events: durable as configured, and the commit wakes the feed pumps of this process.</summary>
    Events,

    /// <summary>Data the feed derives from the events (views, checkpoints): not synced on its own, wakes no one.</summary>
    Derived,
}

internal sealed partial class SqliteWriter : IAsyncDisposable
{
    private const int MaxGroup = 512;
    private static readonly long GatherTicks = Stopwatch.Frequency * 50 / 1_000_000;

    /// <summary>After this many waits in a row that brought no write, the writer stops waiting for followers...</summary>
    internal const int FruitlessGathers = 4;

    /// <summary>...and then one commit in this many waits again.</summary>
    internal const int GatherRetry = 64;

    // Writes wait in _pending; the writer thread swaps the whole list out under the lock and
    // commits it while the next group gathers.
    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly StatementCache _statements;
    private readonly ILogger _logger;
    private readonly Action<bool> _afterCommit;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _durableSynchronous;
    private string _synchronous;
    private List<Write> _pending = new(MaxGroup);
    private bool _closed;
    private int _pendingCount;
    private int _fruitlessGathers;
    private int _gatherSkipped;
    private int _gatherWaits;

    /// <param name="connection">The open write connection, already set to <paramref name="synchronous"/>.</param>
    /// <param name="synchronous">The configured durability of durable writes: FULL or NORMAL.</param>
    /// <param name="logger">Where failed commits are logged.</param>
    /// <param name="afterCommit">Called after each successful commit, with whether it appended events.</param>
    public SqliteWriter(SqliteConnection connection, string synchronous, ILogger logger, Action<bool> afterCommit)
    {
        _connection = connection;
        _durableSynchronous = _synchronous = synchronous;
        _statements = new StatementCache(connection);
        _logger = logger;
        _afterCommit = afterCommit;

        // A thread of its own: a commit blocks in fsync, which must not hold a thread-pool thread,
        // and the writer must not queue behind request work to start the next group.
        new Thread(Run) { IsBackground = true, Name = "SQLite writer" }.Start();
    }

    /// <summary>How many times the writer has waited for followers before a commit, for tests and diagnostics.</summary>
    internal int GatherWaits => Volatile.Read(ref _gatherWaits);

    /// <summary>The synchronous setting the last group committed with (FULL or NORMAL), for tests and diagnostics.</summary>
    internal string LastCommitSynchronous => Volatile.Read(ref _synchronous);

    /// <summary>Runs the work on the writer connection (through its prepared statements) in the next group commit, durably as configured.</summary>
    public Task<T> WriteAsync<T>(Func<StatementCache, T> work, CancellationToken cancellationToken = default) =>
        WriteAsync(WriteKind.Durable, work, cancellationToken);

    /// <summary>Runs the work in the next group commit, which commits and signals as <paramref name="kind"/> asks.</summary>
    public Task<T> WriteAsync<T>(WriteKind kind, Func<StatementCache, T> work, CancellationToken cancellationToken = default)
    {
        var write = new Write<T>(work, kind);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _pending.Add(write);
            _pendingCount = _pending.Count;
            if (_pending.Count == 1)
            {
                Monitor.Pulse(_gate);
            }
        }

        // Cancelling the wait does not cancel the write: once queued it commits or fails as one.
        return write.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.Pulse(_gate);
        }

        await _stopped.Task;
        _statements.Dispose();
        await _connection.DisposeAsync();
    }

    private void Run()
    {
        var group = new List<Write>(MaxGroup);
        var lastGroup = 0;
        while (true)
        {
            lock (_gate)
            {
                while (_pending.Count == 0 && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_pending.Count == 0)
                {
                    break;
                }
            }

            GatherFollowers(lastGroup);
            lock (_gate)
            {
                (group, _pending) = (_pending, group);
                _pendingCount = 0;
            }

            lastGroup = group.Count;

            if (group.Count <= MaxGroup)
            {
                CommitGroup(group);
            }
            else
            {
                for (var from = 0; from < group.Count; from += MaxGroup)
                {
                    CommitGroup(group.GetRange(from, Math.Min(MaxGroup, group.Count - from)));
                }
            }

            group.Clear();
        }

        _stopped.TrySetResult();
    }

    /// <summary>
    /// The writers acknowledged by the last commit usually come straight back with their next
    /// write, a few microseconds apart. When fewer are queued than the last group held, wait a
    /// moment (yielding the CPU to them) so they share this commit's fsync instead of each
    /// paying for the next one. A lone writer never waits: its last group was 1. Nor does a writer
    /// whose writes come one by one from unrelated callers (commands at a moderate rate, views,
    /// checkpoints), where the wait only burns CPU: after <see cref="FruitlessGathers"/> waits in a
    /// row in which no write came, the next waits are skipped, and one in <see cref="GatherRetry"/>
    /// commits tries again. (A single fruitless wait happens among closed-loop writers too.)
    /// </summary>
    private void GatherFollowers(int lastGroup)
    {
        if (Volatile.Read(ref _pendingCount) >= lastGroup || (_fruitlessGathers >= FruitlessGathers && ++_gatherSkipped % GatherRetry != 0))
        {
            return;
        }

        Interlocked.Increment(ref _gatherWaits);
        var queued = Volatile.Read(ref _pendingCount);
        var deadline = Stopwatch.GetTimestamp() + GatherTicks;
        while (Volatile.Read(ref _pendingCount) < lastGroup && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Yield();
        }

        _fruitlessGathers = Volatile.Read(ref _pendingCount) > queued ? 0 : _fruitlessGathers + 1;
    }

    private void CommitGroup(List<Write> group)
    {
        var succeeded = new List<Write>(group.Count);
        try
        {
            var synchronous = group.Exists(w => w.Kind != WriteKind.Derived) ? _durableSynchronous : "NORMAL";
            if (synchronous != _synchronous)
            {
                Execute("PRAGMA synchronous=" + synchronous);
                Volatile.Write(ref _synchronous, synchronous);
            }

            Execute("BEGIN IMMEDIATE");

            foreach (var write in group)
            {
                Execute("SAVEPOINT w");
                try
                {
                    write.Run(_statements);
                    Execute("RELEASE w");
                    succeeded.Add(write);
                }
#pragma warning disable CA1031 // the failure belongs to this write alone and is handed to its caller
                catch (Exception error)
#pragma warning restore CA1031
                {
                    Execute("ROLLBACK TO w");
                    Execute("RELEASE w");
                    write.Fail(error);
                }
            }

            Execute("COMMIT");
            SqliteTelemetry.GroupCommitWrites.Record(group.Count);
        }
#pragma warning disable CA1031 // a failed commit fails every write of the group; the writer lives on
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogCommitFailed(_logger, error, group.Count);
            TryRollback();
            foreach (var write in succeeded)
            {
                write.Fail(error);
            }

            return;
        }

        foreach (var write in succeeded)
        {
            write.Complete();
        }

        _afterCommit(succeeded.Exists(w => w.Kind == WriteKind.Events));
    }

    private void Execute(string sql) => _statements.Execute(sql);

    private void TryRollback()
    {
        try
        {
            Execute("ROLLBACK");
        }
        catch (SqliteException)
        {
            // No transaction was open.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit of a group of {Count} writes failed")]
    private static partial void LogCommitFailed(ILogger logger, Exception error, int count);

    private abstract class Write(WriteKind kind)
    {
        public WriteKind Kind { get; } = kind;

        public abstract void Run(StatementCache statements);

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    private sealed class Write<T>(Func<StatementCache, T> work, WriteKind kind) : Write(kind)
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public override void Run(StatementCache statements) => _result = work(statements);

        public override void Complete() => _done.TrySetResult(_result!);

        public override void Fail(Exception error) => _done.TrySetException(error);
    }
}
