using System.Diagnostics;
using System.Text.Json.Nodes;
using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Catalog;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Bench.Rebuild;

/// <summary>
/// What upcasting costs on the command path: the same carts stored twice, once in the current
/// schema and once as the v1 release wrote them (money as decimals, upcast on every read), and a
/// command (load from the store, decide, append) on each, alternating so both see the same
/// machine. The carts have no snapshot yet, so every command folds all their events: the most
/// upcasting a command can meet. Three rounds over the carts (versions 13 to 15, below the
/// store's first snapshot at 16), so one pause on a busy machine weighs little in the means.
/// </summary>
internal static class UpcastCost
{
    private const string Part = "4 projections";
    private const int EventsPerCart = 12;
    private const int Rounds = 3;

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        var carts = options.Quick ? 200 : 1_000;
        Console.WriteLine($"== part 4: upcasting on the command path, {Format.Count(carts)} carts of {EventsPerCart} events in each schema");
        using var folder = new TempFolder("cartorders-bench-upcast-");
        await using var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions { Path = folder.File("upcast.db") }), NullLogger<SqliteDatabase>.Instance);
        var store = new SqliteEventStore(database);
        var products = ProductCatalog.Seed.Products;
        for (var cart = 0; cart < carts; cart++)
        {
            var events = Enumerable.Range(0, EventsPerCart)
                .Select(i => i == 0 ? (CartEvent)new CartCreated($"c{cart}", "alice", "EUR") : Added(products[(cart + i) % products.Count]))
                .ToList();
            await store.AppendAsync(new AppendRequest($"cart-current-{cart}", 0, [.. events.Select(e => Current(e))]), cancellationToken);
            await store.AppendAsync(new AppendRequest($"cart-v1-{cart}", 0, [.. events.Select(e => AsV1(e))]), cancellationToken);
        }

        var handler = new CommandHandler(store, new StreamLoader(store, capacity: 0), new StreamLocks(), NullLogger<CommandHandler>.Instance);
        var alice = new Actor(new UserId("alice"));
        var noReply = new CommandReply(204, ReadOnlyMemory<byte>.Empty, "application/json", null, null);
        var current = new Latencies(carts * Rounds);
        var upcast = new Latencies(carts * Rounds);
        var cpu = new[] { TimeSpan.Zero, TimeSpan.Zero };
        for (var step = 0; step < carts * Rounds && !cancellationToken.IsCancellationRequested; step++)
        {
            var cart = step % carts;
            // Alternate which schema goes first, so neither always meets a warmer cache.
            foreach (var schema in step % 2 == 0 ? new[] { 0, 1 } : [1, 0])
            {
                var command = new AddItem(alice, products[cart % products.Count].ProductId, 1);
                var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
                var start = Stopwatch.GetTimestamp();
                await handler.HandleAsync(
                    StreamTypes.Cart,
                    schema == 0 ? $"cart-current-{cart}" : $"cart-v1-{cart}",
                    new CommandContext(alice, DateTimeOffset.UtcNow),
                    state => CartDecider.Decide(command, state, ProductCatalog.Seed),
                    _ => noReply,
                    cancellationToken);
                (schema == 0 ? current : upcast).AddSince(start);
                cpu[schema] += Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
            }
        }

        var slower = (upcast.Mean / current.Mean) - 1;
        report.Add(new ResultRow(
            Part,
            $"a command on a cart of {EventsPerCart} events stored as v1 (upcast on read) against the same in the current schema",
            $"v1 mean {Latencies.Ms(upcast.Mean)}, current {Latencies.Ms(current.Mean)}: {slower:+0.0%;-0.0%} (p50 {Latencies.Ms(upcast.P50)} against {Latencies.Ms(current.P50)}); CPU {cpu[1].TotalMicroseconds / upcast.Count:0} against {cpu[0].TotalMicroseconds / current.Count:0} µs per command; {Format.Count(current.Count)} commands on each",
            "< 5% slower",
            slower < 0.05));
    }

    private static ItemAdded Added(Product p) => new(p.ProductId.Value, p.Name, Money.ToMinor(p.UnitPrice, p.Currency), p.Currency, 1);

    private static EventToAppend Current(CartEvent e) =>
        new(Guid.NewGuid(), EventSerializer.TypeName(e), EventSerializer.Serialize(e), new EventMetadata("alice", DateTimeOffset.UtcNow));

    /// <summary>The event as the v1 release stored it (ItemAdded with a decimal price and no currency).</summary>
    private static EventToAppend AsV1(CartEvent e)
    {
        if (e is not ItemAdded added)
        {
            return Current(e);
        }

        var v1 = new JsonObject
        {
            ["productId"] = added.ProductId,
            ["name"] = added.Name,
            ["unitPrice"] = Money.ToDecimal(added.UnitPriceMinor, added.Currency),
            ["quantity"] = added.Quantity,
        };
        return new(Guid.NewGuid(), "ItemAdded.v1", System.Text.Encoding.UTF8.GetBytes(v1.ToJsonString()), new EventMetadata("alice", DateTimeOffset.UtcNow));
    }
}
