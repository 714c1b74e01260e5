using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Cosmos.Serialization.HybridRow;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.IO;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.Layouts;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.RecordIO;
using Microsoft.Azure.Cosmos.Serialization.HybridRow.Schemas;

namespace CartOrders.CosmosServer;

/// <summary>One operation of a transactional batch, as the SDK encodes it (the BatchOperation schema).</summary>
internal sealed class BatchOperation
{
    public int OperationType { get; set; } = -1;

    public string? PartitionKey { get; set; }

    public string? Id { get; set; }

    public byte[]? ResourceBody { get; set; }

    public string? IfMatch { get; set; }

    public string? IfNoneMatch { get; set; }

    public bool MinimalReturn { get; set; }
}

/// <summary>One result of a transactional batch (the BatchResult schema).</summary>
internal sealed record BatchResult(int StatusCode, int SubStatusCode, string? ETag, byte[]? ResourceBody, uint RetryAfterMilliseconds, double RequestCharge);

/// <summary>
/// Reads batch requests and writes batch responses in the SDK's HybridRow RecordIO format with the
/// SDK's own codec (Microsoft.Azure.Cosmos.Serialization.HybridRow) and the schemas the SDK embeds.
/// </summary>
internal static class BatchCodec
{
    public const int OperationTypeCreate = 0;
    public const int OperationTypePatch = 1;
    public const int OperationTypeRead = 2;
    public const int OperationTypeDelete = 4;
    public const int OperationTypeReplace = 5;
    public const int OperationTypeUpsert = 20;

    private static readonly LayoutResolverNamespace s_resolver;
    private static readonly Layout s_resultLayout;

    static BatchCodec()
    {
        using var stream = typeof(CosmosClient).Assembly.GetManifestResourceStream("Microsoft.Azure.Cosmos.Batch.HybridRowBatchSchemas.json")
            ?? throw new InvalidOperationException("The Cosmos SDK no longer embeds its batch schemas.");
        using var reader = new StreamReader(stream);
        var schemas = Namespace.Parse(reader.ReadToEnd());
        s_resolver = new LayoutResolverNamespace(schemas);
        s_resultLayout = s_resolver.Resolve(schemas.Schemas.Find(s => s.Name == "BatchResult")!.SchemaId);
    }

    /// <summary>The operations of a request body; null when it is not a well-formed batch.</summary>
    public static async Task<List<BatchOperation>?> ReadAsync(byte[] body)
    {
        try
        {
            return await ReadOperationsAsync(body);
        }
        catch (Exception error) when (error is IndexOutOfRangeException or ArgumentException or InvalidOperationException or OverflowException or InvalidDataException)
        {
            return null;
        }
    }

    private static async Task<List<BatchOperation>?> ReadOperationsAsync(byte[] body)
    {
        var operations = new List<BatchOperation>();
        using var stream = new MemoryStream(body);
#pragma warning disable CS0618 // The SDK reads its own batch responses with this same (obsolete-marked) reader.
        var result = await stream.ReadRecordIOAsync(
            (Memory<byte> record) =>
            {
                var row = new RowBuffer(record.Length);
                if (!row.ReadFrom(record.Span, HybridRowVersion.V1, s_resolver))
                {
                    return Result.Failure;
                }

                var rowReader = new RowReader(ref row);
                var operation = new BatchOperation();
                var r = ReadOperation(ref rowReader, operation);
                operations.Add(operation);
                return r;
            },
            resizer: new MemorySpanResizer<byte>(Math.Max(body.Length, 1)));
#pragma warning restore CS0618
        return result == Result.Success && operations.TrueForAll(o => o.OperationType >= 0) ? operations : null;
    }

    private static Result ReadOperation(ref RowReader reader, BatchOperation operation)
    {
        while (reader.Read())
        {
            Result r;
            switch (reader.Path)
            {
                case "operationType":
                    r = reader.ReadInt32(out var type);
                    operation.OperationType = type;
                    break;
                case "partitionKey":
                    r = reader.ReadString(out string partitionKey);
                    operation.PartitionKey = partitionKey;
                    break;
                case "id":
                    r = reader.ReadString(out string id);
                    operation.Id = id;
                    break;
                case "resourceBody":
                    r = reader.ReadBinary(out byte[] resourceBody);
                    operation.ResourceBody = resourceBody;
                    break;
                case "ifMatch":
                    r = reader.ReadString(out string ifMatch);
                    operation.IfMatch = ifMatch;
                    break;
                case "ifNoneMatch":
                    r = reader.ReadString(out string ifNoneMatch);
                    operation.IfNoneMatch = ifNoneMatch;
                    break;
                case "minimalReturnPreference":
                    r = reader.ReadBool(out var minimal);
                    operation.MinimalReturn = minimal;
                    break;
                default:
                    r = Result.Success;
                    break;
            }

            if (r != Result.Success)
            {
                return r;
            }
        }

        return Result.Success;
    }

    public static async Task<byte[]> WriteAsync(IReadOnlyList<BatchResult> results)
    {
        using var stream = new MemoryStream();
        var written = await stream.WriteRecordIOAsync(default, (long index, out ReadOnlyMemory<byte> buffer) =>
        {
            if (index >= results.Count)
            {
                buffer = ReadOnlyMemory<byte>.Empty;
                return Result.Success;
            }

            var row = new RowBuffer(1024);
            row.InitLayout(HybridRowVersion.V1, s_resultLayout, s_resolver);
            var r = RowWriter.WriteBuffer(ref row, results[(int)index], WriteResult);
            using var output = new MemoryStream(row.Length);
            row.WriteTo(output);
            buffer = output.ToArray();
            return r;
        });
        if (written != Result.Success)
        {
            throw new InvalidOperationException($"Writing a batch response failed: {written}.");
        }

        return stream.ToArray();
    }

    private static Result WriteResult(ref RowWriter writer, TypeArgument typeArgument, BatchResult result)
    {
        var r = writer.WriteInt32("statusCode", result.StatusCode);
        if (r == Result.Success && result.SubStatusCode != 0)
        {
            r = writer.WriteInt32("subStatusCode", result.SubStatusCode);
        }

        if (r == Result.Success && result.ETag is not null)
        {
            r = writer.WriteString("eTag", result.ETag);
        }

        if (r == Result.Success && result.ResourceBody is not null)
        {
            r = writer.WriteBinary("resourceBody", result.ResourceBody);
        }

        if (r == Result.Success && result.RetryAfterMilliseconds != 0)
        {
            r = writer.WriteUInt32("retryAfterMilliseconds", result.RetryAfterMilliseconds);
        }

        return r == Result.Success ? writer.WriteFloat64("requestCharge", result.RequestCharge) : r;
    }

    public static JsonObject? Body(BatchOperation operation) =>
        operation.ResourceBody is { } bytes && ContainerState.TryParseObject(bytes, out var body) ? body : null;
}
