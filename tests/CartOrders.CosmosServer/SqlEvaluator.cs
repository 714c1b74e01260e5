using System.Text.Json;
using System.Text.Json.Nodes;

namespace CartOrders.CosmosServer;

/// <summary>A query value: JSON (including null) or undefined, as the query language distinguishes them.</summary>
internal readonly record struct SqlValue(bool Defined, JsonNode? Node)
{
    public static readonly SqlValue Undefined = new(false, null);

    public static SqlValue Of(JsonNode? node) => new(true, node);

    public static SqlValue Of(bool value) => new(true, JsonValue.Create(value));

    public JsonValueKind Kind => !Defined ? JsonValueKind.Undefined : Node is null ? JsonValueKind.Null : Node.GetValueKind();

    public bool IsTrue => Kind == JsonValueKind.True;

    public double Number => Node!.GetValue<double>();

    public string Text => Node!.GetValue<string>();
}

/// <summary>Evaluates query expressions against one document, with the query's parameters.</summary>
internal sealed class SqlEvaluator(string alias, IReadOnlyDictionary<string, JsonNode?> parameters)
{
    public SqlValue Evaluate(SqlExpr expr, JsonObject document) => expr switch
    {
        SqlLiteral literal => literal.Undefined ? SqlValue.Undefined : SqlValue.Of(literal.Value),
        SqlParameter parameter => parameters.TryGetValue(parameter.Name, out var value) ? SqlValue.Of(value) : SqlValue.Undefined,
        SqlRoot root => string.Equals(root.Name, alias, StringComparison.Ordinal) || string.Equals(root.Name, "root", StringComparison.OrdinalIgnoreCase)
            ? SqlValue.Of(document)
            : throw new SqlException($"Identifier '{root.Name}' could not be resolved."),
        SqlMember member => Member(Evaluate(member.Target, document), Evaluate(member.Key, document)),
        SqlUnary { Op: "NOT" } not => Evaluate(not.Operand, document) is { Kind: JsonValueKind.True or JsonValueKind.False } b ? SqlValue.Of(!b.IsTrue) : SqlValue.Undefined,
        SqlUnary negate => Evaluate(negate.Operand, document) is { Kind: JsonValueKind.Number } n ? SqlValue.Of(JsonValue.Create(-n.Number)) : SqlValue.Undefined,
        SqlBinary binary => Binary(binary.Op, Evaluate(binary.Left, document), Evaluate(binary.Right, document)),
        SqlIn @in => In(Evaluate(@in.Value, document), @in.Items.Select(i => Evaluate(i, document)), @in.Negated),
        SqlCall call => Call(call.Name, [.. call.Arguments.Select(a => Evaluate(a, document))]),
        SqlArray array => SqlValue.Of(new JsonArray([.. array.Items.Select(i => Evaluate(i, document)).Where(v => v.Defined).Select(v => v.Node?.DeepClone())])),
        SqlObject obj => SqlValue.Of(Object(obj, document)),
        _ => throw new SqlException("Unsupported expression."),
    };

    private JsonObject Object(SqlObject obj, JsonObject document)
    {
        var result = new JsonObject();
        foreach (var (key, value) in obj.Properties)
        {
            var evaluated = Evaluate(value, document);
            if (evaluated.Defined)
            {
                result[key] = evaluated.Node?.DeepClone();
            }
        }

        return result;
    }

    private static SqlValue Member(SqlValue target, SqlValue key)
    {
        if (target.Node is JsonObject obj && key.Kind == JsonValueKind.String)
        {
            return obj.TryGetPropertyValue(key.Text, out var child) ? SqlValue.Of(child) : SqlValue.Undefined;
        }

        if (target.Node is JsonArray array && key.Kind == JsonValueKind.Number)
        {
            var index = key.Number;
            return index >= 0 && index < array.Count && index == Math.Floor(index) ? SqlValue.Of(array[(int)index]) : SqlValue.Undefined;
        }

        return SqlValue.Undefined;
    }

