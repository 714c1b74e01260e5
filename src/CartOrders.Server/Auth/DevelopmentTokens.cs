using CartOrders.Api.Auth;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Server.Auth;

/// <summary><c>POST /api/dev/tokens</c>: a user id and optional roles (only <c>operator</c> exists).</summary>
public sealed record DevelopmentTokenRequest(string UserId, IReadOnlyList<string>? Roles);

public sealed record DevelopmentToken(string Token);

/// <summary>Signs development tokens with the data folder's key: <c>sub</c>, <c>roles</c>, issuer and audience <c>cartorders-dev</c>.</summary>
public sealed class DevelopmentTokenIssuer(DevelopmentSigningKey key, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(string userId, IReadOnlyList<string> roles)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DevelopmentIssuer,
            Audience = AuthOptions.DevelopmentIssuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Value.DevelopmentTokenLifetime,
            Claims = new Dictionary<string, object>
            {
                [Caller.SubjectClaim] = userId,
                [Caller.RolesClaim] = roles.ToArray(),
            },
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
    }
}

public static class DevelopmentTokensApi
{
    public const string Path = "/api/dev/tokens";

    /// <summary>Maps the endpoint only while <c>Auth:DevelopmentTokens</c> is on; otherwise it does not exist (404).</summary>
    public static WebApplication MapDevelopmentTokens(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevelopmentTokens)
        {
            app.MapPost(Path, IssueAsync).WithName("IssueDevelopmentToken").WithTags("Development").AllowAnonymous()
                .Accepts<DevelopmentTokenRequest>("application/json").Produces<DevelopmentToken>()
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
                .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        }

        return app;
    }

    public static Task<IResult> IssueAsync(HttpContext http, DevelopmentTokenIssuer issuer, IOptions<AuthOptions> options) => ProblemBoundary.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Value.DevelopmentTokensOnAnyAddress && !ArrivedOnLoopback(http.Connection))
        {
            // Answered as if the route did not exist, as when development tokens are off.
            throw new ProblemException(ApiProblem.NotFound, "No such route.");
        }

        var bytes = await RequestBodies.ReadAsync(http.Request, http.RequestAborted);
        var body = JsonFields.Of(RequestBodies.ParseObject(bytes, required: true));
        var userId = body.Id("userId");
        var roles = body.OptionalTexts("roles");
        foreach (var unknown in roles?.Except(Caller.KnownRoles, StringComparer.Ordinal) ?? [])
        {
            body.Fail<string>("roles", $"Unknown role '{unknown}'; known roles: {string.Join(", ", Caller.KnownRoles)}.");
        }

        body.ThrowIfInvalid();
        return TypedResults.Ok(new DevelopmentToken(issuer.Issue(userId!, [.. roles!.Distinct(StringComparer.Ordinal)])));
    });

    /// <summary>
    /// Whether the request came in on a loopback listener. A connection without an IP address
    /// (a Unix socket, the in-memory test server) is local by construction.
    /// </summary>
    private static bool ArrivedOnLoopback(ConnectionInfo connection) =>
        connection.LocalIpAddress is not { } local
        || System.Net.IPAddress.IsLoopback(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local);
}
