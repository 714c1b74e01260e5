using System.Text;
using System.Text.Json.Nodes;

namespace CartOrders.Reliability.Tests.Fuzz;

/// <summary>
/// Every endpoint of the contract, and the bad requests made for each: deterministic tables of
/// hostile input per category, and a seeded random mix of the same mutations with random sizes,
/// positions and combinations. Every generated request is bad for its endpoint whatever the state,
/// so each must be refused with a 4xx problem and change nothing.
/// </summary>
internal static class FuzzGenerators
{
    public const string Espresso = "espresso-beans-250g";

    private static readonly JsonObject s_address = new()
    {
        ["name"] = "Fuzz Tester",
        ["line1"] = "1 Rue Test",
        ["city"] = "Lyon",
        ["postalCode"] = "69001",
        ["country"] = "FR",
    };

    public static readonly Endpoint[] Endpoints =
    [
        new("GET", "/api/products", false, Caller.Anonymous, false, false, []),
        new("GET", "/api/health", false, Caller.Anonymous, false, false, []),
        new("POST", "/api/dev/tokens", false, Caller.Anonymous, true, false, [new("userId", FieldKind.Id, "fuzz-user"), new("roles", FieldKind.Texts, new JsonArray("operator"))]),
        new("GET", "/api/carts", true, Caller.Owner, false, false, []),
        new("POST", "/api/carts", true, Caller.Owner, true, true, []),
        new("GET", "/api/carts/{cartId}", true, Caller.Owner, false, false, []),
        new("GET", "/api/carts/{cartId}/events", true, Caller.Owner, false, false, []),
        new("PUT", "/api/carts/{cartId}/name", true, Caller.Owner, true, true, [new("name", FieldKind.Text, "Fuzz cart")]),
        new("POST", "/api/carts/{cartId}/items", true, Caller.Owner, true, true, [new("productId", FieldKind.Id, Espresso), new("quantity", FieldKind.Integer, 1)]),
        new("PUT", "/api/carts/{cartId}/items/{productId}", true, Caller.Owner, true, true, [new("quantity", FieldKind.Integer, 3)]),
        new("DELETE", "/api/carts/{cartId}/items/{productId}", true, Caller.Owner, true, true, []),
        new("POST", "/api/carts/{cartId}/collaborators", true, Caller.Owner, true, true, [new("userId", FieldKind.Id, "carol-fuzz")]),
        new("DELETE", "/api/carts/{cartId}/collaborators/{userId}", true, Caller.Owner, true, true, []),
        new("POST", "/api/carts/{cartId}/checkout", true, Caller.Owner, true, true,
        [
            new("shippingAddress", FieldKind.Object, s_address),
            .. s_address.Select(p => new Field("shippingAddress." + p.Key, FieldKind.Text, p.Value!.DeepClone())),
        ]),
        new("POST", "/api/carts/{cartId}/subscriptions", true, Caller.Owner, true, true, [new("connectionId", FieldKind.Text, "no-such-connection")]),
        new("GET", "/api/carts/{cartId}/presence", true, Caller.Owner, false, false, []),
        new("PUT", "/api/carts/{cartId}/subscriptions/{connectionId}", true, Caller.Owner, true, true, []),
        new("DELETE", "/api/carts/{cartId}/subscriptions/{connectionId}", true, Caller.Owner, true, true, []),
        new("GET", "/api/orders", true, Caller.Owner, false, false, []),
        new("GET", "/api/orders/{orderId}", true, Caller.Owner, false, false, []),
        new("POST", "/api/orders/{orderId}/cancel", true, Caller.Owner, true, true, [new("reason", FieldKind.Text, "fuzz")]),
        new("POST", "/api/orders/{orderId}/payment", true, Caller.Operator, true, true, [new("approved", FieldKind.Flag, true), new("reference", FieldKind.Text, "psp-1")]),
        new("POST", "/api/orders/{orderId}/shipment", true, Caller.Operator, true, true, [new("carrier", FieldKind.Text, "DHL"), new("trackingNumber", FieldKind.Text, "T1")]),
        new("GET", "/api/admin/parked", true, Caller.Operator, false, false, []),
        new("GET", "/api/admin/orders", true, Caller.Operator, false, false, []),
        new("POST", "/api/admin/parked/replay", true, Caller.Operator, true, true, [new("subscription", FieldKind.Text, "projector")]),
        new("POST", "/api/negotiate", true, Caller.Owner, false, false, []),
        new("GET", "/api", true, Caller.Owner, false, false, []),
        new("POST", "/api", true, Caller.Owner, false, false, []),
    ];

