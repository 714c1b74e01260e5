using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CartOrders.Bench.Server;
using CartOrders.Domain.Catalog;
using CartOrders.Reliability.Tests.Support;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Reliability.Tests;

/// <summary>
/// Many clients on one cart and many carts at once: no lost update, no duplicate, contiguous
/// versions; and retries of the same Idempotency-Key after client time-outs take effect once.
/// </summary>
public sealed class ConcurrencyTests(ServerFixture server)
{
    private static readonly string[] s_products = [.. ProductCatalog.Seed.Products.Take(20).Select(p => p.ProductId.Value)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sixteen_clients_on_two_shared_carts_and_a_hundred_carts_at_once_lose_and_duplicate_nothing()
    {
        const int clients = 16;
        const int addsPerCart = 10;
        const int soloCarts = 100;
        const int soloAdds = 5;
        var owner = await server.UserAsync("hammer-owner");
        var members = new List<ApiUser> { owner };
        for (var i = 1; i < clients; i++)
        {
            members.Add(await server.UserAsync("hammer" + i));
        }

        var shared = new[] { await owner.CreateCartAsync(), await owner.CreateCartAsync() };
        foreach (var cart in shared)
        {
            foreach (var member in members.Skip(1))
            {
                await owner.InviteAsync(cart, member);
            }
        }

        var solos = await Task.WhenAll(Enumerable.Range(0, soloCarts).Select(async i =>
        {
            var user = await server.UserAsync("solo" + i);
            return (User: user, Cart: await user.CreateCartAsync());
        }));

        // Every client adds one unit of its own product, ten times, to both shared carts; every solo
        // owner adds five units of one product to their cart; all at once.
        var sharedWork = members.SelectMany((member, m) => shared.SelectMany(cart => Enumerable.Range(0, addsPerCart).Select(_ => (member, cart, product: s_products[m]))));
        var soloWork = solos.SelectMany(s => Enumerable.Range(0, soloAdds).Select(_ => (member: s.User, cart: s.Cart, product: s_products[0])));
        var work = sharedWork.Concat(soloWork).OrderBy(_ => Random.Shared.Next()).ToList();
        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(work.Select(async w =>
        {
            using var response = await w.member.PostAsync($"/api/carts/{w.cart}/items", new { productId = w.product, quantity = 1 });
            return (w.cart, response.StatusCode, Version: response.Headers.ETag is null ? -1 : response.ETag());
        }));
        var elapsed = clock.Elapsed;

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var startOfShared = 1 + (clients - 1);
        foreach (var cart in shared)
        {
            await AssertCartAsync(owner, cart, startOfShared, answers.Where(a => a.cart == cart).Select(a => a.Version), expectedLines: clients, quantityPerLine: addsPerCart);
        }

        foreach (var (user, cart) in solos)
        {
            await AssertCartAsync(user, cart, 1, answers.Where(a => a.cart == cart).Select(a => a.Version), expectedLines: 1, quantityPerLine: soloAdds);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{answers.Length} concurrent add-item commands ({clients} clients x 2 shared carts x {addsPerCart}, {soloCarts} carts x {soloAdds}) in {elapsed.TotalSeconds:0.0} s: all 200, versions contiguous, no update lost or doubled");
    }

    /// <summary>
    /// Commands sent with a client time-out far too short to wait for the answer, retried with the
    /// same Idempotency-Key (a longer time-out each time) until an answer arrives, over real TCP to
    /// the server as a separate process: the aborted attempts may or may not have reached the
    /// server, and some run concurrently with their own retry; each command still takes effect once.
    /// </summary>
    [Fact]
    public async Task Commands_retried_with_their_key_after_client_time_outs_take_effect_exactly_once()
    {
        const int carts = 6;
        const int commandsPerCart = 25;
        using var host = new OutOfProcessServer();
        await host.StartAsync(Ct);
        using var api = new ApiClient(host.BaseAddress, connections: 64);
        var users = await Task.WhenAll(Enumerable.Range(0, carts).Select(u => api.UserWithCartsAsync($"retry-user-{u}", 1, Ct)));

        var timedOut = 0;
        var attempts = 0;
        var results = await Task.WhenAll(users.SelectMany(user => Enumerable.Range(0, commandsPerCart).Select(n => (user, n))).Select(async w =>
        {
            var key = $"retry-{w.user.UserId}-{w.n}";
            var body = $$"""{"productId":"{{s_products[w.n % 5]}}","quantity":1}""";
            var timeout = TimeSpan.FromMilliseconds(1);
            for (var attempt = 0; attempt < 30; attempt++)
            {
                Interlocked.Increment(ref attempts);
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                limit.CancelAfter(timeout);
                try
                {
                    var answer = await api.SendAsync(HttpMethod.Post, $"/api/carts/{w.user.Carts[0]}/items", w.user, body, key, limit.Token);
                    if (answer.Status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                    {
                        return (w.user, w.n, answer);
                    }
                }
                catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref timedOut);
                }

                timeout = TimeSpan.FromMilliseconds(Math.Min(2_000, timeout.TotalMilliseconds * 2));
            }

            throw new Xunit.Sdk.XunitException($"{key}: no answer after 30 attempts");
        }));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.answer.Status));
        Assert.True(timedOut > 0, "no attempt timed out: the test proved nothing");
        foreach (var user in users)
        {
            var cart = user.Carts[0];
            var mine = results.Where(r => r.user == user).ToList();
            Assert.Equal(Enumerable.Range(2, commandsPerCart).Select(v => (long)v), mine.Select(r => r.answer.Version!.Value).Order());
            var events = await Histories.ReadAsync(api, cart, user, Ct);
            Assert.Equal(Enumerable.Range(1, 1 + commandsPerCart).Select(v => (long)v), events.Select(e => e!["version"]!.GetValue<long>()));
            var view = JsonNode.Parse((await api.SendAsync(HttpMethod.Get, $"/api/carts/{cart}", user, cancellationToken: Ct)).Body)!;
            Assert.Equal(commandsPerCart, view["itemCount"]!.GetValue<int>());
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{results.Length} commands over {carts} carts, {attempts} attempts, {timedOut} client time-outs (first time-out 1 ms, doubling): every command took effect once");
    }

    private static async Task AssertCartAsync(ApiUser reader, string cartId, long versionBefore, IEnumerable<long> reported, int expectedLines, int quantityPerLine)
    {
        var versions = reported.Order().ToList();
        Assert.Equal(Enumerable.Range((int)versionBefore + 1, versions.Count).Select(v => (long)v), versions);
        using var cartResponse = await reader.GetAsync($"/api/carts/{cartId}");
        var cart = await cartResponse.JsonAsync();
        Assert.Equal(versionBefore + versions.Count, cart.GetProperty("version").GetInt64());
        Assert.Equal(expectedLines, cart.GetProperty("items").GetArrayLength());
        Assert.All(cart.GetProperty("items").EnumerateArray(), line => Assert.Equal(quantityPerLine, line.GetProperty("quantity").GetInt32()));
        var events = await reader.HistoryAsync(cartId);
        Assert.Equal(Enumerable.Range(1, (int)versionBefore + versions.Count).Select(v => (long)v), events.Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("eventId").GetString()).Distinct().Count());
    }
}
