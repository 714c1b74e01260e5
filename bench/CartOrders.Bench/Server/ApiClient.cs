using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CartOrders.Domain.Catalog;

namespace CartOrders.Bench.Server;

/// <summary>A user of the API as the bench drives it: their token and the carts they own.</summary>
internal sealed record BenchUser(string UserId, string Token, List<string> Carts);

/// <summary>What one add-item command answered, and when (Stopwatch timestamp) the answer arrived.</summary>
internal readonly record struct CommandAnswer(HttpStatusCode Status, long Version, long AnsweredAt);

/// <summary>Any call's answer: status, body as text, the ETag's version and the media type, when there are.</summary>
internal sealed record ApiAnswer(HttpStatusCode Status, string Body, long? Version, string? MediaType)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// The HTTP side of the public contract (api.md) the bench needs, over one shared HttpClient
/// with enough pooled keep-alive connections for every concurrent client.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly string[] s_products = [.. ProductCatalog.Seed.Products.Take(40).Select(p => p.ProductId.Value)];
    private static readonly byte[][] s_addBodies = [.. s_products.Select(p => Encoding.UTF8.GetBytes($$"""{"productId":"{{p}}","quantity":1}"""))];

    private readonly HttpClient _http;

    public ApiClient(Uri baseAddress, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<string> TokenAsync(string userId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("/api/dev/tokens", new { userId }, cancellationToken);
        await EnsureAsync(response, "POST /api/dev/tokens", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return body.RootElement.GetProperty("token").GetString() ?? throw new InvalidOperationException("no token in the answer");
    }

    public async Task<BenchUser> UserWithCartsAsync(string userId, int carts, CancellationToken cancellationToken)
    {
        var user = new BenchUser(userId, await TokenAsync(userId, cancellationToken), []);
        for (var i = 0; i < carts; i++)
        {
            user.Carts.Add(await CreateCartAsync(user, cancellationToken));
        }

        return user;
    }

    public async Task<string> CreateCartAsync(BenchUser user, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, "/api/carts", user, "{}"u8.ToArray());
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, "POST /api/carts", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return body.RootElement.GetProperty("cartId").GetString() ?? throw new InvalidOperationException("no cartId in the answer");
    }

    public async Task AddCollaboratorAsync(BenchUser owner, string cartId, string userId, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"/api/carts/{cartId}/collaborators", owner, JsonSerializer.SerializeToUtf8Bytes(new { userId }));
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, "POST collaborators", cancellationToken);
    }

    public async Task SubscribeAsync(BenchUser user, string cartId, string connectionId, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"/api/carts/{cartId}/subscriptions", user, JsonSerializer.SerializeToUtf8Bytes(new { connectionId }));
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureAsync(response, "POST subscriptions", cancellationToken);
    }

    /// <summary>Adds one unit of the n-th bench product to the cart (the command the load is made of).</summary>
    public async Task<CommandAnswer> AddItemAsync(BenchUser user, string cartId, int n, bool readVersion, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = Request(HttpMethod.Post, $"/api/carts/{cartId}/items", user, s_addBodies[n % s_addBodies.Length]);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var answeredAt = Stopwatch.GetTimestamp();
        long version = 0;
        if (readVersion && response.IsSuccessStatusCode)
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
            version = body.RootElement.GetProperty("version").GetInt64();
        }

        return new CommandAnswer(response.StatusCode, version, answeredAt);
    }

    /// <summary>
    /// Waits until the projector has caught up (<c>projectionLag</c> of <c>GET /api/health</c> is 0),
    /// so a measurement does not pay for the previous load's backlog. Gives up after the timeout.
    /// </summary>
    public async Task<long> WaitForProjectionAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long lag;
        do
        {
            using var response = await _http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
            lag = body.RootElement.TryGetProperty("projectionLag", out var value) ? value.GetInt64() : 0;
            if (lag > 0)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
        while (lag > 0 && clock.Elapsed < timeout);

        return lag;
    }

    /// <summary>
    /// Any call of the API as a user (or anonymously), with a JSON body and an Idempotency-Key when
    /// given. Throws what HttpClient throws when no answer arrives (a server that went away, a timeout).
    /// </summary>
    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, BenchUser? user, string? json = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            request.Content.Headers.ContentType = s_json;
        }

        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        long? version = response.Headers.ETag is { } tag && long.TryParse(tag.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
        return new ApiAnswer(response.StatusCode, body, version, response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Request(HttpMethod method, string path, BenchUser user, byte[] body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = s_json;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return request;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{what} answered {(int)response.StatusCode}: {detail}");
        }
    }
}
