using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Functions.Tests.Support;

/// <summary>One request as the fake service received it, and when (a <see cref="System.Diagnostics.Stopwatch"/> timestamp, once its body was read).</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? Authorization, string? ContentType, byte[] Body, long ReceivedAt)
{
    public string Bearer => Authorization is { } value && value.StartsWith("Bearer ", StringComparison.Ordinal)
        ? value["Bearer ".Length..]
        : throw new InvalidOperationException("No bearer token.");

    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// A stand-in for Azure SignalR Service's data-plane REST API on 127.0.0.1 (Kestrel, a free port).
/// It records every request and answers as the service does: 202 for sends, 200 for group changes,
/// HEAD connections 200 for a known connection and 404 otherwise, generateToken 200 with a token.
/// Users in groups are kept as the REST reference describes them: <c>PUT users/{user}/groups/{group}</c>
/// adds the user, <c>DELETE</c> removes them, and <c>HEAD</c> answers 200 while the user is in the
/// group and 404 otherwise (whether or not the user has a connection open).
/// A test may script answers ahead of the defaults (transient failures, throttling).
/// </summary>
public sealed class FakeSignalRService : IAsyncDisposable
{
    public const string AccessKey = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh";
    public const string IssuedClientToken = "token-issued-by-the-service";

    private readonly WebApplication _app;
    private int _disposed;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentQueue<Func<ReceivedRequest, (int Status, string? Body, TimeSpan? RetryAfter)?>> _scripted = new();

    private FakeSignalRService(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The service's endpoint, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public string Endpoint { get; }

    public string ConnectionString => $"Endpoint={Endpoint};AccessKey={AccessKey};Version=1.0;";

    public HashSet<string> OpenConnections { get; } = [];

    /// <summary>The users added to groups and not removed since, as "user group" pairs.</summary>
    public ConcurrentDictionary<(string User, string Group), bool> UsersInGroups { get; } = new();

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public static async Task<FakeSignalRService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeSignalRService? service = null;
        app.Run(http => service!.AnswerAsync(http));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        service = new FakeSignalRService(app, address.TrimEnd('/'));
        return service;
    }

    /// <summary>The next request is answered with this status (and Retry-After), whatever it is.</summary>
    public void AnswerNext(int status, TimeSpan? retryAfter = null, string? body = null) =>
        _scripted.Enqueue(_ => (status, body, retryAfter));

    /// <summary>Checks a token as the service would: HS256 with the access key, the audience, and a bounded expiry.</summary>
    public static async Task<JsonWebToken> ValidateAsync(string token, string audience, TimeSpan maxLifetime, string key = AccessKey)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidAudience = audience,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.True(jwt.ValidTo > DateTime.UtcNow, "The token has expired.");
        Assert.True(jwt.ValidTo <= DateTime.UtcNow + maxLifetime + TimeSpan.FromSeconds(5), $"The token lives longer than {maxLifetime}.");
        return jwt;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task AnswerAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var request = new ReceivedRequest(
            http.Request.Method,
            Uri.UnescapeDataString(http.Request.Path.Value ?? string.Empty),
            http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            http.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null,
            http.Request.ContentType,
            body.ToArray(),
            System.Diagnostics.Stopwatch.GetTimestamp());
        _received.Enqueue(request);

        var (status, answer, retryAfter) = _scripted.TryDequeue(out var scripted) && scripted(request) is { } planned
            ? planned
            : DefaultAnswer(request);
        http.Response.StatusCode = status;
        if (retryAfter is { } delay)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer is not null)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(answer);
        }
    }

    private (int, string?, TimeSpan?) DefaultAnswer(ReceivedRequest request)
    {
        const string prefix = "/api/hubs/";
        if (!request.Path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (404, null, null);
        }

        var rest = request.Path[prefix.Length..].Split('/', 2)[^1];
        var userGroup = System.Text.RegularExpressions.Regex.Match(rest, "^users/([^/]+)/groups/([^/]+)$");
        if (userGroup.Success)
        {
            var key = (userGroup.Groups[1].Value, userGroup.Groups[2].Value);
            switch (request.Method)
            {
                case "PUT":
                    UsersInGroups[key] = true;
                    return (200, null, null);
                case "DELETE":
                    UsersInGroups.TryRemove(key, out _);
                    return (204, null, null);
                case "HEAD":
                    return (UsersInGroups.ContainsKey(key) ? 200 : 404, null, null);
            }
        }

        return (request.Method, rest) switch
        {
            ("POST", ":generateToken") => (200, JsonSerializer.Serialize(new { token = IssuedClientToken }), null),
            ("POST", _) when rest.EndsWith("/:send", StringComparison.Ordinal) => (202, null, null),
            ("HEAD", _) when rest.StartsWith("connections/", StringComparison.Ordinal) =>
                (OpenConnections.Contains(rest["connections/".Length..]) ? 200 : 404, null, null),
            ("PUT", _) => (200, null, null),
            ("DELETE", _) => (204, null, null),
            _ => (400, null, null),
        };
    }
}
