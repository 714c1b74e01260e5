using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CartOrders.CosmosServer;

/// <summary>A partition key range: a slice [Min, Max) of the effective partition key space.</summary>
internal sealed record PartitionKeyRange(string Id, string Min, string Max, IReadOnlyList<string> Parents, string Rid);

/// <summary>
/// A container: its definition, items and partition key ranges. Writes are transactions (one item,
/// or a whole batch) that commit together under one new LSN, or not at all.
/// </summary>
internal sealed class ContainerState
{
    public const string MinEpk = "";
    public const string MaxEpk = "FF";

    private ulong _items;
    private ulong _rangeSequence;

    public ContainerState(DatabaseState database, JsonObject definition, byte[] ridBytes, long ts, int ranges)
    {
        DatabaseState = database;
        Definition = definition;
        RidBytes = ridBytes;
        Rid = ResourceIds.Text(ridBytes);
        Ts = ts;
        Id = (string)definition["id"]!;
        PartitionKeyPaths = definition["partitionKey"]?["paths"] is JsonArray paths
            ? [.. paths.Select(p => (string)p!)]
            : [];
        DefaultTtl = definition["defaultTtl"] is JsonValue ttl && ttl.TryGetValue<int>(out var seconds) ? seconds : null;
        InitialRanges = ranges;
        var bounds = EffectivePartitionKey.SplitEvenly(ranges);
        for (var i = 0; i < ranges; i++)
        {
            Ranges.Add(NewRange(bounds[i], bounds[i + 1], []));
        }
    }

    public DatabaseState DatabaseState { get; }

    /// <summary>How many ranges the container started with (the durable journal rebuilds them, then replays splits).</summary>
    public int InitialRanges { get; }

    public string Id { get; }

    public byte[] RidBytes { get; }

    public string Rid { get; }

    public long Ts { get; }

    public string ETag { get; } = Etags.New();

    public JsonObject Definition { get; }

    public IReadOnlyList<string> PartitionKeyPaths { get; }

    /// <summary>Null: time-to-live off; -1: on without a default; n: items expire n seconds after their last write.</summary>
    public int? DefaultTtl { get; }

    public Dictionary<ItemKey, Item> Items { get; } = [];

    /// <summary>The last LSN committed in this container (one counter for all its ranges; it only grows).</summary>
    public long Lsn { get; set; }

    public List<PartitionKeyRange> Ranges { get; } = [];

    /// <summary>Changes with every split: the partition key range feed's ETag.</summary>
    public long RangesVersion { get; private set; } = 1;

    public PartitionKeyRange? FindRange(string id) => Ranges.FirstOrDefault(r => r.Id == id);

    /// <summary>Splits a range in two halves of its hash space; its children take its place.</summary>
    public (PartitionKeyRange Left, PartitionKeyRange Right) Split(PartitionKeyRange range)
    {
        var middle = EffectivePartitionKey.Middle(range.Min, range.Max);
        var parents = range.Parents.Append(range.Id).ToArray();
        var left = NewRange(range.Min, middle, parents);
        var right = NewRange(middle, range.Max, parents);
        var at = Ranges.IndexOf(range);
        Ranges[at] = left;
        Ranges.Insert(at + 1, right);
        RangesVersion++;
        return (left, right);
    }

    private PartitionKeyRange NewRange(string min, string max, IReadOnlyList<string> parents)
    {
        var sequence = _rangeSequence++;
        return new PartitionKeyRange(sequence.ToString(CultureInfo.InvariantCulture), min, max, parents, ResourceIds.Text(ResourceIds.PartitionKeyRange(RidBytes, sequence + 1)));
    }

    public static bool InRange(string epk, string min, string max) =>
        string.CompareOrdinal(epk, min) >= 0 && (max == MaxEpk || string.CompareOrdinal(epk, max) < 0);

    public bool IsExpired(Item item, long now)
    {
        if (DefaultTtl is null)
        {
            return false;
        }

        var ttl = item.Body["ttl"] is JsonValue value && value.TryGetValue<int>(out var own) ? own : DefaultTtl.Value;
        return ttl > 0 && item.Ts + ttl <= now;
    }

    /// <summary>The live items, in the order the service keeps them within a container (by resource id).</summary>
    public IEnumerable<Item> LiveItems(long now) => Items.Values.Where(i => !IsExpired(i, now)).OrderBy(i => i.Sequence);

