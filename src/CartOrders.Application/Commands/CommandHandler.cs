using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Commands;

/// <summary>
/// Runs a command against one stream: load (snapshot + tail), decide, append at the expected
/// version with the new snapshot and the idempotency record in the same atomic write.
/// On a write conflict the command is decided again on fresh state (bounded, with jitter),
/// unless the caller pinned a version, which then answers with a version mismatch.
/// </summary>
public sealed partial class CommandHandler(
    IEventStore store,
    StreamLoader loader,
    StreamLocks locks,
    ILogger<CommandHandler> logger,
    Microsoft.Extensions.Options.IOptions<CommandLimits>? limits = null)
{
    private readonly CommandLimits _limits = limits?.Value ?? new CommandLimits();

    private const int MaxAttempts = 12;

    public async Task<CommandReply> HandleAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        CommandContext context,
        Func<TState?, IReadOnlyList<TEvent>> decide,
        Func<Outcome<TState>, CommandReply> reply,
        CancellationToken cancellationToken = default)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decide);
        ArgumentNullException.ThrowIfNull(reply);
        using var activity = Telemetry.Source.StartActivity("command " + type.Schema);
        activity?.SetTag("cartorders.stream", streamId);
        var idempotencyKey = context.IdempotencyKey is null ? null : IdempotencyRecordKey(context.Actor.UserId.Value, context.IdempotencyKey);

        if (idempotencyKey is not null && await ReplayAsync(streamId, idempotencyKey, context) is { } replayed)
        {
            return replayed;
        }

        // One writer per stream in this process: conflicts then only come from other instances.
        using var streamLock = await locks.AcquireAsync(streamId, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            // The state this process last wrote or read is tried first (first attempt only): an
            // append at its version conflicts if the stream has moved on, and the command is then
            // decided on the store's.
            Loaded<TState> loaded;
            var recalled = false;
            if (attempt == 1 && loader.TryRecall(type, streamId, out var remembered) && (context.ExpectedVersion ?? remembered.Version) == remembered.Version)
            {
                (loaded, recalled) = (remembered, true);
            }
            else
            {
                loaded = await loader.LoadLatestAsync(type, streamId, cancellationToken);
            }

            if (context.ExpectedVersion is { } pinned && pinned != loaded.Version)
            {
                throw new VersionMismatchException(loaded.Version);
            }

            Outcome<TState> outcome;
            IReadOnlyList<TEvent> events;
            try
            {
                events = decide(loaded.State);
                RequireRoomInStream(type, loaded.Version, events);
                var state = events.Aggregate(loaded.State, type.Evolve);
                outcome = new Accepted<TState>(state, loaded.Version + events.Count, events.Count > 0 ? context.Now : loaded.UpdatedAt, events.Count);
            }
            catch (DomainException error)
            {
                events = [];
                outcome = new Refused<TState>(error, loaded.Version);
            }

            if (recalled && events.Count == 0)
            {
                // Nothing is written to catch a stale state, so a refusal is decided on the store's.
                continue;
            }

            var answer = reply(outcome);
            if (events.Count == 0 && idempotencyKey is null)
            {
                return answer;
            }

            try
            {
                await store.AppendAsync(BuildAppend(type, streamId, loaded.Version, events, outcome, context, idempotencyKey, answer, loaded.StaleSnapshot ? 1 : store.SnapshotInterval), cancellationToken);
                Telemetry.CommandsAppended.Add(1);
                activity?.SetTag("cartorders.version", outcome.Version);
                if (outcome is Accepted<TState> accepted)
                {
                    loader.Remember(type, streamId, new Loaded<TState>(accepted.State, accepted.Version, accepted.UpdatedAt));
                }

                return answer;
            }
            catch (IdempotencyKeyTakenException) when (idempotencyKey is not null)
            {
                return await ReplayTakenAsync(streamId, idempotencyKey, context, cancellationToken);
            }
            catch (WrongExpectedVersionException conflict)
            {
                Telemetry.WriteConflicts.Add(1);
                loader.Forget(streamId);
                if (idempotencyKey is not null && await ReplayAsync(streamId, idempotencyKey, context) is { } replayed2)
                {
                    return replayed2;
                }

                if (context.ExpectedVersion is not null)
                {
                    throw new VersionMismatchException(conflict.Actual ?? loaded.Version + 1);
                }

                if (attempt >= MaxAttempts)
                {
                    LogContentionExhausted(logger, streamId, attempt);
                    throw new ContentionException(streamId);
                }

                await Task.Delay(Backoff(attempt), cancellationToken);
            }
        }
    }

    /// <summary>The stored key of an idempotency record: per user, hashed so any key is a safe document id.</summary>
    public static string IdempotencyRecordKey(string userId, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(userId + "\n" + key));
        return "idem-" + Convert.ToHexStringLower(hash.AsSpan(0, 20));
    }

    private async Task<CommandReply?> ReplayAsync(string streamId, string key, CommandContext context)
    {
        var record = await store.FindIdempotencyAsync(streamId, key, CancellationToken.None);
        if (record is null)
        {
            return null;
        }

        return record.Fingerprint == (context.Fingerprint ?? string.Empty)
            ? record.Reply
            : throw new IdempotencyKeyReusedException();
    }

    // The same key can be refused while the first write with it is not yet visible to readers
    // (a group commit refuses the second write of a key before committing the first); the
    // record is readable as soon as that commit lands, so wait for it briefly.
    private async Task<CommandReply> ReplayTakenAsync(string streamId, string key, CommandContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 100; attempt++)
        {
            if (await ReplayAsync(streamId, key, context) is { } reply)
            {
                return reply;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, attempt * 2)), cancellationToken);
        }

        throw new ContentionException(streamId);
    }

    private static AppendRequest BuildAppend<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        long expectedVersion,
        IReadOnlyList<TEvent> events,
        Outcome<TState> outcome,
        CommandContext context,
        string? idempotencyKey,
        CommandReply answer,
        int interval)
        where TState : class
        where TEvent : IDomainEvent
    {
        var metadata = new EventMetadata(context.Actor.UserId.Value, context.Now, context.CorrelationId ?? Activity.Current?.TraceId.ToString());
        var toAppend = events
            .Select(e => new EventToAppend(Guid.CreateVersion7(context.Now), EventSerializer.TypeName(e), EventSerializer.Serialize(e), metadata))
            .ToList();
        var snapshot = outcome is Accepted<TState> { State: { } state } && events.Count > 0 && ReachesSnapshot(expectedVersion, outcome.Version, interval)
            ? new Snapshot(streamId, outcome.Version, type.Schema, Json.Serialize(state), context.Now)
            : null;
        var idempotency = idempotencyKey is null
            ? null
            : new IdempotencyRecord(idempotencyKey, streamId, context.Fingerprint ?? string.Empty, answer, context.Now);
        return new AppendRequest(streamId, expectedVersion, toAppend, snapshot, idempotency);
    }

    /// <summary>Whether an append from <paramref name="from"/> to <paramref name="to"/> reaches a multiple of the interval.</summary>
    public static bool ReachesSnapshot(long from, long to, int interval) =>
        interval <= 1 || from / interval != to / interval;

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(100, 2 << Math.Min(attempt, 6)) * (0.5 + Random.Shared.NextDouble()));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up on stream {StreamId} after {Attempts} write conflicts")]
    private static partial void LogContentionExhausted(ILogger logger, string streamId, int attempts);

    /// <summary>
    /// A stream may hold <see cref="StreamType{TState, TEvent}.MaxEvents"/> events; the last place
    /// is kept for an event that ends it, so a full stream can still be ended.
    /// </summary>
    private void RequireRoomInStream<TState, TEvent>(StreamType<TState, TEvent> type, long version, IReadOnlyList<TEvent> events)
        where TState : class
        where TEvent : IDomainEvent
    {
        var max = type.MaxEvents(_limits);
        if (events.Count == 0 || version + events.Count < max || (version + events.Count == max && events.All(type.Ends)))
        {
            return;
        }

        throw new DomainException(DomainError.CartHistoryFull, $"The stream holds {version} events of at most {max}; only the event that ends it may be added.");
    }
}