    private static readonly string[] s_malformed = ["malformed-json"];
    private static readonly string[] s_validation = ["validation-failed"];
    private static readonly string[] s_validationOrMalformed = ["validation-failed", "malformed-json"];

    private static IEnumerable<Endpoint> WithBody => Endpoints.Where(e => e.ReadsBody);

    private static byte[] Valid(Endpoint e) => Hostile.Utf8(e.ValidBody().ToJsonString());

    public static IEnumerable<FuzzCase> MalformedJson(Random random)
    {
        foreach (var e in WithBody)
        {
            foreach (var text in Hostile.Malformed)
            {
                yield return new FuzzCase("malformed JSON", e, $"body {Truncate(text)}") { Body = Hostile.Utf8(text), Codes = s_malformed };
            }

            if (e.Fields.Count > 0 || e.Template == "/api/dev/tokens")
            {
                yield return new FuzzCase("malformed JSON", e, "empty body") { Body = [], Codes = s_malformed };
            }

            for (var i = 0; i < 6; i++)
            {
                yield return StrictPrefix(e, random);
                yield return GarbageBefore(e, random);
            }
        }
    }

    public static IEnumerable<FuzzCase> WrongTypes()
    {
        foreach (var e in WithBody)
        {
            foreach (var notObject in Hostile.NotObjects)
            {
                yield return new FuzzCase("wrong JSON types", e, $"body {notObject}") { Body = Hostile.Utf8(notObject), Codes = s_validation };
            }

            foreach (var field in e.Fields)
            {
                foreach (var value in Hostile.WrongTypes(field.Kind))
                {
                    yield return new FuzzCase("wrong JSON types", e, $"{field.Path} = {value}") { Body = Hostile.With(e, field.Path, value), Codes = s_validation };
                }

                foreach (var value in field.Kind == FieldKind.Integer ? Hostile.HugeIntegers : [])
                {
                    yield return new FuzzCase("wrong JSON types", e, $"{field.Path} = {Truncate(value)}") { Body = Hostile.With(e, field.Path, value), Codes = ["invalid-quantity"] };
                }

                if (field.Kind != FieldKind.Texts)
                {
                    yield return new FuzzCase("wrong JSON types", e, $"{field.Path} missing") { Body = Hostile.With(e, field.Path, null), Codes = s_validation };
                }
            }
        }
    }

    public static IEnumerable<FuzzCase> HugeBodies()
    {
        const int limit = 64 * 1024;
        foreach (var e in WithBody)
        {
            // Just under the limit, and not valid: an overlong id or text, or a body that is no object.
            foreach (var field in e.Fields.Where(f => f.Kind is FieldKind.Id or FieldKind.Text))
            {
                var shell = Hostile.With(e, field.Path, "\"\"").Length;
                var value = "\"" + new string('x', limit - shell - 8) + "\"";
                yield return new FuzzCase("huge bodies", e, $"{field.Path} of {limit - shell - 8} characters, body just under 64 KiB") { Body = Hostile.With(e, field.Path, value), Codes = s_validation };
            }

            var array = "[" + string.Join(",", Enumerable.Repeat("1", (limit - 100) / 2)) + "]";
            yield return new FuzzCase("huge bodies", e, $"an array of {array.Length} bytes (just under 64 KiB)") { Body = Hostile.Utf8(array), Codes = s_validation };

            // Over the limit: a valid body padded with an unknown field.
            foreach (var size in new[] { limit + 1, limit + 1024, 256 * 1024 })
            {
                var padded = Padded(e, size);
                yield return new FuzzCase("huge bodies", e, $"{size} bytes with Content-Length") { Body = padded, Codes = ["payload-too-large"] };
            }

            yield return new FuzzCase("huge bodies", e, $"{limit + 1} bytes, chunked") { Body = Padded(e, limit + 1), Chunked = true, Codes = ["payload-too-large"] };
        }
    }

