using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Server.Auth;

public static class AuthServices
{
    /// <summary>
    /// Bearer tokens: development tokens (HS256, issuer and audience <c>cartorders-dev</c>) or
    /// Microsoft Entra ID (authority <c>{Instance}{TenantId}/v2.0</c>). Claims keep their JWT names:
    /// the user is <c>sub</c>, roles are <c>roles</c>. Failures answer 401 problem+json.
    /// </summary>
    public static WebApplicationBuilder AddCartOrdersAuth(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidation>();
        services.AddSingleton<DevelopmentSigningKey>();
        services.AddSingleton<DevelopmentTokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, IServiceProvider>((bearer, auth, provider) => Configure(bearer, auth.Value, provider));
        services.AddAuthorization();
        return builder;
    }

    private static void Configure(JwtBearerOptions bearer, AuthOptions auth, IServiceProvider provider)
    {
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            NameClaimType = Caller.SubjectClaim,
            RoleClaimType = Caller.RolesClaim,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        if (auth.Mode == AuthMode.EntraId)
        {
            bearer.Authority = auth.Authority;
            bearer.TokenValidationParameters.ValidAudience = auth.Audience;
        }
        else
        {
            var key = provider.GetRequiredService<DevelopmentSigningKey>().Key;
            bearer.TokenValidationParameters.ValidIssuer = AuthOptions.DevelopmentIssuer;
            bearer.TokenValidationParameters.ValidAudience = AuthOptions.DevelopmentIssuer;
            bearer.TokenValidationParameters.IssuerSigningKey = key;
            bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        bearer.Events = new JwtBearerEvents
        {
            OnMessageReceived = TakeHubTokenFromQuery,
            OnChallenge = ChallengeAsync,
            OnForbidden = context => new ProblemResult(ApiProblem.Forbidden, "The token does not allow this.").ExecuteAsync(context.HttpContext),
        };
    }

    /// <summary>
    /// Browsers cannot set headers on WebSocket and server-sent-event requests, so the hub's own
    /// endpoints (and only those) also take the token from <c>access_token</c> in the query.
    /// </summary>
    private static Task TakeHubTokenFromQuery(MessageReceivedContext context)
    {
        var path = context.HttpContext.Request.Path;
        if (string.IsNullOrEmpty(context.Token) && (path.Equals(Realtime.RealtimeServices.HubPath) || path.Equals(Realtime.RealtimeServices.HubPath + "/negotiate"))
            && context.Request.Query["access_token"] is { Count: 1 } token)
        {
            context.Token = token[0];
        }

        return Task.CompletedTask;
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
