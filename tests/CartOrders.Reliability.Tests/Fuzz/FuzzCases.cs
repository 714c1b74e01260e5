using System.Text;
using System.Text.Json.Nodes;

namespace CartOrders.Reliability.Tests.Fuzz;

/// <summary>Who calls an endpoint when only the input is bad.</summary>
internal enum Caller
{
    Anonymous,
    Owner,
    Operator,
}

internal enum FieldKind
{
    Id,
    Text,
    Integer,
    Flag,
    Texts,
    Object,
}

/// <summary>A field of a request body and a valid value for it.</summary>
internal sealed record Field(string Path, FieldKind Kind, JsonNode Valid);

/// <summary>
/// One endpoint of the contract: method, route template, whether it needs a token, who calls it
/// in the fuzz, whether it reads a body (and its fields) and whether it is a command (If-Match,
/// Idempotency-Key).
/// </summary>
internal sealed record Endpoint(string Method, string Template, bool Protected, Caller Caller, bool ReadsBody, bool IsCommand, IReadOnlyList<Field> Fields)
{
    public string Name => $"{Method} {Template}";

    /// <summary>A valid body, or <c>{}</c> where the body has no fields.</summary>
    public JsonObject ValidBody()
    {
        var body = new JsonObject();
        foreach (var field in Fields)
        {
            var parts = field.Path.Split('.');
            var target = body;
            foreach (var part in parts[..^1])
            {
                target = (JsonObject)(target[part] ??= new JsonObject());
            }

            target[parts[^1]] = field.Valid.DeepClone();
        }

        return body;
    }

    public IEnumerable<string> IdSlots()
    {
        foreach (var part in Template.Split('/'))
        {
            if (part.StartsWith('{'))
            {
                yield return part;
            }
        }
    }
}

/// <summary>One bad request and what it must get: a 4xx problem with one of the codes (any code when null).</summary>
internal sealed record FuzzCase(string Category, Endpoint Endpoint, string Description)
{
    public Dictionary<string, string> PathIds { get; init; } = [];

    public string? Query { get; init; }

    /// <summary>The body bytes; null sends none.</summary>
    public byte[]? Body { get; init; }

    public string? ContentType { get; init; } = "application/json";

    public bool Chunked { get; init; }

    /// <summary>Headers to add (name, value), repeated names allowed; Authorization here replaces the caller's token.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>Send without the caller's token.</summary>
    public bool WithoutToken { get; init; }

    /// <summary>A request written byte by byte (see <see cref="Support.RawHttp"/>).</summary>
    public byte[]? Raw { get; init; }

    public bool HalfClose { get; init; }

    public IReadOnlyList<string>? Codes { get; init; }

    /// <summary>The client ended its side mid-request: the server may close without an answer.</summary>
    public bool NoAnswerAllowed { get; init; }

    /// <summary>
    /// A status Kestrel itself gives this request before the app runs, outside 4xx (505 HTTP
    /// Version Not Supported for a version it does not speak).
    /// </summary>
    public int? KestrelStatus { get; init; }

    /// <summary>
    /// The request is broken at the HTTP level (header fields past Kestrel's limits, bytes not
    /// allowed in a request target or a header): Kestrel may refuse it before the app runs, with a
    /// 4xx and no body.
    /// </summary>
    public bool KestrelMayRefuse { get; init; }

    public override string ToString() => $"[{Category}] {Endpoint.Name}: {Description}";
}

/// <summary>The fuzz's values: hostile ids, odd Unicode, wrong JSON types, malformed JSON.</summary>
internal static class Hostile
{
    /// <summary>Path segments (already percent-encoded as sent) that break the id rules; true where Kestrel may refuse the request line.</summary>
    public static readonly (string Segment, bool KestrelMayRefuse)[] PathIds =
    [
        ("..%2F..", false), ("..%2f..%2fadmin", false), ("%2e%2e", false), ("..", false), ("a%2Fb", false), ("a%5Cb", false),
        ("%27%20OR%201%3D1%20--", false), ("1%3BDROP%20TABLE%20events", false), ("%3Cscript%3Ealert(1)%3C%2Fscript%3E", false),
        (new string('a', 65), false), (new string('b', 1_000), false), ("a%20b", false), ("a.b", false), ("%252F", false),
        ("%24%7Bjndi%3Aldap%3A%2F%2Fx%7D", false), ("*", false), ("a%00", true), ("%F0%9F%99%82", false), ("%C0%AF", true),
        ("%ED%A0%80", true), ("%FF", true), ("%E2%80%AE", false), ("a%0Ab", true), ("~", false), ("%", true), ("a%3Fb", false),
        ("%EF%BC%A1", false), ("a%E2%80%8Bb", false),
    ];

