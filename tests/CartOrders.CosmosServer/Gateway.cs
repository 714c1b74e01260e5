using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CartOrders.CosmosServer;

/// <summary>An answer: status, substatus, headers and body.</summary>
internal sealed class Reply(int status, byte[]? body = null)
{
    public int Status { get; } = status;

    public byte[]? Body { get; } = body;

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Reply With(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}

/// <summary>
/// The gateway: routes each request by its path (names or resource ids) and headers to the
/// account's databases, containers, partition key ranges and items, as the service's REST API does.
/// </summary>
internal sealed class Gateway(Account account, CosmosServerState state)
{
    private const int MaxBatchOperations = 100;
    private const int MaxBatchBytes = 2 * 1024 * 1024;
    private const int DefaultPageSize = 100;

    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var segments = request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var info = Describe(request, segments);

        Reply reply;
        if (state.Faults.Take(info) is { } fault)
        {
            fault.BeforeServing?.Invoke(info);
            if (fault.Delay > TimeSpan.Zero)
            {
                await Task.Delay(fault.Delay, context.RequestAborted);
            }

            reply = fault.StatusCode == 0 ? await ServeAsync(request, info.Operation, segments, body) : FaultReply(fault);
        }
        else
        {
            reply = await ServeAsync(request, info.Operation, segments, body);
        }

        var response = context.Response;
        response.StatusCode = reply.Status;
        response.Headers["x-ms-activity-id"] = request.Headers["x-ms-activity-id"].ToString() is { Length: > 0 } activity ? activity : Guid.NewGuid().ToString();
        response.Headers["x-ms-request-charge"] = reply.Headers.TryGetValue("x-ms-request-charge", out var charge) ? charge : "1";
        response.Headers["x-ms-gatewayversion"] = "version=2.14.0";
        response.Headers["x-ms-serviceversion"] = "version=2.14.0.0";
        response.Headers["x-ms-schemaversion"] = "1.19";
        foreach (var (name, value) in reply.Headers)
        {
            response.Headers[name] = value;
        }

        if (reply.Body is { } content)
        {
            response.ContentType ??= reply.Headers.TryGetValue("Content-Type", out var type) ? type : "application/json";
            response.ContentLength = content.Length;
            await response.Body.WriteAsync(content, context.RequestAborted);
        }

        state.Record(new CosmosRequestRecord(info, reply.Status, body.Length, reply.Body?.Length ?? 0, Stopwatch.GetElapsedTime(started)));
    }

    private static CosmosRequest Describe(HttpRequest request, string[] segments)
    {
        var method = request.Method;
        var headers = request.Headers;
        var container = segments.Length >= 4 && segments[2] == "colls" ? segments[3] : null;
        var partition = headers["x-ms-documentdb-partitionkey"].ToString() is { Length: > 0 } pk ? pk
            : headers["x-ms-documentdb-partitionkeyrangeid"].ToString() is { Length: > 0 } range ? range : null;
        var operation = segments.Length switch
        {
            0 => "ReadAccount",
            1 => method == "POST" ? "CreateDatabase" : "ReadDatabaseFeed",
            2 => method == "DELETE" ? "DeleteDatabase" : "ReadDatabase",
            3 => method == "POST" ? "CreateContainer" : "ReadContainerFeed",
            4 => method == "DELETE" ? "DeleteContainer" : "ReadContainer",
            5 when segments[4] == "pkranges" => "ReadPartitionKeyRanges",
            5 when method == "POST" => IsTrue(headers, "x-ms-cosmos-is-query-plan-request") ? "QueryPlan"
                : IsTrue(headers, "x-ms-cosmos-is-batch-request") ? "Batch"
                : IsTrue(headers, "x-ms-documentdb-isquery") || request.ContentType?.StartsWith("application/query+json", StringComparison.OrdinalIgnoreCase) == true ? "Query"
                : IsTrue(headers, "x-ms-documentdb-is-upsert") ? "UpsertItem" : "CreateItem",
            5 => headers["A-IM"].ToString().Length > 0 ? "ChangeFeed" : "ReadFeed",
            6 => method switch { "PUT" => "ReplaceItem", "DELETE" => "DeleteItem", "PATCH" => "PatchItem", _ => "ReadItem" },
            _ => "Unknown",
        };
        return new CosmosRequest(method, request.Path.Value ?? "/", operation, container, partition);
    }

