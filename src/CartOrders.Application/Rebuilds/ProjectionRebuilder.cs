using System.Diagnostics;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Rebuilds;

/// <summary>A projection as this build defines it: its name and the version of its views' shape.</summary>
public sealed record ProjectionDefinition(string Name, int Version)
{
    public static ProjectionDefinition Views { get; } = new(Projector.Name, Projector.Version);
}

/// <summary>How far a rebuild is: events handled, events left, the rate so far and the time left at that rate.</summary>
public sealed record RebuildProgress(int Generation, int Version, DateTimeOffset StartedAt, long Position, long Remaining, double EventsPerSecond, double? SecondsLeft);

/// <summary>A projection's state: the live generation and the version it was built by, and the rebuild under way if any.</summary>
public sealed record ProjectionStatus(string Name, int Version, int Generation, int LiveVersion, RebuildProgress? Rebuild);

/// <summary>
/// Blue/green rebuilds of the views. A rebuild builds a new generation from the start of the feed
/// under its own subscription (<c>projector@N</c>, with its own checkpoint) while the live projector
/// keeps serving and also writes each view it handles into the new generation. Once a read of the
/// rebuild reaches the feed's head (a batch that is not full), it has read every event appended
/// before it began, and one conditional save makes it the live generation, so every reader
/// switches in one step; the old generation is dropped after a grace period, so a read that had
/// just resolved it still finds it. The state and progress are stored (<see cref="IViewGenerations"/>)
/// and the checkpoint too, so a rebuild goes on after a restart from where it was.
/// A build whose <see cref="ProjectionDefinition.Version"/> differs from the live views' starts the
/// rebuild itself. One caller runs <see cref="RunAsync"/> at a time in a process; across processes the
/// conditional saves keep the state consistent.
/// </summary>
public sealed partial class ProjectionRebuilder(
    IViewGenerations generations,
    IEventFeed feed,
    ICheckpointStore checkpoints,
    IParkedEventStore parking,
    Projector projector,
    ProjectionDefinition definition,
    TimeProvider time,
    ILoggerFactory loggers) : IDisposable
{
    /// <summary>How long a swapped-out generation is kept before it is dropped.</summary>
    public static readonly TimeSpan RetiredGrace = TimeSpan.FromSeconds(10);

    private const int MaxSaveAttempts = 5;

    private readonly ILogger _logger = loggers.CreateLogger<ProjectionRebuilder>();
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private (int Generation, FeedPump Pump)? _pump;

    public string Name => definition.Name;

    /// <summary>Events per feed batch of a rebuild; its progress is saved after each batch.</summary>
    public int BatchSize { get; set; } = FeedPump.DefaultBatchSize;

    /// <summary>The subscription a generation is built under, which keeps its checkpoint.</summary>
    public string SubscriptionOf(int generation) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{definition.Name}@{generation}");

    /// <summary>Starts a rebuild unless one is under way; false with the running one's state then.</summary>
    public async Task<(bool Started, ViewGenerationState State)> StartAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxSaveAttempts; attempt++)
        {
            var state = await generations.ReadAsync(cancellationToken);
            if (state.Rebuild is not null)
            {
                return (false, state);
            }

            var next = state with { Rebuild = NewRebuild(state) };
            if (await generations.TrySaveAsync(next, cancellationToken))
            {
                LogStarted(_logger, definition.Name, next.Rebuild!.Generation, definition.Version);
                Wake();
                return (true, next);
            }
        }

        return (false, await generations.ReadAsync(cancellationToken));
    }

    /// <summary>Lets a waiting <see cref="WaitAsync"/> return now (a rebuild was asked for).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Waits until woken or the timeout.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// One turn of work within the budget: records the version of a store that never had one,
    /// starts (or restarts) a rebuild when this build's version is not the live views', builds the
    /// rebuild's generation batch by batch with its progress saved after each, swaps it in once it
    /// has read the whole feed, and drops a swapped-out generation past its grace. Returns how many
    /// events it handled (0: nothing to do now). A turn that finds another one running returns 0.
    /// </summary>
    public async Task<int> RunAsync(TimeSpan budget, CancellationToken cancellationToken = default)
    {
        if (!await _running.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return 0;
        }

        try
        {
            var state = await MatchVersionAsync(cancellationToken);
            var handled = 0;
            if (state.Rebuild is { } rebuild)
            {
                (state, handled) = await BuildAsync(state, rebuild, budget, cancellationToken);
            }

            if (state.Retired is { } retired && state.RetiredAt is { } at && time.GetUtcNow() - at >= RetiredGrace)
            {
                await generations.DropAsync(retired, cancellationToken);
                if (await generations.TrySaveAsync(state with { Retired = null, RetiredAt = null }, cancellationToken))
                {
                    LogDropped(_logger, definition.Name, retired);
                }
            }

            return handled;
        }
        finally
        {
            _running.Release();
        }
    }

    public async Task<ProjectionStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var state = await generations.ReadAsync(cancellationToken);
        RebuildProgress? progress = null;
        if (state.Rebuild is { } rebuild)
        {
            var remaining = await feed.EstimateLagAsync(await checkpoints.LoadAsync(SubscriptionOf(rebuild.Generation), cancellationToken), cancellationToken);
            var rate = rebuild.Busy > TimeSpan.Zero ? rebuild.EventsDone / rebuild.Busy.TotalSeconds : 0;
            progress = new RebuildProgress(
                rebuild.Generation,
                rebuild.Version,
                rebuild.StartedAt,
                rebuild.EventsDone,
                remaining,
                Math.Round(rate, 1),
                rate > 0 ? Math.Round(remaining / rate, 1) : null);
        }

        return new ProjectionStatus(definition.Name, definition.Version, state.Live, state.LiveVersion, progress);
    }

    public void Dispose()
    {
        _running.Dispose();
        _wake.Dispose();
    }

    private ViewRebuildState NewRebuild(ViewGenerationState state) =>
        new(state.Highest + 1, definition.Version, time.GetUtcNow(), 0, TimeSpan.Zero);

    /// <summary>The stored state once it matches this build's version: adopted when never recorded, else rebuilt toward.</summary>
    private async Task<ViewGenerationState> MatchVersionAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await generations.ReadAsync(cancellationToken);
            ViewGenerationState next;
            int? abandoned = null;
            if (state.Rebuild is { } rebuild)
            {
                if (rebuild.Version == definition.Version)
                {
                    return state;
                }

                // Deployed again mid-rebuild with yet another version: build for this one instead.
                abandoned = rebuild.Generation;
                next = state with { Rebuild = NewRebuild(state) };
            }
            else if (state.LiveVersion == definition.Version)
            {
                return state;
            }
            else
            {
                // Views kept before versions were recorded are taken as this version's; any other version is rebuilt.
                next = state.LiveVersion == 0 ? state with { LiveVersion = definition.Version } : state with { Rebuild = NewRebuild(state) };
            }

            if (await generations.TrySaveAsync(next, cancellationToken))
            {
                if (abandoned is { } gone)
                {
                    await generations.DropAsync(gone, cancellationToken);
                }

                if (next.Rebuild is { } started)
                {
                    LogVersionChanged(_logger, definition.Name, state.Rebuild?.Version ?? state.LiveVersion, definition.Version, started.Generation);
                }
            }
            else if (attempt == MaxSaveAttempts)
            {
                return await generations.ReadAsync(cancellationToken);
            }
        }
    }

    private async Task<(ViewGenerationState State, int Handled)> BuildAsync(ViewGenerationState state, ViewRebuildState rebuild, TimeSpan budget, CancellationToken cancellationToken)
    {
        var pump = PumpFor(rebuild.Generation);
        var clock = Stopwatch.StartNew();
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = clock.Elapsed;
            var handled = await pump.RunOnceAsync(BatchSize, cancellationToken);
            total += handled;
            rebuild = rebuild with { EventsDone = rebuild.EventsDone + handled, Busy = rebuild.Busy + (clock.Elapsed - started) };
            if (handled < BatchSize)
            {
                // This read reached the feed's head, so the rebuild has read every event appended before
                // it began; whatever comes after, the live projector writes into this generation too.
                return (await SwapAsync(state, rebuild, cancellationToken), total);
            }

            if (!await generations.TrySaveAsync(state with { Rebuild = rebuild }, cancellationToken))
            {
                // Another process changed the state (restarted the rebuild, or finished it): leave it to the next turn.
                return (await generations.ReadAsync(cancellationToken), total);
            }

            state = await generations.ReadAsync(cancellationToken);
            if (state.Rebuild?.Generation != rebuild.Generation || clock.Elapsed >= budget)
            {
                break;
            }

            rebuild = state.Rebuild;
        }

        return (state, total);
    }

    /// <summary>Makes the rebuilt generation live in one conditional save; the old one is retired, to be dropped after the grace.</summary>
    private async Task<ViewGenerationState> SwapAsync(ViewGenerationState state, ViewRebuildState rebuild, CancellationToken cancellationToken)
    {
        if (state.Retired is { } older)
        {
            // A generation retired by an earlier swap whose grace has long passed by the time a whole rebuild ran.
            await generations.DropAsync(older, cancellationToken);
        }

        var swapped = state with { Live = rebuild.Generation, LiveVersion = rebuild.Version, Rebuild = null, Retired = state.Live, RetiredAt = time.GetUtcNow() };
        if (!await generations.TrySaveAsync(swapped, cancellationToken))
        {
            return await generations.ReadAsync(cancellationToken);
        }

        _pump = null;
        LogSwapped(_logger, definition.Name, rebuild.Generation, rebuild.EventsDone, state.Live);
        return await generations.ReadAsync(cancellationToken);
    }

    private FeedPump PumpFor(int generation)
    {
        if (_pump is { } current && current.Generation == generation)
        {
            return current.Pump;
        }

        var pump = new FeedPump(feed, checkpoints, new GenerationProjector(projector, SubscriptionOf(generation), generation), parking, loggers.CreateLogger<FeedPump>());
        _pump = (generation, pump);
        return pump;
    }

    /// <summary>The projector writing one generation only, under its own subscription.</summary>
    private sealed class GenerationProjector(Projector projector, string subscription, int generation) : IFeedHandler
    {
        public string Subscription => subscription;

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken) =>
            projector.ProjectIntoAsync(events, generation, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Projection}: rebuild of generation {Generation} (version {Version}) started")]
    private static partial void LogStarted(ILogger logger, string projection, int generation, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Projection}: version {From} is not this build's {To}; rebuilding as generation {Generation}")]
    private static partial void LogVersionChanged(ILogger logger, string projection, int from, int to, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Projection}: generation {Generation} is live after {Events} events; generation {Old} retired")]
    private static partial void LogSwapped(ILogger logger, string projection, int generation, long events, int old);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Projection}: generation {Generation} dropped")]
    private static partial void LogDropped(ILogger logger, string projection, int generation);
}