    /// <summary>Strings that break the id rules, as JSON string values.</summary>
    public static readonly string[] BodyIds =
    [
        "../..", "..\\..", "' OR 1=1 --", "1;DROP TABLE events", "<script>alert(1)</script>", new string('a', 65), "", " ", "a b",
        "a/b", "${jndi:ldap://x}", "\u202Eabc", "\U0001F642", "é", "\uFF21", "a\u200Bb", "a\u0000b", "a\nb", "%2F",
    ];

    /// <summary>Text values that are not allowed (control characters, empty, whitespace only).</summary>
    public static readonly string[] BadTexts = ["", "   ", "a\u0000b", "\u0001", "line\nbreak", "tab\there", "\u001b[31m", "\u007f"];

    /// <summary>Lone surrogates written as JSON escapes (not valid Unicode).</summary>
    public static readonly string[] LoneSurrogates = ["\\ud800", "\\udfff", "a\\ud83db", "\\udc00\\ud800"];

    /// <summary>Bodies that are not UTF-8: overlong forms, encoded surrogates, stray bytes, cut sequences.</summary>
    public static readonly byte[][] InvalidUtf8 =
    [
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xFE, 0xFF], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80],
    ];

    public static readonly string[] Malformed =
    [
        "{", "}", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "[1,]", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1} x",
        "{\"a\":1}{\"b\":2}", "/*c*/{}", "{\"a\":\"unterminated}", "{\"a\":tru}", "{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
        "{a:1}", "{\"a\":1", "nul", "\"", "{\"a\":[}", "{\"a\":-}", "{\"a\":.5}", "   ",
    ];

    /// <summary>Values of a JSON type other than the field's.</summary>
    /// <summary>Integers past any quantity's range, however large: refused by the rules (invalid-quantity), not as a type.</summary>
    public static readonly string[] HugeIntegers = ["1e400", "-1e400", "1e309", "99999999999999999999999999999999999999999", "1e999999999999999999999"];

    public static IEnumerable<string> WrongTypes(FieldKind kind) => kind switch
    {
        FieldKind.Id or FieldKind.Text => ["5", "1.5", "true", "null", "[]", "{}", "[\"x\"]"],
        FieldKind.Integer => ["\"5\"", "1.5", "true", "null", "[]", "{}", "\"\"", "1e-400", "3.0000000000000000000001"],
        FieldKind.Flag => ["\"true\"", "1", "0", "null", "[]", "{}", "\"yes\""],
        FieldKind.Texts => ["\"operator\"", "5", "[5]", "[null]", "{}", "[[\"operator\"]]", "[\"admin\"]"],
        FieldKind.Object => ["\"x\"", "5", "[]", "null", "true"],
        _ => [],
    };

    public static readonly string[] NotObjects = ["[]", "\"s\"", "1", "true", "null", "[{}]"];

    public static readonly string[] BadIfMatch =
    [
        "1", "W/\"1\"", "*", "\"one\"", "\"1\", \"2\"", "\"-1\"", "\"\"", "\"1", "1\"", "\"1.5\"", "\"0x1\"", "\"99999999999999999999999\"", " ",
        "\"1\" \"2\"", "W/*",
    ];

    public static readonly string[] BadContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16", "application/jsonx", "text/json; charset=latin1", "image/png", "application/octet-stream",
    ];

    public static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A JSON body with the value at the field's path replaced by raw JSON text.</summary>
    public static byte[] With(Endpoint endpoint, string path, string? rawValue)
    {
        var body = endpoint.ValidBody();
        var marker = "__fuzz_" + Guid.NewGuid().ToString("N");
        var parts = path.Split('.');
        var target = body;
        foreach (var part in parts[..^1])
        {
            target = (JsonObject)target[part]!;
        }

        if (rawValue is null)
        {
            target.Remove(parts[^1]);
            return Utf8(body.ToJsonString());
        }

        target[parts[^1]] = marker;
        return Utf8(body.ToJsonString().Replace($"\"{marker}\"", rawValue, StringComparison.Ordinal));
    }

    public static string Nested(int depth, char open, char close, string inner = "1") =>
        open == '{'
            ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) + inner + new string('}', depth)
            : new string(open, depth) + inner + new string(close, depth);
}
