using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Api.Auth;

/// <summary>
/// The bearer token rules every host shares. Claims keep their JWT names (the user is <c>sub</c>,
/// roles are <c>roles</c>); a missing or bad token is answered 401 and a refusal 403, both
/// problem+json. Microsoft Entra ID tokens are checked against the tenant's v2.0 authority.
/// </summary>
public static class BearerAuthentication
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    private const string ApplicationIdUriPrefix = "api://";

    /// <summary>Claim names, clock skew and the problem answers; the host adds how tokens are signed.</summary>
    public static void ConfigureCommon(JwtBearerOptions bearer)
    {
        ArgumentNullException.ThrowIfNull(bearer);
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            NameClaimType = Caller.SubjectClaim,
            RoleClaimType = Caller.RolesClaim,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        bearer.Events = new JwtBearerEvents
        {
            OnChallenge = ChallengeAsync,
            OnForbidden = context => new ProblemResult(ApiProblem.Forbidden, "The token does not allow this.").ExecuteAsync(context.HttpContext),
        };
    }

    /// <summary>Microsoft Entra ID: authority <c>{Instance}{TenantId}/v2.0</c> (signing keys from its metadata) and the API's audiences.</summary>
    public static void ConfigureEntraId(JwtBearerOptions bearer, AuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(bearer);
        ArgumentNullException.ThrowIfNull(auth);
        bearer.Authority = auth.Authority;
        bearer.TokenValidationParameters.ValidAudiences = AudiencesOf(auth.Audience ?? throw new InvalidOperationException("Auth:Audience is required for Microsoft Entra ID."));
    }

    /// <summary>
    /// The configured audience, and for an application id URI <c>api://&lt;client id&gt;</c> also the
    /// bare client id: v2 access tokens carry the client id in <c>aud</c>, v1 tokens the URI.
    /// </summary>
    public static IReadOnlyList<string> AudiencesOf(string audience)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        var clientId = audience.StartsWith(ApplicationIdUriPrefix, StringComparison.OrdinalIgnoreCase)
            ? audience[ApplicationIdUriPrefix.Length..].TrimEnd('/')
            : null;
        return clientId is { Length: > 0 } && !clientId.Contains('/', StringComparison.Ordinal) ? [audience, clientId] : [audience];
    }

    private static Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var detail = context.AuthenticateFailure is null
            ? "A bearer token is required."
            : "The bearer token is not valid (expired, wrong signature, issuer or audience).";
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        return new ProblemResult(ApiProblem.Unauthorized, detail).ExecuteAsync(context.HttpContext);
    }
}
