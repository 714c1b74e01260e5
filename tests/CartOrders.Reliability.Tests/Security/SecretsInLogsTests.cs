using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CartOrders.Bench.Server;
using CartOrders.Reliability.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Reliability.Tests.Security;

/// <summary>
/// The real server with every log category at Debug, through a run that carries tokens every way
/// they come (the Authorization header on commands and reads, good, tampered and expired; the
/// access_token query parameter of the hub; a SignalR connection; the dev token endpoint's answers):
/// its whole output must not hold any token, any token's signature, the Authorization header's
/// value, or the signing key (raw, base64, base64url or hex).
/// </summary>
public sealed class SecretsInLogsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_token_authorization_header_or_signing_key_appears_in_the_server_logs()
    {
        using var host = new OutOfProcessServer(
            new Dictionary<string, string>
            {
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
                ["Logging__LogLevel__Microsoft"] = "Debug",
                ["Logging__LogLevel__System"] = "Debug",
            },
            logLevel: "Debug");
        await host.StartAsync(Ct);
        using var api = new ApiClient(host.BaseAddress, connections: 8);
        var secrets = new List<string>();
        var alice = await api.UserWithCartsAsync("logs-alice", 1, Ct);
        var opsAnswer = await api.SendAsync(HttpMethod.Post, "/api/dev/tokens", null, """{"userId":"logs-ops","roles":["operator"]}""", cancellationToken: Ct);
        var ops = new BenchUser("logs-ops", JsonNode.Parse(opsAnswer.Body)!["token"]!.GetValue<string>(), []);
        secrets.AddRange([alice.Token, ops.Token]);

        // Commands, reads, a checkout and the operator's payment, with the header.
        var cart = alice.Carts[0];
        Assert.Equal(HttpStatusCode.OK, (await api.AddItemAsync(alice, cart, 0, readVersion: false, Ct)).Status);
        var checkout = await api.SendAsync(HttpMethod.Post, $"/api/carts/{cart}/checkout", alice, """{"shippingAddress":{"name":"Logs","line1":"1 Rue","city":"Lyon","postalCode":"69001","country":"FR"}}""", "logs-key-1", Ct);
        Assert.Equal(HttpStatusCode.Accepted, checkout.Status);
        var orderId = JsonNode.Parse(checkout.Body)!["orderId"]!.GetValue<string>();
        await Eventually.TrueAsync(async () => (await api.SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", alice, cancellationToken: Ct)).Status == HttpStatusCode.OK, because: "the order was not placed");

        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/payment", ops, """{"approved":true,"reference":"psp-logs"}""", cancellationToken: Ct)).Status);

        // Refused tokens: tampered, expired (signed with the real key), in the wrong scheme.
        var key = await File.ReadAllBytesAsync(Path.Combine(host.DataFolder, "data", "dev-signing-key"), Ct);
        var expired = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "cartorders-dev",
            Audience = "cartorders-dev",
            NotBefore = DateTime.UtcNow.AddHours(-3),
            IssuedAt = DateTime.UtcNow.AddHours(-3),
            Expires = DateTime.UtcNow.AddHours(-1),
            Claims = new Dictionary<string, object> { ["sub"] = "logs-alice" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
        var tampered = alice.Token[..^4] + (alice.Token[^4] == 'A' ? "BBBB" : "AAAA");
        secrets.AddRange([expired, tampered]);
        using var raw = new HttpClient { BaseAddress = host.BaseAddress };
        foreach (var (scheme, token) in new[] { ("Bearer", expired), ("Bearer", tampered), ("Basic", alice.Token), ("Bearer", alice.Token + "x") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/carts");
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
            using var response = await raw.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The hub: the query-string token browsers use, and a SignalR connection that gets a push.
        using (var negotiate = await raw.PostAsync($"/api/negotiate?negotiateVersion=1&access_token={alice.Token}", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        }

        using (var badQuery = await raw.PostAsync($"/api/negotiate?negotiateVersion=1&access_token={expired}", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, badQuery.StatusCode);
        }

        var second = await api.CreateCartAsync(alice, Ct);
        await using (var watcher = await CartWatcher.ConnectAsync(host.BaseAddress, alice, Ct))
        {
            await api.SubscribeAsync(alice, second, watcher.ConnectionId, Ct);
            var added = await api.AddItemAsync(alice, second, 1, readVersion: true, Ct);
            Assert.NotNull(await watcher.PushOfAsync(second, added.Version, TimeSpan.FromSeconds(15), Ct));
        }

        host.Kill(); // every line written so far is read before Kill returns
        var log = string.Join('\n', host.Output);
        Assert.True(host.Output.Count > 50, $"only {host.Output.Count} log lines: the run logged too little to prove anything");
        Assert.Contains("logs-alice", log, StringComparison.Ordinal); // the logs do name the user

        var forbidden = new List<(string What, string Text)>();
        foreach (var token in secrets)
        {
            forbidden.Add(("a token", token));
            forbidden.Add(("a token's signature", token.Split('.')[2]));
            forbidden.Add(("an Authorization header value", "Bearer " + token));
        }

        forbidden.Add(("the signing key, base64", Convert.ToBase64String(key)));
        forbidden.Add(("the signing key, base64url", Base64UrlEncoder.Encode(key)));
        forbidden.Add(("the signing key, hex", Convert.ToHexString(key)));
        forbidden.Add(("the signing key, hex", Convert.ToHexString(key).ToLowerInvariant()));
        forbidden.Add(("the signing key, raw", System.Text.Encoding.Latin1.GetString(key)));
        var leaks = forbidden
            .Where(f => f.Text.Length >= 16)
            .SelectMany(f => host.Output.Where(line => line.Contains(f.Text, StringComparison.Ordinal))
                .Select(line => $"{f.What}: {line.Replace(f.Text, "<secret>", StringComparison.Ordinal)[..Math.Min(400, line.Length)]}"))
            .Distinct()
            .ToList();
        Assert.True(leaks.Count == 0, $"secrets in the server's logs:{Environment.NewLine}{string.Join(Environment.NewLine, leaks.Take(10))}");

        TestContext.Current.TestOutputHelper?.WriteLine($"{host.Output.Count} log lines at Debug ({log.Length:N0} characters) checked for {secrets.Count} tokens, their signatures and Authorization values, and the signing key in 5 encodings: none found");
    }
}
