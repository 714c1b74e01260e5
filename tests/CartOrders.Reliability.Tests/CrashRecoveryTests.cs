using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CartOrders.Bench.Server;
using CartOrders.Domain.Catalog;
using CartOrders.Reliability.Tests.Support;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Reliability.Tests;

/// <summary>
/// The real server as a separate process, under a stream of concurrent commands from several users
/// on several carts (adds, sets, checkouts, each with its own Idempotency-Key), killed with SIGKILL
/// at a random point, three times, and restarted on the same files. After each restart every
/// command whose answer was lost is sent again with its key until it answers, so every command
/// ever sent has one known outcome; then the store must hold exactly the appends of the commands
/// that succeeded, once each. It runs on both stores: SQLite, and Cosmos against a local Cosmos
/// server process (durable journal) that is killed with SIGKILL together with the server and
/// restarted on its journal; on Cosmos, whose commands take more round trips, with fewer workers
/// and fewer acknowledgements per round.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(60);

    private const int KillRounds = 3;
    private const int UserCount = 4;
    private const int CartsPerUser = 2;
    private const int MaxCommandsPerWorkerAndRound = 1_000;
    private static readonly TimeSpan s_roundTimeLimit = TimeSpan.FromSeconds(40);
    private static readonly string[] s_addProducts = [.. ProductCatalog.Seed.Products.Take(5).Select(p => p.ProductId.Value)];
    private static readonly string[] s_setProducts = [.. ProductCatalog.Seed.Products.Skip(5).Take(5).Select(p => p.ProductId.Value)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Command(long Seq, BenchUser User, HttpMethod Method, string Path, string? Body, string Key, string Kind, string? CartId)
    {
        /// <summary>The first answer, or null when none arrived (the server died, or the call timed out).</summary>
        public ApiAnswer? First { get; set; }

        /// <summary>The outcome: the first answer, or the answer of the retry with the same key after a restart.</summary>
        public ApiAnswer? Final { get; set; }

        /// <summary>The cart the command worked on: a creation learns it from its answer.</summary>
        public string? Cart => CartId ?? (Kind == "create" && Final is { IsSuccess: true } answer ? JsonNode.Parse(answer.Body)!["cartId"]!.GetValue<string>() : null);
    }

    /// <summary>How hard a store is pushed: concurrent workers, and the range of acknowledgements in a round before the SIGKILL.</summary>
    private sealed record Load(int Workers, int MinKillAfter, int MaxKillAfter);

    private static Load LoadOn(string store) => store == "Cosmos" ? new(4, 50, 150) : new(8, 100, 400);

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Cosmos")]
    public async Task The_server_killed_with_SIGKILL_under_load_loses_no_acknowledged_command_and_recovers_views_events_and_pushes(string store)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var (workers, minKillAfter, maxKillAfter) = LoadOn(store);
        using var server = new OutOfProcessServer(store: store);
        var commands = new ConcurrentQueue<Command>();
        long seq = 0;
        var carts = new Dictionary<string, List<string>>();
        var putCounters = new ConcurrentDictionary<(string, string), int>();
        var figures = new List<string>();
        BenchUser[] users = [];

        Command NewCommand(BenchUser user, HttpMethod method, string path, string? body, string kind, string? cartId)
        {
            var command = new Command(Interlocked.Increment(ref seq), user, method, path, body, "crash-" + Guid.NewGuid().ToString("N"), kind, cartId);
            commands.Enqueue(command);
            return command;
        }

        for (var round = 0; round <= KillRounds; round++)
        {
            await server.StartAsync(Ct);
            using var api = new ApiClient(server.BaseAddress, connections: 64);
            if (round == 0)
            {
                users = await Task.WhenAll(Enumerable.Range(0, UserCount).Select(async u =>
                {
                    var id = $"crash-user-{u}";
                    return new BenchUser(id, await api.TokenAsync(id, Ct), []);
                }));
                foreach (var user in users)
                {
                    carts[user.UserId] = [];
                    for (var c = 0; c < CartsPerUser; c++)
                    {
                        var create = NewCommand(user, HttpMethod.Post, "/api/carts", null, "create", null);
                        create.First = create.Final = await api.SendAsync(create.Method, create.Path, user, create.Body, create.Key, Ct);
                        Assert.Equal(HttpStatusCode.Created, create.Final.Status);
                        carts[user.UserId].Add(create.Cart!);
                    }
                }
            }
            else
            {
                var resolved = await ResolveUnansweredAsync(api, commands, Ct);
                var verified = await VerifyStoreAsync(api, commands, Ct);
                figures.Add($"restart {round}: {resolved} unanswered commands resent with their keys; {verified.Carts} carts, {verified.Events} events, {verified.Replayed} acknowledged keys replayed: all present once, nothing appended by replays");
            }

            if (round == KillRounds)
            {
                await VerifyViewsOrdersAndIntegrationEventsAsync(server, api, users, commands, Ct);
                await VerifyPushesResumeAsync(server, api, users[0], Ct);
                break;
            }

            // Load, and SIGKILL once this round has had its random number of acknowledgements.
            var killAfter = random.Next(minKillAfter, maxKillAfter);
            var acknowledged = 0;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource(s_roundTimeLimit);
            var killing = 0;
            var load = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                var rnd = new Random(seed + (round * 100) + w);
                var user = users[w % UserCount];
                for (var n = 0; n < MaxCommandsPerWorkerAndRound && !stop.IsCancellationRequested && Volatile.Read(ref killing) == 0; n++)
                {
                    string cart;
                    lock (carts)
                    {
                        var mine = carts[user.UserId];
                        cart = mine[rnd.Next(mine.Count)];
                    }

                    var command = NextCommand(rnd, user, cart, putCounters, NewCommand);
                    try
                    {
                        command.First = command.Final = await api.SendAsync(command.Method, command.Path, user, command.Body, command.Key, stop.Token);
                    }
                    catch (Exception error) when (error is HttpRequestException or OperationCanceledException)
                    {
                        continue; // no answer: resolved after the restart
                    }

                    if (command.First.IsSuccess && Interlocked.Increment(ref acknowledged) >= killAfter)
                    {
                        enough.TrySetResult();
                    }

                    var checkedOut = command.First.Status == HttpStatusCode.Accepted
                        || (command.First.Status == HttpStatusCode.Conflict && command.First.Body.Contains("\"cart-checked-out\"", StringComparison.Ordinal));
                    if (checkedOut)
                    {
                        await ReplaceCartAsync(api, user, cart, carts, NewCommand, stop.Token);
                    }
                }
            }, CancellationToken.None)));

            await Task.WhenAny(enough.Task, load).WaitAsync(s_roundTimeLimit + TimeSpan.FromSeconds(10), Ct);
            Assert.True(enough.Task.IsCompleted, $"round {round}: only {acknowledged} of {killAfter} commands acknowledged before the load ended");
            // No new command after this point; the ones in flight die with the server.
            Volatile.Write(ref killing, 1);
            server.Kill();
            await stop.CancelAsync();
            await load.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            figures.Add($"round {round + 1}: SIGKILL after {acknowledged} acknowledged commands in the round (target {killAfter}); {commands.Count(c => c.First is null)} commands so far without an answer");
        }

        var all = commands.ToList();
        figures.Add($"{store}: seed {seed}; {server.Starts} server starts, {server.CosmosStarts} local Cosmos server starts, {KillRounds} SIGKILL rounds; {all.Count} commands sent ({all.Count(c => c.Kind == "create")} creates, {all.Count(c => c.Kind == "add")} adds, {all.Count(c => c.Kind == "set")} sets, {all.Count(c => c.Kind == "checkout")} checkouts); {all.Count(c => c.First?.IsSuccess == true)} acknowledged at once, {all.Count(c => c.First is null)} answered only after a restart; {all.Count(c => c.Final?.IsSuccess == true)} succeeded in all; acknowledged commands lost: 0");
        foreach (var line in figures)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
    }

    private static Command NextCommand(Random rnd, BenchUser user, string cart, ConcurrentDictionary<(string, string), int> putCounters, Func<BenchUser, HttpMethod, string, string?, string, string?, Command> create)
    {
        var roll = rnd.NextDouble();
        if (roll < 0.08)
        {
            return create(user, HttpMethod.Post, $"/api/carts/{cart}/checkout", """{"shippingAddress":{"name":"Crash Test","line1":"1 Kill Street","city":"Lyon","postalCode":"69001","country":"FR"}}""", "checkout", cart);
        }

        if (roll < 0.35)
        {
            // Every set of a line asks for a quantity no set of that line asked for before, so every
            // successful set changes the line and appends one event.
            var product = s_setProducts[rnd.Next(s_setProducts.Length)];
            var quantity = putCounters.AddOrUpdate((cart, product), 1, (_, q) => q + 1);
            if (quantity <= 99)
            {
                return create(user, HttpMethod.Put, $"/api/carts/{cart}/items/{product}", $$"""{"quantity":{{quantity}}}""", "set", cart);
            }
        }

        var added = s_addProducts[rnd.Next(s_addProducts.Length)];
        return create(user, HttpMethod.Post, $"/api/carts/{cart}/items", $$"""{"productId":"{{added}}","quantity":1}""", "add", cart);
    }

    private static async Task ReplaceCartAsync(ApiClient api, BenchUser user, string checkedOut, Dictionary<string, List<string>> carts, Func<BenchUser, HttpMethod, string, string?, string, string?, Command> create, CancellationToken cancellationToken)
    {
        lock (carts)
        {
            if (!carts[user.UserId].Remove(checkedOut))
            {
                return; // another worker replaces it
            }
        }

        var creation = create(user, HttpMethod.Post, "/api/carts", null, "create", null);
        try
        {
            creation.First = creation.Final = await api.SendAsync(creation.Method, creation.Path, user, null, creation.Key, cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException)
        {
        }

        lock (carts)
        {
            // Without an answer the user works on with the carts left (never fewer than one: a checkout
            // removes a cart only after the replacement is asked for).
            carts[user.UserId].Add(creation.First is { IsSuccess: true } ? creation.Cart! : checkedOut);
        }
    }

    /// <summary>Sends each command that has no outcome yet again with its key until it answers (bounded).</summary>
    private static async Task<int> ResolveUnansweredAsync(ApiClient api, IEnumerable<Command> commands, CancellationToken cancellationToken)
    {
        var resolved = 0;
        foreach (var command in commands.Where(c => c.Final is null))
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        var answer = await api.SendAsync(command.Method, command.Path, command.User, command.Body, command.Key, cancellationToken);
                        if (answer.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                        {
                            return false;
                        }

                        Assert.True((int)answer.Status < 500, $"retry of {command.Path} answered {(int)answer.Status}: {answer.Body}");
                        command.Final = answer;
                        return true;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                RecoveryWait,
                () => $"{command.Method} {command.Path} (key {command.Key}) answered after a restart");
            resolved++;
        }

        return resolved;
    }

    /// <summary>
    /// Every cart's events are versions 1..n; the successful commands on the cart reported exactly
    /// those versions, each once (every successful command of this test appends one event); each
    /// event is its command's (author, type, and the state right after it equals the answer); and
    /// replaying each successful command's key answers the same and appends nothing.
    /// </summary>
    private static async Task<(int Carts, int Events, int Replayed)> VerifyStoreAsync(ApiClient api, IReadOnlyCollection<Command> commands, CancellationToken cancellationToken)
    {
        var succeeded = commands.Where(c => c.Final is { IsSuccess: true }).ToList();
        var byCart = succeeded.GroupBy(c => c.Cart!).ToList();
        var events = 0;
        var lengths = new Dictionary<string, int>();
        foreach (var cart in byCart)
        {
            var owner = cart.First().User;
            var stored = await Histories.ReadAsync(api, cart.Key, owner, cancellationToken);
            var versions = stored.Select(e => e!["version"]!.GetValue<long>()).ToList();
            Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
            Assert.Equal(stored.Count, stored.Select(e => e!["eventId"]!.GetValue<string>()).Distinct().Count());
            var reported = cart.Select(c => c.Final!.Version ?? throw new Xunit.Sdk.XunitException($"{c.Path} answered without an ETag")).Order().ToList();
            Assert.True(
                versions.SequenceEqual(reported),
                $"cart {cart.Key}: stored versions 1..{versions.Count}, successful commands reported [{string.Join(",", reported)}]");

            foreach (var command in cart)
            {
                var version = command.Final!.Version!.Value;
                var e = stored[(int)version - 1]!;
                Assert.Equal(command.User.UserId, e["userId"]!.GetValue<string>());
                var type = e["type"]!.GetValue<string>();
                var expected = command.Kind switch
                {
                    "create" => ["CartCreated.v1"],
                    "checkout" => ["CartCheckedOut.v2"],
                    _ => new[] { "ItemAdded.v2", "ItemQuantityChanged.v1" },
                };
                Assert.Contains(type, expected);
                if (command.Kind != "checkout")
                {
                    var atVersion = await api.SendAsync(HttpMethod.Get, $"/api/carts/{cart.Key}?atVersion={version}", command.User, cancellationToken: cancellationToken);
                    Assert.Equal(HttpStatusCode.OK, atVersion.Status);
                    Assert.True(JsonNode.DeepEquals(JsonNode.Parse(command.Final.Body), JsonNode.Parse(atVersion.Body)), $"{command.Path} v{version}: answered {command.Final.Body}, stored state {atVersion.Body}");
                }
            }

            events += versions.Count;
            lengths[cart.Key] = versions.Count;
        }

        // Replays: the same answer, nothing appended.
        await Parallel.ForEachAsync(succeeded, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (command, token) =>
        {
            var replay = await api.SendAsync(command.Method, command.Path, command.User, command.Body, command.Key, token);
            Assert.Equal(command.Final!.Status, replay.Status);
            Assert.Equal(command.Final.Body, replay.Body);
            Assert.Equal(command.Final.Version, replay.Version);
        });
        foreach (var cart in byCart)
        {
            Assert.Equal(lengths[cart.Key], (await Histories.ReadAsync(api, cart.Key, cart.First().User, cancellationToken)).Count);
        }

        return (byCart.Count, events, succeeded.Count);
    }

    /// <summary>
    /// Once the feed has caught up: every cart and order list entry equals the single read (a view
    /// equals a rebuild from the events), every checkout placed its order, and each public event of
    /// a successful checkout (CartCheckedOut, OrderPlaced) was logged by the publisher, always with
    /// the same id.
    /// </summary>
    private static async Task VerifyViewsOrdersAndIntegrationEventsAsync(OutOfProcessServer server, ApiClient api, BenchUser[] users, IReadOnlyCollection<Command> commands, CancellationToken cancellationToken)
    {
        var checkouts = commands.Where(c => c.Kind == "checkout" && c.Final is { IsSuccess: true }).ToList();
        Assert.NotEmpty(checkouts);
        var orders = checkouts.ToDictionary(c => c.CartId!, c => JsonNode.Parse(c.Final!.Body)!["orderId"]!.GetValue<string>());
        foreach (var checkout in checkouts)
        {
            await Eventually.TrueAsync(async () => (await api.SendAsync(HttpMethod.Get, $"/api/orders/{orders[checkout.CartId!]}", checkout.User, cancellationToken: cancellationToken)).Status == HttpStatusCode.OK, RecoveryWait, $"order of cart {checkout.CartId} placed");
        }

        await OutOfProcessServer.WaitForProjectionAsync(api, cancellationToken);
        var listed = 0;
        foreach (var user in users)
        {
            var mine = commands.Where(c => c.User == user && c.Kind == "create" && c.Final is { IsSuccess: true }).Select(c => c.Cart!).ToHashSet();
            var list = JsonNode.Parse((await api.SendAsync(HttpMethod.Get, "/api/carts", user, cancellationToken: cancellationToken)).Body)!.AsArray();
            Assert.Equal(mine.Order(StringComparer.Ordinal), list.Select(v => v!["cartId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            foreach (var view in list)
            {
                var single = await api.SendAsync(HttpMethod.Get, $"/api/carts/{view!["cartId"]!.GetValue<string>()}", user, cancellationToken: cancellationToken);
                Assert.True(JsonNode.DeepEquals(view, JsonNode.Parse(single.Body)), $"view {view.ToJsonString()} differs from the cart's state {single.Body}");
                listed++;
            }

            var orderList = JsonNode.Parse((await api.SendAsync(HttpMethod.Get, "/api/orders", user, cancellationToken: cancellationToken)).Body)!.AsArray();
            var expectedOrders = checkouts.Where(c => c.User == user).Select(c => orders[c.CartId!]).Order(StringComparer.Ordinal);
            Assert.Equal(expectedOrders, orderList.Select(o => o!["orderId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            foreach (var view in orderList)
            {
                var single = await api.SendAsync(HttpMethod.Get, $"/api/orders/{view!["orderId"]!.GetValue<string>()}", user, cancellationToken: cancellationToken);
                Assert.True(JsonNode.DeepEquals(view, JsonNode.Parse(single.Body)), $"view {view.ToJsonString()} differs from the order's state {single.Body}");
            }
        }

        // CartCheckedOut's id is the stored event's id; OrderPlaced's is the order's first event.
        var expected = new Dictionary<(string Type, string Subject), string?>();
        foreach (var checkout in checkouts)
        {
            var history = await Histories.ReadAsync(api, checkout.CartId!, checkout.User, cancellationToken);
            expected[("CartOrders.CartCheckedOut.v1", "carts/" + checkout.CartId)] = history[(int)checkout.Final!.Version!.Value - 1]!["eventId"]!.GetValue<string>();
            expected[("CartOrders.OrderPlaced.v1", "orders/" + orders[checkout.CartId!])] = null;
        }

        IReadOnlyList<(string Type, string Id, string Subject)> logged = [];
        var missing = new List<(string Type, string Subject)>();
        await Eventually.TrueAsync(
            () =>
            {
                logged = server.LoggedIntegrationEvents();
                var seen = logged.Select(e => (e.Type, e.Subject)).ToHashSet();
                missing = [.. expected.Keys.Where(k => !seen.Contains(k))];
                return Task.FromResult(missing.Count == 0);
            },
            RecoveryWait,
            () => $"every public event of a successful checkout logged by the publisher; missing {missing.Count} of {expected.Count}: {string.Join(", ", missing.Take(10))}");
        foreach (var ((type, subject), id) in expected)
        {
            var ids = logged.Where(e => e.Type == type && e.Subject == subject).Select(e => e.Id).Distinct().ToList();
            Assert.True(ids.Count == 1, $"{type} for {subject} was published with {ids.Count} different ids: {string.Join(", ", ids)}");
            if (id is not null)
            {
                Assert.Equal(id, ids[0]);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"after the last restart: {listed} cart views equal their carts; {orders.Count} orders placed; {logged.Count} integration events logged for {expected.Count} expected ({logged.Count - logged.Distinct().Count()} redeliveries with the same id)");
    }

    private static async Task VerifyPushesResumeAsync(OutOfProcessServer server, ApiClient api, BenchUser user, CancellationToken cancellationToken)
    {
        var created = await api.SendAsync(HttpMethod.Post, "/api/carts", user, cancellationToken: cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var cartId = JsonNode.Parse(created.Body)!["cartId"]!.GetValue<string>();
        await using var watcher = await CartWatcher.ConnectAsync(server.BaseAddress, user, cancellationToken);
        await api.SubscribeAsync(user, cartId, watcher.ConnectionId, cancellationToken);

        var added = await api.SendAsync(HttpMethod.Post, $"/api/carts/{cartId}/items", user, $$"""{"productId":"{{s_addProducts[0]}}","quantity":2}""", cancellationToken: cancellationToken);
        Assert.Equal(HttpStatusCode.OK, added.Status);

        var pushed = await watcher.PushOfAsync(cartId, added.Version!.Value, TimeSpan.FromSeconds(15), cancellationToken);
        Assert.True(pushed is not null, $"no cartUpdated for {cartId} v{added.Version} within 15 s after the restart");
    }
}
