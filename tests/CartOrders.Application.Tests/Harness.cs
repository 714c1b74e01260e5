using System.Text;
using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Catalog;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Application.Tests;

/// <summary>The application over the real embedded store in a temporary folder.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-app-");

    public Harness()
    {
        Database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = Path.Combine(_folder.FullName, "app.db") }), NullLogger<SqliteDatabase>.Instance);
        var events = new SqliteEventStore(Database);
        Store = new CountingStore(events);
        Feed = events;
        Checkpoints = new SqliteCheckpointStore(Database);
        Views = new SqliteViewStore(Database);
        Parking = new SqliteParkedEventStore(Database);
        Loader = new StreamLoader(Store);
        Commands = NewHandler();
        Notifier = new RecordingNotifier();
        Projector = new Projector(Loader, Views, Notifier, NullLogger<Projector>.Instance);
    }

    public SqliteDatabase Database { get; }

    public CountingStore Store { get; }

    public IEventFeed Feed { get; }

    public ICheckpointStore Checkpoints { get; }

    public IViewStore Views { get; }

    public IParkedEventStore Parking { get; }

    public StreamLoader Loader { get; }

    public CommandHandler Commands { get; }

    public RecordingNotifier Notifier { get; }

    public Projector Projector { get; }

    public static ProductCatalog Catalog => ProductCatalog.Seed;

    public static ProductId Product(int index) => Catalog.Products[index].ProductId;

    public static Actor Alice { get; } = new(new UserId("alice"));

    public static Actor Bob { get; } = new(new UserId("bob"));

    /// <summary>Another handler on the same store, as a second instance of the host would have.</summary>
    /// <summary>A handler as another instance would have: its own locks and, unless given one, its own loader.</summary>
    public CommandHandler NewHandler(IEventStore? store = null, StreamLoader? loader = null)
    {
        store ??= Store;
        return new(store, loader ?? new StreamLoader(store), new StreamLocks(), NullLogger<CommandHandler>.Instance);
    }

    public static CommandReply Reply(Outcome<Cart> outcome) => outcome switch
    {
        Accepted<Cart> { State: { } cart } a => new CommandReply(200, Json.Serialize(Projection.ToView(cart, a.Version, a.UpdatedAt)), "application/json", a.Version, null),
        Refused<Cart> r => new CommandReply(409, Encoding.UTF8.GetBytes(r.Error.Error.Code), "application/problem+json", r.Version, null),
        _ => throw new InvalidOperationException(),
    };

    public Task<CommandReply> Cart(string cartId, CartCommand command, CommandContext? context = null, CommandHandler? handler = null) =>
        (handler ?? Commands).HandleAsync(
            StreamTypes.Cart,
            new CartId(cartId).StreamId,
            context ?? new CommandContext(command.By, DateTimeOffset.UtcNow),
            state => CartDecider.Decide(command, state, Catalog),
            Reply,
            TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}

/// <summary>Counts the events each stream read returns, to prove loads do not grow with the stream.</summary>
internal sealed class CountingStore(IEventStore inner) : ForwardingStore(inner)
{
    private long _eventsRead;
    private long _snapshotsRead;

    public long EventsRead => Interlocked.Read(ref _eventsRead);

    public long SnapshotsRead => Interlocked.Read(ref _snapshotsRead);

    public override async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var events = await base.ReadStreamAsync(streamId, fromVersion, toVersion, cancellationToken);
        Interlocked.Add(ref _eventsRead, events.Count);
        return events;
    }

    public override Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _snapshotsRead);
        return base.ReadSnapshotAsync(streamId, cancellationToken);
    }
}

internal sealed class RecordingNotifier : IRealtimeNotifier
{
    public List<CartView> Carts { get; } = [];

    /// <summary>Every cartUpdated as sent, in the order of <see cref="Carts"/>.</summary>
    public List<CartUpdate> Updates { get; } = [];

    public List<OrderView> Orders { get; } = [];

    public List<(string CartId, string UserId)> Removed { get; } = [];

    public Task CartUpdatedAsync(CartUpdate update, CancellationToken cancellationToken = default)
    {
        lock (Carts)
        {
            Carts.Add(update.View);
            Updates.Add(update);
        }

        return Task.CompletedTask;
    }

    public Task OrderUpdatedAsync(OrderView view, CancellationToken cancellationToken = default)
    {
        lock (Orders)
        {
            Orders.Add(view);
        }

        return Task.CompletedTask;
    }

    public Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default)
    {
        Removed.Add((cartId, userId));
        return Task.CompletedTask;
    }

    public List<(string UserId, CartsChange Change)> ListChanges { get; } = [];

    public Task CartsChangedAsync(string userId, CartsChange change, CancellationToken cancellationToken = default)
    {
        lock (ListChanges)
        {
            ListChanges.Add((userId, change));
        }

        return Task.CompletedTask;
    }
}