    public static IEnumerable<FuzzCase> DeepNesting()
    {
        foreach (var e in WithBody)
        {
            yield return new FuzzCase("deep nesting", e, "10,000 nested arrays") { Body = Hostile.Utf8(Hostile.Nested(10_000, '[', ']')), Codes = s_malformed };
            yield return new FuzzCase("deep nesting", e, "10,000 nested objects") { Body = Hostile.Utf8(Hostile.Nested(10_000, '{', '}')), Codes = s_malformed };
            yield return new FuzzCase("deep nesting", e, "65 nested arrays (one past the parser's depth)") { Body = Hostile.Utf8(Hostile.Nested(65, '[', ']')), Codes = s_malformed };
            yield return new FuzzCase("deep nesting", e, "an unknown field of 10,000 nested arrays") { Body = Hostile.Utf8("{\"deep\":" + Hostile.Nested(10_000, '[', ']') + "}"), Codes = s_malformed };
            foreach (var field in e.Fields.Take(2))
            {
                yield return new FuzzCase("deep nesting", e, $"{field.Path} = 5,000 nested objects") { Body = Hostile.With(e, field.Path, Hostile.Nested(5_000, '{', '}')), Codes = s_malformed };
            }
        }
    }

    public static IEnumerable<FuzzCase> OddUnicode()
    {
        foreach (var e in WithBody)
        {
            foreach (var field in e.Fields.Where(f => f.Kind is FieldKind.Id))
            {
                foreach (var value in new[] { "\u202Eabc", "\U0001F642", "é", "\uFF21", "a\u200Bb", "a\u0000b", "a\nb", "\u0000", "\uFEFFabc" })
                {
                    yield return new FuzzCase("odd Unicode", e, $"{field.Path} = {Hostile.Json(value)}") { Body = Hostile.With(e, field.Path, Hostile.Json(value)), Codes = s_validation };
                }
            }

            foreach (var field in e.Fields.Where(f => f.Kind is FieldKind.Text))
            {
                foreach (var value in Hostile.BadTexts)
                {
                    yield return new FuzzCase("odd Unicode", e, $"{field.Path} = {Hostile.Json(value)}") { Body = Hostile.With(e, field.Path, Hostile.Json(value)), Codes = s_validation };
                }
            }

            foreach (var field in e.Fields.Where(f => f.Kind is FieldKind.Id or FieldKind.Text))
            {
                foreach (var surrogate in Hostile.LoneSurrogates)
                {
                    yield return new FuzzCase("odd Unicode", e, $"{field.Path} = \"{surrogate}\"") { Body = Hostile.With(e, field.Path, $"\"{surrogate}\""), Codes = s_malformed };
                }
            }

            var valid = e.ValidBody().ToJsonString();
            yield return new FuzzCase("odd Unicode", e, "a field name with a lone surrogate") { Body = Hostile.Utf8("{\"\\ud800\":1," + valid[1..]), Codes = s_malformed };
            foreach (var bytes in Hostile.InvalidUtf8)
            {
                var body = Encoding.UTF8.GetBytes("{\"note\":\"a").Concat(bytes).Concat(Encoding.UTF8.GetBytes("b\"," + valid[1..])).ToArray();
                if (valid == "{}")
                {
                    body = [.. Encoding.UTF8.GetBytes("{\"note\":\"a"), .. bytes, .. Encoding.UTF8.GetBytes("b\"}")];
                }

                yield return new FuzzCase("odd Unicode", e, $"bytes {Convert.ToHexString(bytes)} (not UTF-8) in a string") { Body = body, Codes = s_malformed };
            }

            yield return new FuzzCase("odd Unicode", e, "a UTF-16 body") { Body = Encoding.Unicode.GetBytes(valid), Codes = s_malformed };
        }
    }

