using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CartOrders.CosmosServer;

/// <summary>A page of query results and the continuation that resumes after it (null: no more).</summary>
internal sealed record QueryPage(IReadOnlyList<JsonNode?> Rows, string? Continuation);

/// <summary>
/// Runs a query over a set of items (one partition key, or one range) and pages the results. A
/// continuation names the position of the last row returned (its ORDER BY values and resource
/// order), not a count. The SDK resumes a cross-partition ORDER BY with a resume filter (the ORDER
/// BY values to go on from, whether to exclude them, and the resource id reached among equal
/// values); with a continuation as well, the later of the two positions wins, as the service does.
/// Rows with equal ORDER BY values come in resource id order, reversed when the first ORDER BY is
/// descending (the order the SDK expects when it skips rows it has already returned).
/// </summary>
internal static class QueryEngine
{
    public static QueryPage Run(SqlQuery query, IReadOnlyDictionary<string, JsonNode?> parameters, IEnumerable<Item> items, int pageSize, string? continuation, JsonObject? resumeFilter = null)
    {
        var evaluator = new SqlEvaluator(query.Alias, parameters);
        var rows = new List<(SqlValue[] Keys, ulong Sequence, Item Item)>();
        foreach (var item in items)
        {
            if (query.Where is null || evaluator.Evaluate(query.Where, item.Body).IsTrue)
            {
                rows.Add(([.. query.OrderBy.Select(o => evaluator.Evaluate(o.Expr, item.Body))], item.Sequence, item));
            }
        }

        int CompareRows(SqlValue[] keysA, ulong seqA, SqlValue[] keysB, ulong seqB)
        {
            for (var i = 0; i < query.OrderBy.Count; i++)
            {
                var order = SqlEvaluator.Compare(keysA[i], keysB[i]);
                if (order != 0)
                {
                    return query.OrderBy[i].Descending ? -order : order;
                }
            }

            var bySequence = seqA.CompareTo(seqB);
            return query.OrderBy.Count > 0 && query.OrderBy[0].Descending ? -bySequence : bySequence;
        }

        rows.Sort((a, b) => CompareRows(a.Keys, a.Sequence, b.Keys, b.Sequence));
        IEnumerable<(SqlValue[] Keys, ulong Sequence, Item Item)> selected = rows;
        if (query.Offset is { } offset)
        {
            selected = selected.Skip(offset).Take(query.Limit ?? int.MaxValue);
        }

        if (query.Top is { } top)
        {
            selected = selected.Take(top);
        }

        var ordered = selected.ToList();
        var start = 0;
        if (continuation is not null)
        {
            var (keys, sequence) = ParseContinuation(continuation, query.OrderBy.Count);
            start = ordered.FindIndex(r => CompareRows(r.Keys, r.Sequence, keys, sequence) > 0);
            if (start < 0)
            {
                start = ordered.Count;
            }
        }

        if (resumeFilter is not null && query.OrderBy.Count > 0)
        {
            var (values, rid, exclude) = ParseResumeFilter(resumeFilter, query.OrderBy.Count);
            var resumeAt = ordered.FindIndex(r =>
            {
                var order = CompareRows(r.Keys, 0, values, 0);
                if (order != 0)
                {
                    return order > 0;
                }

                if (exclude)
                {
                    return false;
                }

                // Equal values: from the resource id reached on (included: the SDK skips what it returned).
                return rid is null || CompareRows(r.Keys, r.Sequence, values, rid.Value) >= 0;
            });
            start = Math.Max(start, resumeAt < 0 ? ordered.Count : resumeAt);
        }

        var page = new List<JsonNode?>();
        var next = start;
        for (; next < ordered.Count && page.Count < pageSize; next++)
        {
            var projected = Project(query, evaluator, ordered[next].Item.Body);
            if (projected.Defined)
            {
                page.Add(projected.Node?.DeepClone());
            }
        }

        return new QueryPage(page, next < ordered.Count && next > start ? Continuation(ordered[next - 1].Keys, ordered[next - 1].Sequence) : null);
    }

    private static SqlValue Project(SqlQuery query, SqlEvaluator evaluator, JsonObject body)
    {
        if (query.SelectStar)
        {
            return SqlValue.Of(body);
        }

        if (query.SelectValue is { } value)
        {
            return evaluator.Evaluate(value, body);
        }

        var row = new JsonObject();
        foreach (var (expr, alias) in query.SelectList)
        {
            var evaluated = evaluator.Evaluate(expr, body);
            if (evaluated.Defined)
            {
                row[alias] = evaluated.Node?.DeepClone();
            }
        }

        return SqlValue.Of(row);
    }

    private static string Continuation(SqlValue[] keys, ulong sequence)
    {
        var json = new JsonObject
        {
            ["s"] = sequence,
            ["k"] = new JsonArray([.. keys.Select(k => k.Defined ? new JsonObject { ["v"] = k.Node?.DeepClone() } : new JsonObject())]),
        };
        return json.ToJsonString();
    }

    private static (SqlValue[] Keys, ulong Sequence) ParseContinuation(string continuation, int keyCount)
    {
        try
        {
            if (JsonNode.Parse(continuation) is JsonObject json && json["s"] is JsonValue s && s.TryGetValue<ulong>(out var sequence)
                && json["k"] is JsonArray keys && keys.Count == keyCount)
            {
                return ([.. keys.Select(k => k is JsonObject o && o.TryGetPropertyValue("v", out var v) ? SqlValue.Of(v?.DeepClone()) : SqlValue.Undefined)], sequence);
            }
        }
        catch (JsonException)
        {
        }

        throw new SqlException("The continuation token is malformed.");
    }

