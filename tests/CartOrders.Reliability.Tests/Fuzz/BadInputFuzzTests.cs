using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CartOrders.Bench.Server;
using CartOrders.Reliability.Tests.Support;

using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Reliability.Tests.Fuzz;

/// <summary>
/// Hostile input over every endpoint of the contract, against the real server (Kestrel) as a
/// separate process, each request written byte by byte on its own connection: malformed JSON,
/// wrong types, bodies just under and over 64 KiB, 10,000 levels of nesting, odd Unicode,
/// traversal and injection strings in ids, abused headers, broken HTTP framing; deterministic
/// tables plus a seeded random mix. Every answer must be a 4xx problem+json with a code (or, for
/// requests broken at the HTTP level, Kestrel's own empty 4xx), never a 5xx; after every request
/// the owner's cart and order are at the same version, and after each category their events and
/// the owner's lists are exactly as before.
/// </summary>
public sealed class BadInputFuzzTests
{
    public const int Seed = 20_261_126;
    private const int RandomCases = 1_200;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hostile_input_to_every_endpoint_is_answered_with_a_4xx_problem_and_changes_nothing()
    {
        using var host = new OutOfProcessServer();
        await host.StartAsync(Ct);
        using var api = new ApiClient(host.BaseAddress, connections: 16);
        var world = await World.CreateAsync(api, Ct);
        var baseline = await world.SnapshotAsync(api, Ct);

        var random = new Random(Seed);
        (string Name, IEnumerable<FuzzCase> Cases)[] categories =
        [
            ("malformed JSON", FuzzGenerators.MalformedJson(random)),
            ("wrong JSON types", FuzzGenerators.WrongTypes()),
            ("huge bodies", FuzzGenerators.HugeBodies()),
            ("deep nesting", FuzzGenerators.DeepNesting()),
            ("odd Unicode", FuzzGenerators.OddUnicode()),
            ("ids: path traversal, injection, length", FuzzGenerators.Ids()),
            ("paging: limit and continuation", FuzzGenerators.Paging()),
            ("headers and authorization", FuzzGenerators.Headers(world.Owner.Token)),
            ("raw HTTP framing", FuzzGenerators.RawRequests(world.CartId, world.Owner.Token)),
            ("seeded random", FuzzGenerators.SeededRandom(random, RandomCases, world.Owner.Token)),
        ];

        var failures = new ConcurrentQueue<string>();
        var report = new StringBuilder();
        var clock = Stopwatch.StartNew();
        var total = 0;
        foreach (var (name, generated) in categories)
        {
            var cases = generated.ToList();
            var byApp = 0;
            var byKestrel = 0;
            var codes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (fuzz, token) =>
            {
                var request = world.Render(fuzz, host.BaseAddress.Port);
                var response = await RawHttp.SendAsync(host.BaseAddress.Port, request, fuzz.HalfClose, token);
                var verdict = Judge(fuzz, response);
                if (verdict.Failure is { } failure)
                {
                    failures.Enqueue($"{fuzz}: {failure}");
                }
                else if (response is null)
                {
                    Interlocked.Increment(ref byKestrel);
                    codes.AddOrUpdate("connection closed without an answer", 1, (_, n) => n + 1);
                }
                else if (verdict.Code is { } code)
                {
                    Interlocked.Increment(ref byApp);
                    codes.AddOrUpdate($"{response.Status} {code}", 1, (_, n) => n + 1);
                }
                else
                {
                    Interlocked.Increment(ref byKestrel);
                    codes.AddOrUpdate($"{response.Status} (Kestrel, no body)", 1, (_, n) => n + 1);
                }

                if (await world.VersionsAsync(api, token) is var versions && versions != baseline.Versions)
                {
                    failures.Enqueue($"{fuzz}: changed state: versions {versions}, before {baseline.Versions}");
                }
            });

            var after = await world.SnapshotAsync(api, Ct);
            if (!after.SameAs(baseline))
            {
                failures.Enqueue($"after category {name}: the owner's events or lists changed");
            }

            total += cases.Count;
            report.AppendLine(CultureInfo.InvariantCulture, $"{name}: {cases.Count} requests, {byApp} problem answers from the app, {byKestrel} refused by Kestrel; {string.Join(", ", codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}"))}");
            Assert.True(failures.Count < 50, string.Join(Environment.NewLine, failures.Take(50)));
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"total: {total} bad requests over {FuzzGenerators.Endpoints.Length} endpoints in {clock.Elapsed.TotalSeconds:0} s (seed {Seed}); 5xx: 0; state changes: 0");
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(50)));
        Assert.False(host.Process.HasExited);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
    }

    private static (string? Failure, string? Code) Judge(FuzzCase fuzz, RawResponse? response)
    {
        if (response is null)
        {
            return fuzz.NoAnswerAllowed ? (null, null) : ("no HTTP answer", null);
        }

        if (response.Status == fuzz.KestrelStatus && response.Body.Length == 0)
        {
            return (null, null);
        }

        if (response.Status is < 400 or >= 500)
        {
            return ($"answered {response.Status}: {FuzzGenerators.Truncate(response.Body)}", null);
        }

        if (response.Body.Length == 0)
        {
            return fuzz.KestrelMayRefuse ? (null, null) : ($"answered {response.Status} without a problem body", null);
        }

        if (response.MediaType != "application/problem+json")
        {
            return ($"answered {response.Status} as {response.MediaType}: {FuzzGenerators.Truncate(response.Body)}", null);
        }

        try
        {
            using var problem = JsonDocument.Parse(response.Body);
            var code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            if (string.IsNullOrEmpty(code) || problem.RootElement.GetProperty("status").GetInt32() != response.Status)
            {
                return ($"problem without code or with another status: {response.Body}", null);
            }

            if (fuzz.Codes is { } expected && !expected.Contains(code))
            {
                return ($"answered {response.Status} {code}, expected {string.Join(" or ", expected)}: {FuzzGenerators.Truncate(response.Body)}", null);
            }

            return response.Body.Contains("   at ", StringComparison.Ordinal) ? ("a stack trace in the problem", null) : (null, code);
        }
        catch (JsonException)
        {
            return ($"a problem body that is not JSON: {FuzzGenerators.Truncate(response.Body)}", null);
        }
    }

    /// <summary>The owner's cart (with a collaborator and a line), a checked-out cart and its order, and the tokens.</summary>
    private sealed record World(BenchUser Owner, BenchUser Collaborator, BenchUser Operator, string CartId, string CheckedOutCartId, string OrderId)
    {
        public static async Task<World> CreateAsync(ApiClient api, CancellationToken cancellationToken)
        {
            var owner = await api.UserWithCartsAsync("fuzz-owner", 2, cancellationToken);
            var collaborator = new BenchUser("fuzz-bob", await api.TokenAsync("fuzz-bob", cancellationToken), []);
            var tokens = await api.SendAsync(HttpMethod.Post, "/api/dev/tokens", null, """{"userId":"fuzz-ops","roles":["operator"]}""", cancellationToken: cancellationToken);
            var @operator = new BenchUser("fuzz-ops", JsonNode.Parse(tokens.Body)!["token"]!.GetValue<string>(), []);
            var (cart, other) = (owner.Carts[0], owner.Carts[1]);
            foreach (var c in new[] { cart, other })
            {
                Assert.Equal(HttpStatusCode.OK, (await api.AddItemAsync(owner, c, 0, readVersion: false, cancellationToken)).Status);
            }

            await api.AddCollaboratorAsync(owner, cart, collaborator.UserId, cancellationToken);
            var checkout = await api.SendAsync(HttpMethod.Post, $"/api/carts/{other}/checkout", owner, """{"shippingAddress":{"name":"Fuzz","line1":"1 Rue","city":"Lyon","postalCode":"69001","country":"FR"}}""", cancellationToken: cancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, checkout.Status);
            var orderId = JsonNode.Parse(checkout.Body)!["orderId"]!.GetValue<string>();
            await Eventually.TrueAsync(async () => (await api.SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", owner, cancellationToken: cancellationToken)).Status == HttpStatusCode.OK, because: "the order was not placed");

            return new World(owner, collaborator, @operator, cart, other, orderId);
        }

        /// <summary>The request bytes: the case's method, path and query, the caller's token unless replaced, its headers and body.</summary>
        public byte[] Render(FuzzCase fuzz, int port)
        {
            if (fuzz.Raw is { } raw)
            {
                return raw;
            }

            var path = fuzz.Endpoint.Template
                .Replace("{cartId}", fuzz.PathIds.GetValueOrDefault("{cartId}", CartId), StringComparison.Ordinal)
                .Replace("{orderId}", fuzz.PathIds.GetValueOrDefault("{orderId}", OrderId), StringComparison.Ordinal)
                .Replace("{productId}", fuzz.PathIds.GetValueOrDefault("{productId}", FuzzGenerators.Espresso), StringComparison.Ordinal)
                .Replace("{userId}", fuzz.PathIds.GetValueOrDefault("{userId}", Collaborator.UserId), StringComparison.Ordinal)
                .Replace("{connectionId}", fuzz.PathIds.GetValueOrDefault("{connectionId}", "no-such-connection"), StringComparison.Ordinal);
            var head = new StringBuilder();
            head.Append(CultureInfo.InvariantCulture, $"{fuzz.Endpoint.Method} {path}{fuzz.Query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
            var token = fuzz.Endpoint.Caller switch
            {
                Caller.Owner => Owner.Token,
                Caller.Operator => Operator.Token,
                _ => null,
            };
            if (token is not null && !fuzz.WithoutToken && !fuzz.Headers.Any(h => h.Name == "Authorization"))
            {
                head.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {token}\r\n");
            }

            foreach (var (name, value) in fuzz.Headers)
            {
                head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
            }

            var body = fuzz.Body ?? [];
            if (fuzz.Body is not null && fuzz.ContentType is { } type)
            {
                head.Append(CultureInfo.InvariantCulture, $"Content-Type: {type}\r\n");
            }

            if (fuzz.Chunked)
            {
                head.Append("Transfer-Encoding: chunked\r\n\r\n");
                var chunked = new MemoryStream();
                foreach (var chunk in body.Chunk(4096))
                {
                    chunked.Write(Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                    chunked.Write(chunk);
                    chunked.Write("\r\n"u8);
                }

                chunked.Write("0\r\n\r\n"u8);
                return [.. Encoding.UTF8.GetBytes(head.ToString()), .. chunked.ToArray()];
            }

            if (fuzz.Body is not null || fuzz.Endpoint.Method is "POST" or "PUT" or "DELETE")
            {
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
            }

            head.Append("\r\n");
            return [.. Encoding.UTF8.GetBytes(head.ToString()), .. body];
        }

        /// <summary>The versions (ETags) of the owner's cart and order.</summary>
        public async Task<string> VersionsAsync(ApiClient api, CancellationToken cancellationToken)
        {
            var cart = await api.SendAsync(HttpMethod.Get, $"/api/carts/{CartId}/events", Owner, cancellationToken: cancellationToken);
            var order = await api.SendAsync(HttpMethod.Get, $"/api/orders/{OrderId}", Owner, cancellationToken: cancellationToken);
            return $"cart v{cart.Version}, order v{order.Version}";
        }

        public async Task<Snapshot> SnapshotAsync(ApiClient api, CancellationToken cancellationToken)
        {
            await OutOfProcessServer.WaitForProjectionAsync(api, cancellationToken);
            async Task<string> Get(string path, BenchUser user) => (await api.SendAsync(HttpMethod.Get, path, user, cancellationToken: cancellationToken)).Body;
            return new Snapshot(
                await VersionsAsync(api, cancellationToken),
                [
                    await Get($"/api/carts/{CartId}/events", Owner),
                    await Get($"/api/carts/{CheckedOutCartId}/events", Owner),
                    await Get($"/api/orders/{OrderId}", Owner),
                    await Get("/api/carts", Owner),
                    await Get("/api/orders", Owner),
                    await Get("/api/carts", Collaborator),
                ]);
        }
    }

    private sealed record Snapshot(string Versions, IReadOnlyList<string> Documents)
    {
        public bool SameAs(Snapshot other) => Versions == other.Versions && Documents.SequenceEqual(other.Documents);
    }
}