    public static IEnumerable<FuzzCase> Ids()
    {
        foreach (var e in Endpoints)
        {
            foreach (var slot in e.IdSlots())
            {
                foreach (var (segment, kestrel) in Hostile.PathIds)
                {
                    yield return new FuzzCase("ids: path traversal, injection, length", e, $"{slot} = {Truncate(segment)}")
                    {
                        PathIds = new() { [slot] = segment },
                        Body = e.ReadsBody ? Valid(e) : null,
                        KestrelMayRefuse = kestrel,
                    };
                }
            }

            foreach (var field in e.Fields.Where(f => f.Kind == FieldKind.Id))
            {
                foreach (var value in Hostile.BodyIds)
                {
                    yield return new FuzzCase("ids: path traversal, injection, length", e, $"{field.Path} = {Truncate(Hostile.Json(value))}") { Body = Hostile.With(e, field.Path, Hostile.Json(value)), Codes = s_validation };
                }
            }
        }

        var cart = Endpoints.Single(e => e.Template == "/api/carts/{cartId}");
        foreach (var atVersion in new[] { "-1", "0", "abc", "1.5", "99999999999999999999", "1e3", "", "1&atVersion=2", "%00", "0x1", "%201", "1%20", "+1", "%D9%A1" })
        {
            yield return new FuzzCase("ids: path traversal, injection, length", cart, $"?atVersion={atVersion}") { Query = "?atVersion=" + atVersion, Codes = ["validation-failed", "version-not-found"] };
        }

        // The hub's transport: a connection id that was never negotiated, or none.
        foreach (var hub in Endpoints.Where(e => e.Template == "/api"))
        {
            foreach (var (query, codes) in new[] { ("", "bad-request"), ("?id=", "bad-request"), ("?id=forged", "not-found"), ("?id=..%2F..", "not-found"), ("?id=" + new string('i', 2_000), "not-found") })
            {
                yield return new FuzzCase("ids: path traversal, injection, length", hub, $"hub connection {FuzzGenerators.Truncate(query)}") { Query = query, Codes = [codes, "not-found", "bad-request"] };
            }
        }

        var parked = Endpoints.Single(e => e.Template == "/api/admin/parked");
        foreach (var subscription in new[] { "", "nonsense", "projector&subscription=projector", "%27%20OR%201%3D1", "..%2F.." })
        {
            yield return new FuzzCase("ids: path traversal, injection, length", parked, $"?subscription={subscription}") { Query = "?subscription=" + subscription, Codes = s_validation };
        }

        var byStatus = Endpoints.Single(e => e.Template == "/api/admin/orders");
        foreach (var status in new[] { "", "lost", "placed&status=shipped", "%27%20OR%201%3D1", "PLACED", "%00" })
        {
            yield return new FuzzCase("ids: path traversal, injection, length", byStatus, $"?status={status}") { Query = "?status=" + status, Codes = s_validation };
        }
    }

    /// <summary>
    /// Paging of every list: a limit out of 1-200 or not one integer, a continuation this server
    /// never issued for this caller and list (changed, cut, forged, repeated).
    /// </summary>
    public static IEnumerable<FuzzCase> Paging()
    {
        foreach (var list in Endpoints.Where(e => e.Template is "/api/carts" or "/api/orders" or "/api/carts/{cartId}/events" or "/api/admin/parked" or "/api/admin/orders" && e.Method == "GET"))
        {
            var query = list.Template == "/api/admin/orders" ? "?status=placed&" : "?";
            foreach (var limit in new[] { "0", "201", "-1", "abc", "1.5", "", "99999999999999999999", "1e2", "5&limit=6", "%00", "0x10", "+5", "%D9%A1" })
            {
                yield return new FuzzCase("paging: limit and continuation", list, $"?limit={Truncate(limit)}") { Query = query + "limit=" + limit, Codes = s_validation };
            }

            foreach (var continuation in new[] { "", "x", "AAAA", "CfDJ8" + new string('A', 200), "%00", "..%2F..", new string('a', 7_000), "a&continuation=b", "eyJ1IjoiYWxpY2UifQ" })
            {
                yield return new FuzzCase("paging: limit and continuation", list, $"?continuation={Truncate(continuation)}") { Query = query + "continuation=" + continuation, Codes = ["invalid-continuation"] };
            }
        }
    }