    private static bool IsTrue(IHeaderDictionary headers, string name) =>
        bool.TryParse(headers[name].ToString(), out var value) && value;

    private static Reply FaultReply(CosmosFault fault)
    {
        var reply = Error(fault.StatusCode, fault.StatusCode == 429 ? "Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later." : "The request failed (fault injected by the local server).", fault.SubStatusCode);
        if (fault.RetryAfter is { } retryAfter)
        {
            reply.With("x-ms-retry-after-ms", ((long)retryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        return reply;
    }

    private async Task<Reply> ServeAsync(HttpRequest request, string operation, string[] segments, byte[] body)
    {
        if (string.IsNullOrEmpty(request.Headers.Authorization.ToString()))
        {
            return Error(401, "Required Header authorization is missing. Ensure a valid Authorization token is passed.");
        }

        if (!state.Signatures.IsSigned(request, segments))
        {
            return Error(401, "The input authorization token can't serve the request. The wrong key is being used or the expected payload is not built as per the protocol.");
        }

        try
        {
            if (segments.Length == 0)
            {
                return request.Method == "GET" ? Json(200, state.AccountJson(request)) : Error(405, "The requested verb is not supported.");
            }

            if (segments[0] != "dbs" || (segments.Length >= 3 && segments[2] != "colls") || (segments.Length >= 5 && segments[4] is not ("docs" or "pkranges")) || segments.Length > 6)
            {
                return Error(404, "The requested resource does not exist on the local server.");
            }

            if (operation == "Batch")
            {
                return await BatchAsync(request, segments, body);
            }

            lock (account.Gate)
            {
                return Serve(request, operation, segments, body);
            }
        }
        catch (SqlException error)
        {
            return Error(400, error.Message);
        }
        catch (BadRequestException error)
        {
            return Error(400, error.Message, error.SubStatus);
        }
        catch (Exception error) when (error is JsonException or FormatException or InvalidOperationException or InvalidCastException or ArgumentException or OverflowException)
        {
            // A value of an unexpected shape somewhere in the request: refused, and nothing was changed
            // (every change is staged and only committed once the whole request has been checked).
            return Error(400, "The request is malformed: " + error.Message);
        }
    }

    /// <summary>Serves a request under the account's lock; <paramref name="operation"/> is what <see cref="Describe"/> made of its method, path and headers.</summary>
    private Reply Serve(HttpRequest request, string operation, string[] segments, byte[] body)
    {
        var method = request.Method;
        var now = CosmosServerState.Now();
        if (segments.Length == 1)
        {
            return method switch
            {
                "GET" => Feed("Databases", account.Databases.Values.Select(d => d.ToJson())),
                "POST" => CreateDatabase(body, now),
                _ => Error(405, "The requested verb is not supported."),
            };
        }

        var database = account.FindDatabase(segments[1]);
        if (database is null)
        {
            return NotFound("Owner resource does not exist");
        }

        if (segments.Length == 2)
        {
            switch (method)
            {
                case "GET":
                    return Json(200, database.ToJson()).With("etag", database.ETag);
                case "DELETE":
                    account.Databases.Remove(database.Id);
                    account.Journal?.DatabaseDeleted(database);
                    return new Reply(204);
                default:
                    return Error(405, "The requested verb is not supported.");
            }
        }

        if (segments.Length == 3)
        {
            return method switch
            {
                "GET" => Feed("DocumentCollections", database.Containers.Values.Select(c => c.ToJson()), database.Rid),
                "POST" => CreateContainer(database, body, now),
                _ => Error(405, "The requested verb is not supported."),
            };
        }

        var container = database.FindContainer(segments[3]);
        if (container is null)
        {
            return NotFound("Owner resource does not exist");
        }

        if (segments.Length == 4)
        {
            switch (method)
            {
                case "GET":
                    return Json(200, container.ToJson()).With("etag", container.ETag)
                        .With("x-ms-alt-content-path", $"dbs/{database.Id}").With("x-ms-content-path", database.Rid);
                case "DELETE":
                    database.Containers.Remove(container.Id);
                    account.Journal?.ContainerDeleted(container);
                    return new Reply(204);
                default:
                    return Error(405, "The requested verb is not supported.");
            }
        }

        if (segments[4] == "pkranges")
        {
            return method == "GET" ? PartitionKeyRanges(request, container) : Error(405, "The requested verb is not supported.");
        }

        if (segments.Length == 5)
        {
            return (method, operation) switch
            {
                ("POST", "QueryPlan") => QueryPlan(body),
                ("POST", "Query") => Query(request, container, body, now),
                ("POST", "UpsertItem") => Write(request, container, body, now, "upsert", null),
                ("POST", "CreateItem") => Write(request, container, body, now, "create", null),
                ("GET", "ChangeFeed") => ChangeFeed(request, container, now),
                ("GET", "ReadFeed") => ReadFeed(request, container, now),
                _ => Error(405, "The requested verb is not supported."),
            };
        }

        var id = segments[5];
        return method switch
        {
            "GET" => ReadItem(request, container, id, now),
            "PUT" => Write(request, container, body, now, "replace", id),
            "DELETE" => Write(request, container, body, now, "delete", id),
            _ => Error(405, "The local server does not support this operation (patch is not implemented)."),
        };
    }

    private Reply CreateDatabase(byte[] body, long now)
    {
        if (!ContainerState.TryParseObject(body, out var posted) || posted!["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) || !ValidName(id))
        {
            return Error(400, "The input name is invalid or missing.");
        }

        if (account.Databases.ContainsKey(id))
        {
            return Error(409, "Resource with specified id, name, or unique index already exists.");
        }

        var database = account.AddDatabase(id, now);
        account.Journal?.DatabaseCreated(database);
        return Json(201, database.ToJson()).With("etag", database.ETag);
    }

    private Reply CreateContainer(DatabaseState database, byte[] body, long now)
    {
        if (!ContainerState.TryParseObject(body, out var posted) || posted!["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) || !ValidName(id))
        {
            return Error(400, "The input name is invalid or missing.");
        }

        if (posted["partitionKey"] is not JsonObject partitionKey || partitionKey["paths"] is not JsonArray paths || paths.Count != 1
            || paths[0] is not JsonValue path || !path.TryGetValue<string>(out var pathText) || !pathText.StartsWith('/')
            || (partitionKey["kind"] is JsonValue kind && kind.GetValue<string>() != "Hash"))
        {
            return Error(400, "The local server needs a container with one hash partition key path, such as {\"paths\":[\"/pk\"],\"kind\":\"Hash\"}.");
        }

        if (database.Containers.ContainsKey(id))
        {
            return Error(409, "Resource with specified id, name, or unique index already exists.");
        }

        var container = database.AddContainer(ContainerState.Normalize(posted), now, state.Options.PartitionKeyRanges);
        account.Journal?.ContainerCreated(container);
        return Json(201, container.ToJson()).With("etag", container.ETag);
    }

    private static bool ValidName(string id) => id.Length is > 0 and <= 255 && id.IndexOfAny(['/', '\\', '?', '#']) < 0 && !id.EndsWith(' ');

    private static Reply PartitionKeyRanges(HttpRequest request, ContainerState container)
    {
        var etag = Etags.Lsn(container.RangesVersion);
        if (request.Headers.IfNoneMatch.ToString() == etag)
        {
            return new Reply(304).With("etag", etag);
        }

        var ranges = container.Ranges.Select(r => new JsonObject
        {
            ["_rid"] = r.Rid,
            ["id"] = r.Id,
            ["_etag"] = Etags.Lsn(container.RangesVersion),
            ["minInclusive"] = r.Min,
            ["maxExclusive"] = r.Max,
            ["ridPrefix"] = int.Parse(r.Id, CultureInfo.InvariantCulture),
            ["_self"] = $"dbs/{container.DatabaseState.Rid}/colls/{container.Rid}/pkranges/{r.Rid}/",
            ["throughputFraction"] = 1.0 / container.Ranges.Count,
            ["status"] = "online",
            ["parents"] = new JsonArray([.. r.Parents.Select(p => JsonValue.Create(p))]),
            ["ownedArchivalPKRangeIds"] = new JsonArray(),
            ["_ts"] = container.Ts,
            ["_lsn"] = container.Lsn,
        });
        return Feed("PartitionKeyRanges", ranges, container.Rid).With("etag", etag);
    }

    private static Reply ReadItem(HttpRequest request, ContainerState container, string id, long now)
    {
        var partitionKey = PartitionKeyHeader(request, container);
        var result = container.Begin(now).Read(new ItemKey(partitionKey, id));
        if (!result.Succeeded)
        {
            return ItemError(result, container);
        }

        var item = result.Item!;
        if (request.Headers.IfNoneMatch.ToString() == item.ETag)
        {
            return ItemHeaders(new Reply(304), container, item, container.Lsn);
        }

        return ItemHeaders(Json(200, item.Body), container, item, container.Lsn);
    }

    private Reply Write(HttpRequest request, ContainerState container, byte[] body, long now, string kind, string? id)
    {
        var partitionKey = PartitionKeyHeader(request, container);
        var ifMatch = request.Headers.IfMatch.ToString() is { Length: > 0 } match ? match : null;
        JsonObject? document = null;
        if (kind != "delete" && !ContainerState.TryParseObject(body, out document))
        {
            return Error(400, "The request payload is invalid: a JSON object is expected.");
        }

        var transaction = container.Begin(now);
        var result = kind switch
        {
            "create" => transaction.Create(partitionKey, document!),
            "upsert" => transaction.Upsert(partitionKey, document!, ifMatch),
            "replace" => transaction.Replace(partitionKey, id!, document!, ifMatch),
            _ => transaction.Delete(new ItemKey(partitionKey, id!), ifMatch),
        };
        if (!result.Succeeded)
        {
            return ItemError(result, container);
        }

        Journal(container, transaction);
        var lsn = transaction.Commit();
        var minimal = request.Headers["Prefer"].ToString().Contains("return=minimal", StringComparison.OrdinalIgnoreCase);
        var reply = result.Status == 204 || minimal ? new Reply(result.Status) : Json(result.Status, result.Item!.Body);
        return ItemHeaders(reply, container, result.Item!, lsn);
    }

    private static Reply ItemHeaders(Reply reply, ContainerState container, Item item, long lsn)
    {
        reply.With("etag", item.ETag)
            .With("lsn", lsn.ToString(CultureInfo.InvariantCulture))
            .With("x-ms-session-token", SessionToken(container, item.Epk, lsn));
        return reply;
    }

    private static string SessionToken(ContainerState container, string epk, long lsn)
    {
        var range = container.Ranges.FirstOrDefault(r => ContainerState.InRange(epk, r.Min, r.Max)) ?? container.Ranges[0];
        return $"{range.Id}:-1#{lsn.ToString(CultureInfo.InvariantCulture)}";
    }

    private static Reply ItemError(ItemResult result, ContainerState container) =>
        Error(result.Status, result.Message ?? "The request failed.", result.SubStatus)
            .With("x-ms-session-token", $"{container.Ranges[0].Id}:-1#{container.Lsn.ToString(CultureInfo.InvariantCulture)}");

    private static string PartitionKeyHeader(HttpRequest request, ContainerState container)
    {
        var header = request.Headers["x-ms-documentdb-partitionkey"].ToString();
        if (header.Length == 0)
        {
            throw new BadRequestException("PartitionKey value must be supplied for this operation.");
        }

        return ParsePartitionKey(header, container);
    }

    private static string ParsePartitionKey(string json, ContainerState container)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonArray components && components.Count == container.PartitionKeyPaths.Count)
            {
                return components.ToJsonString();
            }
        }
        catch (JsonException)
        {
        }

        throw new BadRequestException("Partition key provided either doesn't correspond to definition in the collection or doesn't match partition key field values specified in the document.", 1001);
    }

    private static Reply QueryPlan(byte[] body)
    {
        var (query, _, _) = ParseQuerySpec(body);
        return Json(200, QueryEngine.Plan(query));
    }

    private static (SqlQuery Query, Dictionary<string, JsonNode?> Parameters, JsonObject? ResumeFilter) ParseQuerySpec(byte[] body)
    {
        if (!ContainerState.TryParseObject(body, out var spec) || spec!["query"] is not JsonValue text || !text.TryGetValue<string>(out var queryText))
        {
            throw new SqlException("The query request body is invalid: {\"query\": ..., \"parameters\": [...]} is expected.");
        }

        var parameters = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (spec["parameters"] is JsonArray list)
        {
            foreach (var parameter in list.OfType<JsonObject>())
            {
                if (parameter["name"] is JsonValue name && name.TryGetValue<string>(out var parameterName))
                {
                    parameters[parameterName] = parameter["value"]?.DeepClone();
                }
            }
        }

        return (SqlQuery.Parse(queryText), parameters, spec["resumeFilter"] as JsonObject);
    }

    /// <summary>The items a query or feed request addresses: one partition key, or one partition key range (optionally narrowed by EPK headers).</summary>
    private static (IEnumerable<Item> Items, Reply? Gone) Scope(HttpRequest request, ContainerState container, long now)
    {
        var live = container.LiveItems(now);
        var header = request.Headers["x-ms-documentdb-partitionkey"].ToString();
        if (header.Length > 0)
        {
            var partitionKey = ParsePartitionKey(header, container);
            return (live.Where(i => i.Key.PartitionKey == partitionKey), null);
        }

        var rangeId = request.Headers["x-ms-documentdb-partitionkeyrangeid"].ToString();
        if (rangeId.Length == 0)
        {
            return (live, null);
        }

        rangeId = rangeId[(rangeId.LastIndexOf(',') + 1)..];
        var range = container.FindRange(rangeId);
        if (range is null)
        {
            return ([], Error(410, "The partition key range is gone (it was split).", 1002));
        }

        var min = request.Headers["x-ms-start-epk"].ToString() is { Length: > 0 } start ? start : range.Min;
        var max = request.Headers["x-ms-end-epk"].ToString() is { Length: > 0 } end ? end : range.Max;
        return (live.Where(i => ContainerState.InRange(i.Epk, min, max)), null);
    }

    private static int PageSize(HttpRequest request) =>
        int.TryParse(request.Headers["x-ms-max-item-count"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : size == -1 ? int.MaxValue : DefaultPageSize;

    private static Reply Query(HttpRequest request, ContainerState container, byte[] body, long now)
    {
        var (query, parameters, resumeFilter) = ParseQuerySpec(body);
        var (items, gone) = Scope(request, container, now);
        if (gone is not null)
        {
            return gone;
        }

        var continuation = request.Headers["x-ms-continuation"].ToString() is { Length: > 0 } token ? token : null;
        var page = QueryEngine.Run(query, parameters, items, PageSize(request), continuation, resumeFilter);
        return Page(container, page.Rows, page.Continuation);
    }

    private static Reply ReadFeed(HttpRequest request, ContainerState container, long now)
    {
        var (items, gone) = Scope(request, container, now);
        if (gone is not null)
        {
            return gone;
        }

        var continuation = request.Headers["x-ms-continuation"].ToString() is { Length: > 0 } token ? token : null;
        var page = QueryEngine.Run(SqlQuery.Parse("SELECT * FROM c"), new Dictionary<string, JsonNode?>(), items, PageSize(request), continuation);
        return Page(container, page.Rows, page.Continuation);
    }

    private static Reply Page(ContainerState container, IReadOnlyList<JsonNode?> rows, string? continuation)
    {
        var reply = Feed("Documents", rows, container.Rid)
            .With("x-ms-item-count", rows.Count.ToString(CultureInfo.InvariantCulture))
            .With("x-ms-session-token", $"{container.Ranges[0].Id}:-1#{container.Lsn.ToString(CultureInfo.InvariantCulture)}");
        if (continuation is not null)
        {
            reply.With("x-ms-continuation", continuation);
        }

        return reply;
    }

    /// <summary>
    /// The change feed, latest version: each live item once, at its last write's LSN, in LSN order
    /// (so in write order within a partition key). A page holds at least the page size of items
    /// unless the feed ends, and never splits the items of one transaction (one LSN) across pages.
    /// The ETag is the LSN read up to; a read with nothing newer answers 304.
    /// </summary>
    private static Reply ChangeFeed(HttpRequest request, ContainerState container, long now)
    {
        var (items, gone) = Scope(request, container, now);
        if (gone is not null)
        {
            return gone;
        }

        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        long since;
        if (ifNoneMatch == "*")
        {
            return NotModified(container, container.Lsn);
        }
        else if (ifNoneMatch.Length == 0)
        {
            since = 0;
        }
        else if (!long.TryParse(ifNoneMatch.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out since))
        {
            return Error(400, "The change feed continuation (If-None-Match) is not an LSN.");
        }

        IEnumerable<Item> candidates = items.Where(i => i.Lsn > since);
        if (DateTimeOffset.TryParse(request.Headers.IfModifiedSince.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modifiedSince))
        {
            var seconds = modifiedSince.ToUnixTimeSeconds();
            candidates = candidates.Where(i => i.Ts >= seconds);
        }

        var pageSize = PageSize(request);
        var page = new List<Item>();
        foreach (var item in candidates.OrderBy(i => i.Lsn).ThenBy(i => i.Sequence))
        {
            if (page.Count >= pageSize && item.Lsn != page[^1].Lsn)
            {
                break;
            }

            page.Add(item);
        }

        if (page.Count == 0)
        {
            return NotModified(container, Math.Max(since, container.Lsn));
        }

        var rows = page.Select(i =>
        {
            var row = (JsonObject)i.Body.DeepClone();
            row["_lsn"] = i.Lsn;
            return (JsonNode?)row;
        }).ToList();
        return Feed("Documents", rows, container.Rid)
            .With("etag", Etags.Lsn(page[^1].Lsn))
            .With("x-ms-item-count", rows.Count.ToString(CultureInfo.InvariantCulture))
            .With("lsn", container.Lsn.ToString(CultureInfo.InvariantCulture))
            .With("x-ms-session-token", $"{container.Ranges[0].Id}:-1#{container.Lsn.ToString(CultureInfo.InvariantCulture)}");
    }

    private static Reply NotModified(ContainerState container, long lsn) =>
        new Reply(304).With("etag", Etags.Lsn(lsn)).With("x-ms-item-count", "0")
            .With("lsn", container.Lsn.ToString(CultureInfo.InvariantCulture))
            .With("x-ms-session-token", $"{container.Ranges[0].Id}:-1#{container.Lsn.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// A transactional batch: every operation runs in one transaction in the partition key of the
    /// request; the first failure rolls all back and answers 207 Multi-Status, the failing operation
    /// with its status and substatus, the others 424 Failed Dependency.
    /// </summary>
    private async Task<Reply> BatchAsync(HttpRequest request, string[] segments, byte[] body)
    {
        if (body.Length > MaxBatchBytes)
        {
            return Error(413, "Request size is too large.");
        }

        var operations = await BatchCodec.ReadAsync(body);
        if (operations is null)
        {
            return Error(400, "The batch request body is not a well-formed batch.");
        }

        if (operations.Count > MaxBatchOperations)
        {
            return Error(400, $"Batch request has more operations than what is supported (at most {MaxBatchOperations}).");
        }

        if (operations.Count == 0)
        {
            return Error(400, "Batch request has no operations.");
        }

        BatchResult[] results;
        int status;
        ContainerState container;
        long lsn;
        string partitionKey;
        lock (account.Gate)
        {
            var database = account.FindDatabase(segments[1]);
            var found = database?.FindContainer(segments[3]);
            if (found is null)
            {
                return NotFound("Owner resource does not exist");
            }

            container = found;
            partitionKey = PartitionKeyHeader(request, container);
            var transaction = container.Begin(CosmosServerState.Now());
            var outcomes = new List<ItemResult>();
            foreach (var operation in operations)
            {
                var result = Execute(transaction, container, partitionKey, operation);
                outcomes.Add(result);
                if (!result.Succeeded)
                {
                    break;
                }
            }

            if (outcomes[^1].Succeeded)
            {
                Journal(container, transaction);
                lsn = transaction.Commit();
                status = 200;
                results = [.. outcomes.Select((o, i) => new BatchResult(
                    o.Status, 0, o.Item?.ETag, o.Item is { } item && (operations[i].OperationType == BatchCodec.OperationTypeRead || !operations[i].MinimalReturn) && o.Status != 204 ? JsonSerializer.SerializeToUtf8Bytes(item.Body, s_json) : null, 0, 1))];
            }
            else
            {
                lsn = container.Lsn;
                var failed = outcomes.Count - 1;
                // The service answers 207 Multi-Status; the SDK promotes the failing operation's status to the batch's.
                status = 207;
                results = [.. operations.Select((_, i) => i == failed
                    ? new BatchResult(outcomes[i].Status, outcomes[i].SubStatus, null, null, 0, 1)
                    : new BatchResult(424, 0, null, null, 0, 0))];
            }
        }

        var reply = new Reply(status, await BatchCodec.WriteAsync(results))
            .With("Content-Type", "application/octet-stream")
            .With("x-ms-request-charge", results.Sum(r => r.RequestCharge).ToString(CultureInfo.InvariantCulture))
            .With("x-ms-session-token", SessionToken(container, EffectivePartitionKey.Of(partitionKey), lsn));
        if (status != 200 && results.FirstOrDefault(r => r.StatusCode != 424) is { SubStatusCode: not 0 } failedResult)
        {
            reply.With("x-ms-substatus", failedResult.SubStatusCode.ToString(CultureInfo.InvariantCulture));
        }

        return reply;
    }

    /// <summary>Writes a transaction to the durable journal (file mode) before it becomes visible, so a failed write changes nothing.</summary>
    private void Journal(ContainerState container, Transaction transaction)
    {
        if (transaction.Changes.Count > 0)
        {
            account.Journal?.Committed(container, transaction.Lsn, transaction.Changes);
        }
    }

    private static ItemResult Execute(Transaction transaction, ContainerState container, string batchPartitionKey, BatchOperation operation)
    {
        var partitionKey = operation.PartitionKey is { } own ? ParsePartitionKey(own, container) : batchPartitionKey;
        if (partitionKey != batchPartitionKey)
        {
            return ItemResult.Fail(400, "All operations of a transactional batch must be in the batch's partition key.");
        }

        var body = BatchCodec.Body(operation);
        switch (operation.OperationType)
        {
            case BatchCodec.OperationTypeCreate when body is not null:
                return transaction.Create(partitionKey, body);
            case BatchCodec.OperationTypeUpsert when body is not null:
                return transaction.Upsert(partitionKey, body, operation.IfMatch);
            case BatchCodec.OperationTypeReplace when body is not null && operation.Id is not null:
                return transaction.Replace(partitionKey, operation.Id, body, operation.IfMatch);
            case BatchCodec.OperationTypeRead when operation.Id is not null:
                var read = transaction.Read(new ItemKey(partitionKey, operation.Id));
                return read.Succeeded && operation.IfNoneMatch is { } etag && etag == read.Item!.ETag ? new ItemResult(304, 0, read.Item, null) : read;
            case BatchCodec.OperationTypeDelete when operation.Id is not null:
                return transaction.Delete(new ItemKey(partitionKey, operation.Id), operation.IfMatch);
            case BatchCodec.OperationTypePatch:
                return ItemResult.Fail(400, "The local server does not support patch operations.");
            default:
                return ItemResult.Fail(400, "The batch operation is invalid: its type, id or body is missing or malformed.");
        }
    }

    private static Reply Feed(string name, IEnumerable<JsonNode?> rows, string rid = "")
    {
        var list = new JsonArray([.. rows]);
        var json = new JsonObject { ["_rid"] = rid, [name] = list, ["_count"] = list.Count };
        return Json(200, json);
    }

    public static Reply Json(int status, JsonNode json) => new(status, JsonSerializer.SerializeToUtf8Bytes(json, s_json));

    private static Reply NotFound(string message) => Error(404, message);

    public static Reply Error(int status, string message, int subStatus = 0)
    {
        var code = status switch
        {
            400 => "BadRequest",
            401 => "Unauthorized",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "RequestEntityTooLarge",
            429 => "TooManyRequests",
            503 => "ServiceUnavailable",
            _ => "Error",
        };
        var reply = Json(status, new JsonObject { ["code"] = code, ["message"] = message });
        if (subStatus != 0)
        {
            reply.With("x-ms-substatus", subStatus.ToString(CultureInfo.InvariantCulture));
        }

        return reply;
    }
}

/// <summary>A request the service refuses as malformed (400), with its substatus.</summary>
internal sealed class BadRequestException(string message, int subStatus = 0) : Exception(message)
{
    public int SubStatus { get; } = subStatus;
}