    /// <summary>The canonical text of the partition key that a document carries (undefined components as <c>{}</c>).</summary>
    public string PartitionKeyOf(JsonObject document)
    {
        var components = new JsonArray();
        foreach (var path in PartitionKeyPaths)
        {
            JsonNode? node = document;
            var found = true;
            foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (node is JsonObject o && o.TryGetPropertyValue(part, out var child))
                {
                    node = child;
                }
                else
                {
                    found = false;
                    break;
                }
            }

            components.Add(found ? node?.DeepClone() : new JsonObject());
        }

        return components.ToJsonString();
    }

    public Transaction Begin(long now) => new(this, now);

    public Item NewItem(ItemKey key, JsonObject body, long lsn, long ts, ulong? sequence = null)
    {
        var seq = sequence ?? ++_items;
        var rid = ResourceIds.Text(ResourceIds.Document(RidBytes, seq));
        var etag = Etags.New();
        var stored = (JsonObject)body.DeepClone();
        foreach (var system in (string[])["_rid", "_self", "_etag", "_attachments", "_ts", "_lsn"])
        {
            stored.Remove(system);
        }

        stored["_rid"] = rid;
        stored["_self"] = $"dbs/{DatabaseState.Rid}/colls/{Rid}/docs/{rid}/";
        stored["_etag"] = etag;
        stored["_attachments"] = "attachments/";
        stored["_ts"] = ts;
        return new Item { Key = key, Epk = EffectivePartitionKey.Of(key.PartitionKey), Body = stored, Lsn = lsn, Sequence = seq, ETag = etag, Ts = ts };
    }

    /// <summary>Restores an item as stored (durable mode), keeping its resource id and LSN.</summary>
    public void Restore(Item item)
    {
        Items[item.Key] = item;
        _items = Math.Max(_items, item.Sequence);
        Lsn = Math.Max(Lsn, item.Lsn);
    }

    public JsonObject ToJson()
    {
        var json = (JsonObject)Definition.DeepClone();
        json["_rid"] = Rid;
        json["_self"] = $"dbs/{DatabaseState.Rid}/colls/{Rid}/";
        json["_etag"] = ETag;
        json["_docs"] = "docs/";
        json["_sprocs"] = "sprocs/";
        json["_triggers"] = "triggers/";
        json["_udfs"] = "udfs/";
        json["_conflicts"] = "conflicts/";
        json["_ts"] = Ts;
        return json;
    }

    /// <summary>What the service stores of a container definition it is given: version 2 hashing and the default indexing policy when absent.</summary>
    public static JsonObject Normalize(JsonObject posted)
    {
        var definition = (JsonObject)posted.DeepClone();
        foreach (var system in (string[])["_rid", "_self", "_etag", "_ts"])
        {
            definition.Remove(system);
        }

        if (definition["partitionKey"] is JsonObject partitionKey)
        {
            partitionKey["kind"] ??= "Hash";
            partitionKey["version"] ??= 2;
        }

        definition["indexingPolicy"] ??= JsonNode.Parse("""{"indexingMode":"consistent","automatic":true,"includedPaths":[{"path":"/*"}],"excludedPaths":[{"path":"/\"_etag\"/?"}]}""");
        definition["conflictResolutionPolicy"] ??= JsonNode.Parse("""{"mode":"LastWriterWins","conflictResolutionPath":"/_ts","conflictResolutionProcedure":""}""");
        definition["geospatialConfig"] ??= JsonNode.Parse("""{"type":"Geography"}""");
        return definition;
    }

    public static bool TryParseObject(ReadOnlySpan<byte> utf8, out JsonObject? value)
    {
        try
        {
            value = JsonNode.Parse(utf8) as JsonObject;
            return value is not null;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }
}

/// <summary>The outcome of one item operation: status, the service's substatus and the item concerned.</summary>
internal sealed record ItemResult(int Status, int SubStatus, Item? Item, string? Message)
{
    public bool Succeeded => Status is >= 200 and < 300;

    public static ItemResult Fail(int status, string message, int subStatus = 0) => new(status, subStatus, null, message);
}

/// <summary>
/// Staged writes to one container that become visible together on <see cref="Commit"/>, all
/// under the same new LSN; dropped, they leave no trace.
/// </summary>
internal sealed class Transaction(ContainerState container, long now)
{
    private readonly Dictionary<ItemKey, Item?> _staged = [];
    private readonly long _lsn = container.Lsn + 1;