    public static IEnumerable<FuzzCase> Headers(string ownerToken)
    {
        foreach (var e in Endpoints.Where(e => e.IsCommand))
        {
            var onStream = e.Template.Contains("{cartId}", StringComparison.Ordinal) || e.Template.Contains("{orderId}", StringComparison.Ordinal);
            foreach (var ifMatch in Hostile.BadIfMatch)
            {
                yield return new FuzzCase("headers", e, $"If-Match: {Truncate(ifMatch)}") { Body = Valid(e), Headers = [("If-Match", ifMatch)], Codes = ["invalid-if-match"] };
            }

            yield return new FuzzCase("headers", e, "If-Match of 20,000 digits") { Body = Valid(e), Headers = [("If-Match", "\"" + new string('1', 20_000) + "\"")], Codes = ["invalid-if-match"] };
            if (onStream && !e.Template.Contains("/subscriptions", StringComparison.Ordinal))
            {
                yield return new FuzzCase("headers", e, "If-Match: \"999999\" (a version the stream never had)") { Body = Valid(e), Headers = [("If-Match", "\"999999\"")], Codes = ["version-mismatch"] };
            }

            foreach (var (key, kestrel) in new[] { (new string('k', 129), false), (new string('k', 8_000), false), ("", false), (" ", false), ("clé", true), ("\U0001F511", true), ("key\u0001", true), ("a\u007fb", true) })
            {
                yield return new FuzzCase("headers", e, $"Idempotency-Key of {key.Length} characters: {Truncate(key)}") { Body = Valid(e), Headers = [("Idempotency-Key", key)], Codes = ["idempotency-key-invalid"], KestrelMayRefuse = kestrel };
            }

            foreach (var type in Hostile.BadContentTypes)
            {
                yield return new FuzzCase("headers", e, $"Content-Type: {type}") { Body = Valid(e), ContentType = type, Codes = ["unsupported-media-type"] };
            }

            yield return new FuzzCase("headers", e, "a body without Content-Type") { Body = Valid(e), ContentType = null, Codes = ["unsupported-media-type"] };
        }

        var algNone = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64Url($"{{\"sub\":\"fuzz-owner\",\"iss\":\"cartorders-dev\",\"aud\":\"cartorders-dev\",\"exp\":{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}") + ".";
        var parts = ownerToken.Split('.');
        string[] authorizations =
        [
            "Basic YWxpY2U6cGFzcw==", "Bearer", "Bearer ", "Bearer garbage", "Bearer a.b.c", "Bearer " + ownerToken + "x",
            "Bearer " + parts[0] + "." + parts[1] + ".", "Bearer " + algNone, "Digest username=\"alice\"", "Bearer " + new string('A', 16_000),
            "Token " + ownerToken, ownerToken, "Bearer " + parts[1] + "." + parts[0] + "." + parts[2], "Bearer  " + ownerToken + " extra",
        ];
        foreach (var e in Endpoints.Where(e => e.Protected))
        {
            yield return new FuzzCase("authorization", e, "no token") { WithoutToken = true, Body = e.ReadsBody ? Valid(e) : null, Codes = ["unauthorized"] };
            foreach (var authorization in authorizations)
            {
                yield return new FuzzCase("authorization", e, $"Authorization: {Truncate(authorization)}")
                {
                    Headers = [("Authorization", authorization)],
                    Body = e.ReadsBody ? Valid(e) : null,
                    Codes = ["unauthorized"],
                };
            }
        }

        foreach (var e in Endpoints)
        {
            foreach (var name in new[] { "X-Fuzz", "Authorization", "Idempotency-Key", "If-Match", "Cookie" })
            {
                yield return new FuzzCase("headers", e, $"{name} of 40,000 characters (past Kestrel's 32 KiB of headers)")
                {
                    Headers = [(name, new string('h', 40_000))],
                    Body = e.ReadsBody ? Valid(e) : null,
                    KestrelMayRefuse = true,
                };
            }

            yield return new FuzzCase("headers", e, "120 header fields (past Kestrel's 100)")
            {
                Headers = [.. Enumerable.Range(0, 120).Select(i => ($"X-Fuzz-{i}", "x"))],
                Body = e.ReadsBody ? Valid(e) : null,
                KestrelMayRefuse = true,
            };
        }
    }