    private static SqlValue Binary(string op, SqlValue left, SqlValue right)
    {
        switch (op)
        {
            case "AND":
                return left.Kind == JsonValueKind.False || right.Kind == JsonValueKind.False ? SqlValue.Of(false)
                    : left.IsTrue && right.IsTrue ? SqlValue.Of(true) : SqlValue.Undefined;
            case "OR":
                return left.IsTrue || right.IsTrue ? SqlValue.Of(true)
                    : left.Kind == JsonValueKind.False && right.Kind == JsonValueKind.False ? SqlValue.Of(false) : SqlValue.Undefined;
            case "=" or "!=":
                if (!left.Defined || !right.Defined)
                {
                    return SqlValue.Undefined;
                }

                return SqlValue.Of(JsonEquals(left.Node, right.Node) == (op == "="));
            case "<" or "<=" or ">" or ">=":
                if (TypeRank(left) != TypeRank(right) || left.Kind is JsonValueKind.Undefined or JsonValueKind.Array or JsonValueKind.Object)
                {
                    return SqlValue.Undefined;
                }

                var order = Compare(left, right);
                return SqlValue.Of(op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 });
            case "||":
                return left.Kind == JsonValueKind.String && right.Kind == JsonValueKind.String ? SqlValue.Of(JsonValue.Create(left.Text + right.Text)) : SqlValue.Undefined;
            default:
                if (left.Kind != JsonValueKind.Number || right.Kind != JsonValueKind.Number)
                {
                    return SqlValue.Undefined;
                }

                var (a, b) = (left.Number, right.Number);
                return SqlValue.Of(JsonValue.Create(op switch { "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, _ => a % b }));
        }
    }

    private static SqlValue In(SqlValue value, IEnumerable<SqlValue> items, bool negated) =>
        !value.Defined ? SqlValue.Undefined : SqlValue.Of(items.Any(i => i.Defined && JsonEquals(value.Node, i.Node)) != negated);

    private static SqlValue Call(string name, SqlValue[] args)
    {
        SqlValue Arg(int i) => i < args.Length ? args[i] : throw new SqlException($"The function {name} takes more arguments.");
        switch (name)
        {
            case "IS_DEFINED":
                return SqlValue.Of(Arg(0).Defined);
            case "IS_NULL":
                return SqlValue.Of(Arg(0).Kind == JsonValueKind.Null);
            case "IS_STRING":
                return SqlValue.Of(Arg(0).Kind == JsonValueKind.String);
            case "IS_NUMBER":
                return SqlValue.Of(Arg(0).Kind == JsonValueKind.Number);
            case "IS_BOOL":
                return SqlValue.Of(Arg(0).Kind is JsonValueKind.True or JsonValueKind.False);
            case "IS_ARRAY":
                return SqlValue.Of(Arg(0).Kind == JsonValueKind.Array);
            case "IS_OBJECT":
                return SqlValue.Of(Arg(0).Kind == JsonValueKind.Object);
            case "ARRAY_CONTAINS":
                if (Arg(0).Node is not JsonArray array || !Arg(1).Defined)
                {
                    return SqlValue.Undefined;
                }

                var partial = args.Length > 2 && args[2].IsTrue;
                return SqlValue.Of(array.Any(e => partial ? PartialMatch(e, Arg(1).Node) : JsonEquals(e, Arg(1).Node)));
            case "ARRAY_LENGTH":
                return Arg(0).Node is JsonArray counted ? SqlValue.Of(JsonValue.Create(counted.Count)) : SqlValue.Undefined;
            case "LENGTH":
                return Arg(0).Kind == JsonValueKind.String ? SqlValue.Of(JsonValue.Create(Arg(0).Text.Length)) : SqlValue.Undefined;
            case "LOWER" or "UPPER":
                return Arg(0).Kind == JsonValueKind.String
                    ? SqlValue.Of(JsonValue.Create(name == "LOWER" ? Arg(0).Text.ToLowerInvariant() : Arg(0).Text.ToUpperInvariant()))
                    : SqlValue.Undefined;
            case "STARTSWITH" or "ENDSWITH" or "CONTAINS":
                if (Arg(0).Kind != JsonValueKind.String || Arg(1).Kind != JsonValueKind.String)
                {
                    return SqlValue.Undefined;
                }

                var comparison = args.Length > 2 && args[2].IsTrue ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                return SqlValue.Of(name switch
                {
                    "STARTSWITH" => Arg(0).Text.StartsWith(Arg(1).Text, comparison),
                    "ENDSWITH" => Arg(0).Text.EndsWith(Arg(1).Text, comparison),
                    _ => Arg(0).Text.Contains(Arg(1).Text, comparison),
                });
            case "CONCAT":
                return args.All(a => a.Kind == JsonValueKind.String) ? SqlValue.Of(JsonValue.Create(string.Concat(args.Select(a => a.Text)))) : SqlValue.Undefined;
            default:
                throw new SqlException($"'{name}' is not a recognized built-in function name (or not one the local server supports).");
        }
    }

    private static bool PartialMatch(JsonNode? element, JsonNode? pattern) =>
        pattern is JsonObject wanted && element is JsonObject actual
            ? wanted.All(p => actual.TryGetPropertyValue(p.Key, out var v) && JsonEquals(v, p.Value))
            : JsonEquals(element, pattern);

    public static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        var (ka, kb) = (Kind(a), Kind(b));
        if (ka != kb && !(IsBool(ka) && IsBool(kb)))
        {
            return false;
        }

        return ka switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.True or JsonValueKind.False => ka == kb,
            JsonValueKind.Number => a!.GetValue<double>() == b!.GetValue<double>(),
            JsonValueKind.String => string.Equals(a!.GetValue<string>(), b!.GetValue<string>(), StringComparison.Ordinal),
            JsonValueKind.Array => a!.AsArray().Count == b!.AsArray().Count && a.AsArray().Zip(b.AsArray()).All(p => JsonEquals(p.First, p.Second)),
            _ => a!.AsObject().Count == b!.AsObject().Count
                && a.AsObject().All(p => b.AsObject().TryGetPropertyValue(p.Key, out var other) && JsonEquals(p.Value, other)),
        };
    }

    private static bool IsBool(JsonValueKind kind) => kind is JsonValueKind.True or JsonValueKind.False;

    private static JsonValueKind Kind(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    /// <summary>The service's order of types: undefined, null, booleans, numbers, strings, arrays, objects.</summary>
    private static int TypeRank(SqlValue value) => value.Kind switch
    {
        JsonValueKind.Undefined => 0,
        JsonValueKind.Null => 1,
        JsonValueKind.False or JsonValueKind.True => 2,
        JsonValueKind.Number => 3,
        JsonValueKind.String => 4,
        JsonValueKind.Array => 5,
        _ => 6,
    };

    /// <summary>The order ORDER BY sorts in: by type rank, then by value within a type.</summary>
    public static int Compare(SqlValue a, SqlValue b)
    {
        var rank = TypeRank(a).CompareTo(TypeRank(b));
        if (rank != 0)
        {
            return rank;
        }

        return a.Kind switch
        {
            JsonValueKind.False or JsonValueKind.True => a.IsTrue.CompareTo(b.IsTrue),
            JsonValueKind.Number => a.Number.CompareTo(b.Number),
            JsonValueKind.String => string.CompareOrdinal(a.Text, b.Text),
            _ => 0,
        };
    }
}