    private Item? Current(ItemKey key)
    {
        if (_staged.TryGetValue(key, out var staged))
        {
            return staged;
        }

        return container.Items.TryGetValue(key, out var item) && !container.IsExpired(item, now) ? item : null;
    }

    public ItemResult Read(ItemKey key) =>
        Current(key) is { } item ? new ItemResult(200, 0, item, null) : NotFound();

    public ItemResult Create(string partitionKey, JsonObject body)
    {
        if (Check(partitionKey, body, null) is { } invalid)
        {
            return invalid;
        }

        var key = new ItemKey(partitionKey, (string)body["id"]!);
        if (Current(key) is not null)
        {
            return ItemResult.Fail(409, "Entity with the specified id already exists in the system.");
        }

        return Stage(key, body, null, 201);
    }

    public ItemResult Replace(string partitionKey, string id, JsonObject body, string? ifMatch)
    {
        if (Check(partitionKey, body, id) is { } invalid)
        {
            return invalid;
        }

        var key = new ItemKey(partitionKey, id);
        var current = Current(key);
        if (current is null)
        {
            return NotFound();
        }

        return ifMatch is not null && ifMatch != current.ETag ? PreconditionFailed() : Stage(key, body, current, 200);
    }

    public ItemResult Upsert(string partitionKey, JsonObject body, string? ifMatch)
    {
        if (Check(partitionKey, body, null) is { } invalid)
        {
            return invalid;
        }

        var key = new ItemKey(partitionKey, (string)body["id"]!);
        var current = Current(key);
        if (ifMatch is not null && (current is null || ifMatch != current.ETag))
        {
            return current is null ? NotFound() : PreconditionFailed();
        }

        return Stage(key, body, current, current is null ? 201 : 200);
    }

    public ItemResult Delete(ItemKey key, string? ifMatch)
    {
        var current = Current(key);
        if (current is null)
        {
            return NotFound();
        }

        if (ifMatch is not null && ifMatch != current.ETag)
        {
            return PreconditionFailed();
        }

        _staged[key] = null;
        return new ItemResult(204, 0, current, null);
    }

    /// <summary>The LSN the staged writes get when they commit.</summary>
    public long Lsn => _lsn;

    /// <summary>The staged writes: an item, or null for a deletion.</summary>
    public IReadOnlyDictionary<ItemKey, Item?> Changes => _staged;

    /// <summary>Makes the staged writes visible, under one new LSN; returns that LSN (the current one when nothing was written).</summary>
    public long Commit()
    {
        if (_staged.Count == 0)
        {
            return container.Lsn;
        }

        foreach (var (key, item) in _staged)
        {
            if (item is null)
            {
                container.Items.Remove(key);
            }
            else
            {
                container.Items[key] = item;
            }
        }

        container.Lsn = _lsn;
        return _lsn;
    }

    private ItemResult Stage(ItemKey key, JsonObject body, Item? replaced, int status)
    {
        var item = container.NewItem(key, body, _lsn, now, replaced?.Sequence);
        _staged[key] = item;
        return new ItemResult(status, 0, item, null);
    }

    private ItemResult? Check(string partitionKey, JsonObject body, string? id)
    {
        if (body["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var bodyId) || bodyId.Length == 0)
        {
            return ItemResult.Fail(400, "The input content is invalid because the required properties - 'id; ' - are missing");
        }

        if (bodyId.Length > 255 || bodyId.IndexOfAny(['/', '\\', '?', '#']) >= 0)
        {
            return ItemResult.Fail(400, "The input name is invalid. Ensure to provide a unique non-empty string less than '255' characters and without '/', '\\', '?' or '#'.");
        }

        if (id is not null && id != bodyId)
        {
            return ItemResult.Fail(400, "The id in the request body does not match the id in the address.");
        }

        if (container.PartitionKeyOf(body) != partitionKey)
        {
            return ItemResult.Fail(400, "PartitionKey extracted from document doesn't match the one specified in the header.", 1001);
        }

        return null;
    }

    private static ItemResult NotFound() => ItemResult.Fail(404, "Entity with the specified id does not exist in the system.");

    private static ItemResult PreconditionFailed() => ItemResult.Fail(412, "One of the specified pre-condition is not met.");
}