    private static (SqlValue[] Values, ulong? Rid, bool Exclude) ParseResumeFilter(JsonObject filter, int keyCount)
    {
        if (filter["value"] is not JsonArray values || values.Count != keyCount)
        {
            throw new SqlException("The resume filter does not match the query's ORDER BY.");
        }

        ulong? rid = null;
        if (filter["rid"] is JsonValue ridValue && ridValue.TryGetValue<string>(out var ridText))
        {
            rid = ResourceIds.DocumentSequence(ridText) ?? throw new SqlException("The resume filter's rid is not a document resource id.");
        }

        var exclude = filter["exclude"] is JsonValue flag && flag.TryGetValue<bool>(out var excluded) && excluded;

        // Undefined is sent as an empty array; arrays and objects as hashes, which this server orders by type only.
        return ([.. values.Select(v => v is JsonArray { Count: 0 } ? SqlValue.Undefined
            : v is JsonObject hashed && hashed["type"] is JsonValue type && type.TryGetValue<string>(out var kind) ? SqlValue.Of(kind == "array" ? new JsonArray() : new JsonObject())
            : SqlValue.Of(v?.DeepClone()))], rid, exclude);
    }

    /// <summary>The query plan the gateway answers for a query (version 2), with the ORDER BY rewrite the SDK's cross-partition pipeline runs per range.</summary>
    public static JsonObject Plan(SqlQuery query)
    {
        var orderBy = query.OrderBy.Count > 0;
        var queryInfo = new JsonObject
        {
            ["distinctType"] = "None",
            ["top"] = query.Top,
            ["offset"] = query.Offset,
            ["limit"] = query.Limit,
            ["orderBy"] = new JsonArray([.. query.OrderBy.Select(o => JsonValue.Create(o.Descending ? "Descending" : "Ascending"))]),
            ["orderByExpressions"] = new JsonArray([.. query.OrderBy.Select(o => JsonValue.Create(Format(o.Expr)))]),
            ["groupByExpressions"] = new JsonArray(),
            ["groupByAliases"] = new JsonArray(),
            ["aggregates"] = new JsonArray(),
            ["groupByAliasToAggregateType"] = new JsonObject(),
            ["rewrittenQuery"] = orderBy ? RewriteForOrderBy(query) : string.Empty,
            ["hasSelectValue"] = query.SelectValue is not null,
            ["dCountInfo"] = null,
            ["hasNonStreamingOrderBy"] = false,
        };
        return new JsonObject
        {
            ["partitionedQueryExecutionInfoVersion"] = 2,
            ["queryInfo"] = queryInfo,
            ["queryRanges"] = new JsonArray(new JsonObject { ["min"] = ContainerState.MinEpk, ["max"] = ContainerState.MaxEpk, ["isMinInclusive"] = true, ["isMaxInclusive"] = false }),
        };
    }

    private static string RewriteForOrderBy(SqlQuery query)
    {
        var a = query.Alias;
        var payload = query.SelectStar ? a
            : query.SelectValue is { } value ? Format(value)
            : "{" + string.Join(", ", query.SelectList.Select(s => Quote(s.Alias) + ": " + Format(s.Expr))) + "}";
        var items = string.Join(", ", query.OrderBy.Select(o => "{\"item\": " + Format(o.Expr) + "}"));
        var filter = "{documentdb-formattableorderbyquery-filter}";
        var where = query.Where is null ? $"({filter})" : $"(({Format(query.Where)}) AND ({filter}))";
        var top = query.Top is { } t ? $"TOP {t.ToString(CultureInfo.InvariantCulture)} " : string.Empty;
        var order = string.Join(", ", query.OrderBy.Select(o => Format(o.Expr) + (o.Descending ? " DESC" : string.Empty)));
        return $"SELECT {top}{a}._rid, [{items}] AS orderByItems, {payload} AS payload FROM {a} WHERE {where} ORDER BY {order}";
    }

    public static string Format(SqlExpr expr) => expr switch
    {
        SqlLiteral { Undefined: true } => "undefined",
        SqlLiteral literal => literal.Value?.ToJsonString() ?? "null",
        SqlParameter parameter => parameter.Name,
        SqlRoot root => root.Name,
        SqlMember { Key: SqlLiteral { Value: JsonValue key } } member when key.GetValueKind() == JsonValueKind.String && IsIdentifier(key.GetValue<string>()) =>
            Format(member.Target) + "." + key.GetValue<string>(),
        SqlMember member => Format(member.Target) + "[" + Format(member.Key) + "]",
        SqlUnary unary => unary.Op == "NOT" ? $"(NOT {Format(unary.Operand)})" : $"(-{Format(unary.Operand)})",
        SqlBinary binary => $"({Format(binary.Left)} {binary.Op} {Format(binary.Right)})",
        SqlIn @in => $"({Format(@in.Value)}{(@in.Negated ? " NOT" : string.Empty)} IN ({string.Join(", ", @in.Items.Select(Format))}))",
        SqlCall call => $"{call.Name}({string.Join(", ", call.Arguments.Select(Format))})",
        SqlArray array => $"[{string.Join(", ", array.Items.Select(Format))}]",
        SqlObject obj => "{" + string.Join(", ", obj.Properties.Select(p => Quote(p.Key) + ": " + Format(p.Value))) + "}",
        _ => throw new SqlException("Unsupported expression."),
    };

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Quote(string text)
    {
        var builder = new StringBuilder();
        builder.Append('"');
        foreach (var c in text)
        {
            builder.Append(c is '"' or '\\' ? "\\" + c : c.ToString());
        }

        return builder.Append('"').ToString();
    }
}
