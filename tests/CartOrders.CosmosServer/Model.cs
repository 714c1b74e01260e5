using System.Globalization;
using System.Text.Json.Nodes;

namespace CartOrders.CosmosServer;

/// <summary>The account's state. Every read and write of it holds <see cref="Gate"/>.</summary>
internal sealed class Account
{
    private uint _databases;

    public Lock Gate { get; } = new();

    public Dictionary<string, DatabaseState> Databases { get; } = new(StringComparer.Ordinal);

    /// <summary>The durable journal, in the file mode; every change is written to it before it is answered.</summary>
    public Journal? Journal { get; set; }

    public DatabaseState AddDatabase(string id, long ts)
    {
        var database = new DatabaseState(id, ResourceIds.Database(++_databases), ts);
        Databases.Add(id, database);
        return database;
    }

    public DatabaseState? FindDatabase(string segment) =>
        Databases.TryGetValue(segment, out var byId) ? byId : Databases.Values.FirstOrDefault(d => d.Rid == segment);
}

internal sealed class DatabaseState(string id, byte[] ridBytes, long ts)
{
    private uint _containers;

    public string Id { get; } = id;

    public byte[] RidBytes { get; } = ridBytes;

    public string Rid { get; } = ResourceIds.Text(ridBytes);

    public long Ts { get; } = ts;

    public string ETag { get; } = Etags.New();

    public Dictionary<string, ContainerState> Containers { get; } = new(StringComparer.Ordinal);

    public ContainerState? FindContainer(string segment) =>
        Containers.TryGetValue(segment, out var byId) ? byId : Containers.Values.FirstOrDefault(c => c.Rid == segment);

    public ContainerState AddContainer(JsonObject definition, long ts, int ranges)
    {
        var container = new ContainerState(this, definition, ResourceIds.Container(RidBytes, ++_containers), ts, ranges);
        Containers.Add(container.Id, container);
        return container;
    }

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["_rid"] = Rid,
        ["_self"] = $"dbs/{Rid}/",
        ["_etag"] = ETag,
        ["_colls"] = "colls/",
        ["_users"] = "users/",
        ["_ts"] = Ts,
    };
}

/// <summary>Where an item lives: its partition key value (canonical JSON of the components) and id.</summary>
internal readonly record struct ItemKey(string PartitionKey, string Id);

internal sealed class Item
{
    public required ItemKey Key { get; init; }

    /// <summary>The effective partition key (32 hex digits), which places the item in a range.</summary>
    public required string Epk { get; init; }

    /// <summary>The body with its system properties (<c>_rid</c>, <c>_self</c>, <c>_etag</c>, <c>_ts</c>, <c>_attachments</c>).</summary>
    public required JsonObject Body { get; init; }

    public required long Lsn { get; init; }

    public required ulong Sequence { get; init; }

    public required string ETag { get; init; }

    public required long Ts { get; init; }

    public string Rid => (string)Body["_rid"]!;
}

internal static class Etags
{
    public static string New() => "\"" + Guid.NewGuid().ToString() + "\"";

    public static string Lsn(long lsn) => "\"" + lsn.ToString(CultureInfo.InvariantCulture) + "\"";
}
