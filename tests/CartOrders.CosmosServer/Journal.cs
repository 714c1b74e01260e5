using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CartOrders.CosmosServer;

/// <summary>
/// The durable file mode: every change (a database or container created or deleted, a range split,
/// a committed transaction with its items) is appended to <c>cosmos-journal.jsonl</c> and flushed to
/// disk (fsync) before the request is answered, so killing the process loses no acknowledged
/// write. On start the journal is replayed in order, which rebuilds the same resource ids, ETags,
/// LSNs and ranges; a torn last line (a write cut short, so never acknowledged) is dropped.
/// </summary>
internal sealed class Journal : IDisposable
{
    public const string FileName = "cosmos-journal.jsonl";

    private readonly FileStream _file;

    private Journal(FileStream file) => _file = file;

    public static Journal Open(string directory, Account account)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        long keep = 0;
        if (File.Exists(path))
        {
            keep = Replay(path, account);
        }

        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        file.SetLength(keep);
        file.Seek(keep, SeekOrigin.Begin);
        return new Journal(file);
    }

    public void DatabaseCreated(DatabaseState database) => Append(new JsonObject { ["t"] = "db", ["id"] = database.Id, ["ts"] = database.Ts });

    public void DatabaseDeleted(DatabaseState database) => Append(new JsonObject { ["t"] = "dropdb", ["id"] = database.Id });

    public void ContainerCreated(ContainerState container) => Append(new JsonObject
    {
        ["t"] = "coll",
        ["db"] = container.DatabaseState.Id,
        ["def"] = container.Definition.DeepClone(),
        ["ts"] = container.Ts,
        ["ranges"] = container.InitialRanges,
    });

    public void ContainerDeleted(ContainerState container) => Append(new JsonObject { ["t"] = "dropcoll", ["db"] = container.DatabaseState.Id, ["id"] = container.Id });

    public void Split(ContainerState container, string rangeId) =>
        Append(new JsonObject { ["t"] = "split", ["db"] = container.DatabaseState.Id, ["coll"] = container.Id, ["range"] = rangeId });

    public void Committed(ContainerState container, long lsn, IEnumerable<KeyValuePair<ItemKey, Item?>> changes)
    {
        var items = new JsonArray();
        foreach (var (key, item) in changes)
        {
            items.Add(item is null
                ? new JsonObject { ["pk"] = key.PartitionKey, ["id"] = key.Id, ["deleted"] = true }
                : new JsonObject { ["pk"] = key.PartitionKey, ["id"] = key.Id, ["seq"] = item.Sequence, ["ts"] = item.Ts, ["etag"] = item.ETag, ["body"] = item.Body.DeepClone() });
        }

        Append(new JsonObject { ["t"] = "tx", ["db"] = container.DatabaseState.Id, ["coll"] = container.Id, ["lsn"] = lsn, ["items"] = items });
    }

    private void Append(JsonObject record)
    {
        _file.Write(Encoding.UTF8.GetBytes(record.ToJsonString() + "\n"));
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Applies every complete record; returns the length of the journal up to the last one.</summary>
    private static long Replay(string path, Account account)
    {
        var bytes = File.ReadAllBytes(path);
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                break;
            }

            JsonObject record;
            try
            {
                record = JsonNode.Parse(bytes.AsSpan(start, end - start)) as JsonObject ?? throw new InvalidDataException($"{path}: a record is not an object.");
            }
            catch (JsonException error)
            {
                throw new InvalidDataException($"{path}: the record at byte {start} is not JSON; the journal is damaged.", error);
            }

            Apply(record, account);
            start = end + 1;
        }

        return start;
    }

    private static void Apply(JsonObject record, Account account)
    {
        string Text(string name) => (string)record[name]!;
        switch (Text("t"))
        {
            case "db":
                account.AddDatabase(Text("id"), (long)record["ts"]!);
                break;
            case "dropdb":
                account.Databases.Remove(Text("id"));
                break;
            case "coll":
                account.Databases[Text("db")].AddContainer((JsonObject)record["def"]!.DeepClone(), (long)record["ts"]!, (int)record["ranges"]!);
                break;
            case "dropcoll":
                account.Databases[Text("db")].Containers.Remove(Text("id"));
                break;
            case "split":
                var split = account.Databases[Text("db")].Containers[Text("coll")];
                split.Split(split.FindRange(Text("range"))!);
                break;
            case "tx":
                var container = account.Databases[Text("db")].Containers[Text("coll")];
                var lsn = (long)record["lsn"]!;
                foreach (var change in record["items"]!.AsArray().OfType<JsonObject>())
                {
                    var key = new ItemKey((string)change["pk"]!, (string)change["id"]!);
                    if (change["deleted"] is not null)
                    {
                        container.Items.Remove(key);
                    }
                    else
                    {
                        container.Restore(new Item
                        {
                            Key = key,
                            Epk = EffectivePartitionKey.Of(key.PartitionKey),
                            Body = (JsonObject)change["body"]!.DeepClone(),
                            Lsn = lsn,
                            Sequence = (ulong)change["seq"]!,
                            ETag = (string)change["etag"]!,
                            Ts = (long)change["ts"]!,
                        });
                    }
                }

                container.Lsn = Math.Max(container.Lsn, lsn);
                break;
            default:
                throw new InvalidDataException($"Unknown journal record '{Text("t")}'.");
        }
    }

    public void Dispose() => _file.Dispose();
}