    /// <summary>Requests HttpClient will not write: repeated headers, broken framing, raw bytes; on add-item to the owner's cart.</summary>
    public static IEnumerable<FuzzCase> RawRequests(string cartId, string ownerToken)
    {
        var e = Endpoints.Single(x => x.Template == "/api/carts/{cartId}/items");
        var valid = $"{{\"productId\":\"{Espresso}\",\"quantity\":1}}";
        var path = $"/api/carts/{cartId}/items";
        string Head(string requestLine, params string[] headers) =>
            requestLine + $"\nHost: 127.0.0.1\nAuthorization: Bearer {ownerToken}\nConnection: close\n" + string.Concat(headers.Select(h => h + "\n"));

        FuzzCase Raw(string description, string head, string? body, string[]? codes, bool kestrel = false, bool halfClose = false) =>
            new("raw HTTP framing", e, description)
            {
                Raw = RawHttpBytes(head, body),
                Codes = codes,
                KestrelMayRefuse = kestrel,
                HalfClose = halfClose,
            };

        yield return Raw("two Idempotency-Key lines", Head($"POST {path} HTTP/1.1", "Idempotency-Key: a", "Idempotency-Key: b", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, ["idempotency-key-invalid"]);
        yield return Raw("two If-Match lines", Head($"POST {path} HTTP/1.1", "If-Match: \"1\"", "If-Match: \"1\"", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, ["invalid-if-match"]);
        yield return Raw("two Authorization lines", Head($"POST {path} HTTP/1.1", "Authorization: Bearer garbage", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, ["unauthorized"], kestrel: true);
        yield return Raw("two Content-Type lines, body not JSON", Head($"POST {path} HTTP/1.1", "Content-Type: application/json", "Content-Type: text/plain", "Content-Length: 1"), "{", null, kestrel: true);
        yield return Raw("chunk size not hex", Head($"POST {path} HTTP/1.1", "Content-Type: application/json", "Transfer-Encoding: chunked"), "zz\r\n{}\r\n0\r\n\r\n", ["bad-request"], kestrel: true);
        yield return Raw("chunk data not followed by CRLF", Head($"POST {path} HTTP/1.1", "Content-Type: application/json", "Transfer-Encoding: chunked"), "2\r\n{}XX\r\n0\r\n\r\n", ["bad-request"], kestrel: true);
        yield return Raw("Content-Length and Transfer-Encoding, body not JSON", Head($"POST {path} HTTP/1.1", "Content-Type: application/json", "Content-Length: 3", "Transfer-Encoding: chunked"), "1\r\n{\r\n0\r\n\r\n", null, kestrel: true);
        yield return Raw("body shorter than Content-Length, then the client ends its side", Head($"POST {path} HTTP/1.1", "Content-Type: application/json", "Content-Length: 100"), valid, ["bad-request"], kestrel: true, halfClose: true) with { NoAnswerAllowed = true };
        yield return Raw("two Content-Length values", Head($"POST {path} HTTP/1.1", "Content-Type: application/json", "Content-Length: 1", "Content-Length: 2"), "{", null, kestrel: true);
        yield return Raw("Content-Length not a number", Head($"POST {path} HTTP/1.1", "Content-Type: application/json", "Content-Length: abc"), "{", null, kestrel: true);
        yield return Raw("a space in the request target", Head($"POST /api/carts/a b/items HTTP/1.1", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, null, kestrel: true);
        yield return Raw("raw UTF-8 bytes in the request target", Head($"POST /api/carts/\u00c3\u00a9/items HTTP/1.1", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, ["invalid-id"], kestrel: true);
        yield return Raw("a NUL byte in a header value", Head($"POST {path} HTTP/1.1", "X-Fuzz: a\u0000b", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, null, kestrel: true);
        yield return Raw("a header line without a colon", Head($"POST {path} HTTP/1.1", "NoColonHere", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, null, kestrel: true);
        yield return Raw("a method that is not a token", Head($"P@ST {path} HTTP/1.1", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, null, kestrel: true);
        yield return Raw("an HTTP version that does not exist", Head($"POST {path} HTTP/9.9", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, null, kestrel: true) with { KestrelStatus = 505 };
        yield return Raw("a request target of 20,000 characters", Head($"POST /api/carts/{new string('a', 20_000)}/items HTTP/1.1", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, null, kestrel: true);
        yield return Raw("an absolute-form target to another host", Head($"POST http://example.com{path}x HTTP/1.1", "Content-Type: application/json", "Content-Length: 1"), "{", null, kestrel: true);
        yield return Raw("Idempotency-Key with a Latin-1 byte", Head($"POST {path} HTTP/1.1", "Idempotency-Key: caf\u00e9", "Content-Type: application/json", $"Content-Length: {valid.Length}"), valid, ["idempotency-key-invalid"], kestrel: true);
    }

    /// <summary>The same mutations, drawn at random with random sizes and positions.</summary>
    public static IEnumerable<FuzzCase> SeededRandom(Random random, int count, string ownerToken)
    {
        var bodies = WithBody.ToArray();
        var withIds = Endpoints.Where(e => e.IdSlots().Any()).ToArray();
        var commands = Endpoints.Where(e => e.IsCommand).ToArray();
        var protectedOnes = Endpoints.Where(e => e.Protected).ToArray();
        for (var i = 0; i < count; i++)
        {
            var e = bodies[random.Next(bodies.Length)];
            switch (random.Next(10))
            {
                case 0:
                    yield return StrictPrefix(e, random) with { Category = "seeded random" };
                    break;
                case 1:
                    yield return GarbageBefore(e, random) with { Category = "seeded random" };
                    break;
                case 2:
                    var depth = random.Next(65, 10_001);
                    var bracket = random.Next(2) == 0;
                    yield return new FuzzCase("seeded random", e, $"{depth} nested {(bracket ? "arrays" : "objects")}")
                    {
                        Body = Hostile.Utf8(bracket ? Hostile.Nested(depth, '[', ']') : Hostile.Nested(depth, '{', '}')),
                        Codes = s_malformed,
                    };
                    break;
                case 3 when e.Fields.Count > 0:
                    var field = e.Fields[random.Next(e.Fields.Count)];
                    var wrong = Hostile.WrongTypes(field.Kind).ToArray();
                    var value = wrong[random.Next(wrong.Length)];
                    yield return new FuzzCase("seeded random", e, $"{field.Path} = {value}") { Body = Hostile.With(e, field.Path, value), Codes = s_validation };
                    break;
                case 4 when e.Fields.Any(f => f.Kind == FieldKind.Id):
                    var ids = e.Fields.Where(f => f.Kind == FieldKind.Id).ToArray();
                    var idField = ids[random.Next(ids.Length)];
                    var id = RandomBadId(random);
                    yield return new FuzzCase("seeded random", e, $"{idField.Path} = {Truncate(Hostile.Json(id))}") { Body = Hostile.With(e, idField.Path, Hostile.Json(id)), Codes = s_validation };
                    break;
                case 5:
                    var target = withIds[random.Next(withIds.Length)];
                    var slots = target.IdSlots().ToArray();
                    var (segment, kestrel) = Hostile.PathIds[random.Next(Hostile.PathIds.Length)];
                    var prefix = new string('a', random.Next(0, 40));
                    yield return new FuzzCase("seeded random", target, $"{slots[0]} = {Truncate(prefix + segment)}")
                    {
                        PathIds = new() { [slots[random.Next(slots.Length)]] = prefix + segment },
                        Body = target.ReadsBody ? Valid(target) : null,
                        KestrelMayRefuse = kestrel,
                    };
                    break;
                case 6:
                    var command = commands[random.Next(commands.Length)];
                    var ifMatch = RandomBadIfMatch(random);
                    yield return new FuzzCase("seeded random", command, $"If-Match: {Truncate(ifMatch)}") { Body = Valid(command), Headers = [("If-Match", ifMatch)], Codes = ["invalid-if-match"] };
                    break;
                case 7:
                    var keyed = commands[random.Next(commands.Length)];
                    var key = new string(Enumerable.Range(0, random.Next(129, 2_000)).Select(_ => (char)random.Next(0x21, 0x7F)).ToArray());
                    yield return new FuzzCase("seeded random", keyed, $"Idempotency-Key of {key.Length} characters") { Body = Valid(keyed), Headers = [("Idempotency-Key", key)], Codes = ["idempotency-key-invalid"] };
                    break;
                case 8:
                    var guarded = protectedOnes[random.Next(protectedOnes.Length)];
                    // Not the last character of a segment: its low bits may be padding, and changing
                    // them would leave the token valid.
                    var token = ownerToken.ToCharArray();
                    int at;
                    do
                    {
                        at = random.Next(token.Length - 1);
                    }
                    while (token[at] == '.' || token[at + 1] == '.');
                    token[at] = token[at] == 'A' ? 'B' : 'A';
                    yield return new FuzzCase("seeded random", guarded, $"token with character {at} changed")
                    {
                        Headers = [("Authorization", "Bearer " + new string(token))],
                        Body = guarded.ReadsBody ? Valid(guarded) : null,
                        Codes = ["unauthorized"],
                    };
                    break;
                default:
                    var bytes = Hostile.InvalidUtf8[random.Next(Hostile.InvalidUtf8.Length)];
                    var valid = Valid(e);
                    var position = random.Next(1, valid.Length);
                    yield return new FuzzCase("seeded random", e, $"bytes {Convert.ToHexString(bytes)} at {position}") { Body = [.. valid[..position], .. bytes, .. valid[position..]], Codes = s_malformed };
                    break;
            }
        }
    }

    private static FuzzCase StrictPrefix(Endpoint e, Random random)
    {
        var valid = Valid(e);
        var length = random.Next(1, valid.Length);
        return new FuzzCase("malformed JSON", e, $"the first {length} of {valid.Length} bytes of a valid body") { Body = valid[..length], Codes = s_malformed };
    }

    private static FuzzCase GarbageBefore(Endpoint e, Random random)
    {
        var garbage = (byte)random.Next(0x21, 0x7F);
        // A '[' or '{' before a valid body leaves it unclosed, a '"' opens a string, anything else
        // makes a bad token or a second value: always malformed.
        return new FuzzCase("malformed JSON", e, $"'{(char)garbage}' before a valid body") { Body = [garbage, .. Valid(e)], Codes = s_malformed };
    }

    private static string RandomBadId(Random random)
    {
        string[] pool = [.. Hostile.BodyIds, "\u202E", "\U0001F642", "\u0000", "\\", "/", "..", " ", "#", "?", "%"];
        var fragment = pool[random.Next(pool.Length)];
        var padding = new string('a', random.Next(0, 30));
        var id = random.Next(2) == 0 ? padding + fragment : fragment + padding;
        return Domain.IdRules.IsValid(id) ? id + "/" : id;
    }

    private static string RandomBadIfMatch(Random random)
    {
        var text = new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0x20, 0x7F)).ToArray()).Trim();
        return System.Text.RegularExpressions.Regex.IsMatch(text, "^\"[0-9]+\"$") || text.Length == 0 ? "W/" + text : text;
    }

    private static byte[] Padded(Endpoint e, int size)
    {
        var valid = e.ValidBody().ToJsonString();
        var shell = "{\"padding\":\"\"," + valid[1..];
        if (valid == "{}")
        {
            shell = "{\"padding\":\"\"}";
        }

        var padding = new string('p', size - shell.Length);
        return Hostile.Utf8(shell.Replace("\"padding\":\"\"", $"\"padding\":\"{padding}\"", StringComparison.Ordinal));
    }

    private static byte[] RawHttpBytes(string head, string? body) =>
        Support.RawHttp.Request(head, body is null ? null : Encoding.Latin1.GetBytes(body));

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Truncate(string text) => text.Length <= 40 ? text : $"{text[..30]}... ({text.Length} chars)";
}
