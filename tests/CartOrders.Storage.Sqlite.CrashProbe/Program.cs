using System.Text;
using CartOrders.Application.Ports;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Appends forever from several concurrent writers and prints one line per acknowledged append:
// "ack <stream> <version> <eventId>". The crash test kills this process at a random moment and
// then checks that every acknowledged event is in the file exactly once.
var path = args[0];
await using var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path }), NullLogger<SqliteDatabase>.Instance);
var store = new SqliteEventStore(database);
var output = Console.Out;
var gate = new object();

await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
{
    var random = new Random(writer + Environment.ProcessId);
    while (true)
    {
        var stream = $"cart-crash-{random.Next(4)}";
        var version = (await store.ReadStreamAsync(stream)).Count;
        var events = Enumerable.Range(0, random.Next(1, 4))
            .Select(_ => new EventToAppend(Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"w\":1}"), new EventMetadata("probe", DateTimeOffset.UtcNow)))
            .ToList();
        try
        {
            await store.AppendAsync(new AppendRequest(stream, version, events));
        }
        catch (WrongExpectedVersionException)
        {
            continue;
        }

        lock (gate)
        {
            for (var i = 0; i < events.Count; i++)
            {
                output.WriteLine($"ack {stream} {version + i + 1} {events[i].EventId}");
            }

            output.Flush();
        }
    }
})));
