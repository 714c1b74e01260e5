using System.Security.Claims;
using System.Text.Json;
using CartOrders.Api.Auth;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace CartOrders.Server.Tests.Units;

/// <summary>The caller and the token rules on their own: who a principal is, the bearer options, the auth configuration's checks.</summary>
public sealed class AuthPartsTests
{
    [Fact]
    public void The_caller_is_the_tokens_subject_and_an_operator_by_the_roles_claim_or_the_role()
    {
        var user = Caller.ActorOf(Principal(("sub", "alice")));
        var byClaim = Caller.ActorOf(Principal(("sub", "bob"), ("roles", "operator")));
        var byRole = Caller.ActorOf(Principal([("sub", "carol"), (ClaimTypes.Role, "operator")]));
        var otherRole = Caller.ActorOf(Principal(("sub", "dave"), ("roles", "admin")));
        var http = new DefaultHttpContext { User = Principal(("sub", "erin")) };

        Assert.Equal(("alice", false), (user.UserId.Value, user.IsOperator));
        Assert.Equal(("bob", true), (byClaim.UserId.Value, byClaim.IsOperator));
        Assert.Equal(("carol", true), (byRole.UserId.Value, byRole.IsOperator));
        Assert.False(otherRole.IsOperator);
        Assert.Equal("erin", Caller.ActorOf(http).UserId.Value);
        Assert.Equal(["operator"], Caller.KnownRoles);
    }

    [Fact]
    public void A_caller_without_an_authenticated_identity_or_a_valid_subject_is_unauthorized()
    {
        var anonymous = Assert.Throws<ProblemException>(() => Caller.ActorOf(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")]))));
        var noSubject = Assert.Throws<ProblemException>(() => Caller.ActorOf(Principal(("name", "alice"))));
        var badSubject = Assert.Throws<ProblemException>(() => Caller.ActorOf(Principal(("sub", "a b"))));

        Assert.Same(ApiProblem.Unauthorized, anonymous.Problem);
        Assert.Equal("A bearer token is required.", anonymous.Detail);
        Assert.Same(ApiProblem.Unauthorized, noSubject.Problem);
        Assert.Equal("The token's subject is not a valid user id.", noSubject.Detail);
        Assert.Equal("The token's subject is not a valid user id.", badSubject.Detail);
        Assert.Throws<ArgumentNullException>(() => Caller.ActorOf((HttpContext)null!));
        Assert.Throws<ArgumentNullException>(() => Caller.ActorOf((ClaimsPrincipal)null!));
    }

    [Fact]
    public void Bearer_tokens_keep_their_JWT_claim_names_and_a_minute_of_clock_skew()
    {
        var bearer = new JwtBearerOptions { MapInboundClaims = true };

        BearerAuthentication.ConfigureCommon(bearer);

        Assert.False(bearer.MapInboundClaims);
        Assert.Equal("sub", bearer.TokenValidationParameters.NameClaimType);
        Assert.Equal("roles", bearer.TokenValidationParameters.RoleClaimType);
        Assert.Equal(TimeSpan.FromMinutes(1), bearer.TokenValidationParameters.ClockSkew);
        Assert.Throws<ArgumentNullException>(() => BearerAuthentication.ConfigureCommon(null!));
    }

    [Fact]
    public async Task A_missing_token_is_challenged_plainly_and_a_bad_one_as_invalid()
    {
        var bearer = new JwtBearerOptions();
        BearerAuthentication.ConfigureCommon(bearer);

        var missing = await ChallengeAsync(bearer, failure: null);
        var invalid = await ChallengeAsync(bearer, new InvalidOperationException("expired"));

        Assert.Equal(401, missing.Response.StatusCode);
        Assert.Equal("Bearer", missing.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("A bearer token is required.", Detail(missing));
        Assert.Equal(401, invalid.Response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", invalid.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("The bearer token is not valid (expired, wrong signature, issuer or audience).", Detail(invalid));
    }

    [Fact]
    public async Task A_refusal_is_403_forbidden()
    {
        var bearer = new JwtBearerOptions();
        BearerAuthentication.ConfigureCommon(bearer);
        var http = Http();

        await bearer.Events.Forbidden(new ForbiddenContext(http, Scheme(), bearer));

        Assert.Equal(403, http.Response.StatusCode);
        Assert.Equal("The token does not allow this.", Detail(http));
    }

    [Fact]
    public void Entra_ID_tokens_are_checked_against_the_tenants_v2_authority_and_the_APIs_audiences()
    {
        var bearer = new JwtBearerOptions();
        BearerAuthentication.ConfigureCommon(bearer);
        var auth = new AuthOptions { Instance = "https://login.example/", TenantId = "tenant-1", Audience = "api://client-1" };

        BearerAuthentication.ConfigureEntraId(bearer, auth);

        Assert.Equal("https://login.example/tenant-1/v2.0", bearer.Authority);
        Assert.Equal(["api://client-1", "client-1"], bearer.TokenValidationParameters.ValidAudiences);
        Assert.Equal("https://login.microsoftonline.com/t/v2.0", new AuthOptions { TenantId = "t" }.Authority);
        var noAudience = Assert.Throws<InvalidOperationException>(() => BearerAuthentication.ConfigureEntraId(new JwtBearerOptions(), new AuthOptions { TenantId = "t" }));
        Assert.Equal("Auth:Audience is required for Microsoft Entra ID.", noAudience.Message);
        Assert.Throws<ArgumentNullException>(() => BearerAuthentication.ConfigureEntraId(null!, auth));
        Assert.Throws<ArgumentNullException>(() => BearerAuthentication.ConfigureEntraId(bearer, null!));
    }

    [Theory]
    [InlineData("api://client-1", new[] { "api://client-1", "client-1" })]
    [InlineData("API://client-1/", new[] { "API://client-1/", "client-1" })]
    [InlineData("client-1", new[] { "client-1" })]
    [InlineData("https://api.example/client-1", new[] { "https://api.example/client-1" })]
    [InlineData("api://", new[] { "api://" })]
    [InlineData("api:///", new[] { "api:///" })]
    [InlineData("api://host/path", new[] { "api://host/path" })]
    [InlineData("xapi://client-1", new[] { "xapi://client-1" })]
    public void An_application_id_URI_also_accepts_its_bare_client_id(string audience, string[] audiences) =>
        Assert.Equal(audiences, BearerAuthentication.AudiencesOf(audience));

    [Fact]
    public void An_audience_must_be_given() =>
        Assert.ThrowsAny<ArgumentException>(() => BearerAuthentication.AudiencesOf(" "));

    [Fact]
    public void The_auth_options_default_to_development_tokens_off_for_eight_hours()
    {
        var options = new AuthOptions();

        Assert.Equal(AuthMode.Development, options.Mode);
        Assert.False(options.DevelopmentTokens);
        Assert.False(options.DevelopmentTokensOnAnyAddress);
        Assert.Equal(TimeSpan.FromHours(8), options.DevelopmentTokenLifetime);
        Assert.Equal("https://login.microsoftonline.com/", options.Instance);
        Assert.Equal("Auth", AuthOptions.Section);
    }

    [Fact]
    public void A_sound_auth_configuration_passes()
    {
        Assert.True(Validate(new AuthOptions { DevelopmentTokens = true }).Succeeded);
        Assert.True(Validate(new AuthOptions { Mode = AuthMode.EntraId, TenantId = "t", Audience = "a" }).Succeeded);
        Assert.True(Validate(new AuthOptions(), ("WEBSITE_SITE_NAME", "site")).Succeeded);
        Assert.True(Validate(new AuthOptions { DevelopmentTokens = true }, ("WEBSITE_SITE_NAME", "")).Succeeded);
        Assert.Throws<ArgumentNullException>(() => Validate(null!));
    }

    [Theory]
    [InlineData("WEBSITE_SITE_NAME")]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    public void Development_tokens_are_refused_in_Azure(string marker)
    {
        var result = Validate(new AuthOptions { DevelopmentTokens = true }, (marker, "set"));

        Assert.Equal([$"Auth:DevelopmentTokens must be false in Azure ({marker} is set)."], result.Failures);
    }

    [Fact]
    public void Every_unsound_setting_is_named_at_once()
    {
        var result = Validate(new AuthOptions { Mode = AuthMode.EntraId, DevelopmentTokens = true, DevelopmentTokenLifetime = TimeSpan.Zero });

        Assert.Equal(
            [
                "Auth:DevelopmentTokens must be false when Auth:Mode is EntraId.",
                "Auth:TenantId and Auth:Audience are required when Auth:Mode is EntraId.",
                "Auth:DevelopmentTokenLifetime must be positive.",
            ],
            result.Failures);
    }

    [Theory]
    [InlineData("t", null)]
    [InlineData(null, "a")]
    [InlineData(" ", "a")]
    [InlineData("t", " ")]
    public void Entra_ID_needs_a_tenant_and_an_audience(string? tenant, string? audience) =>
        Assert.Equal(
            ["Auth:TenantId and Auth:Audience are required when Auth:Mode is EntraId."],
            Validate(new AuthOptions { Mode = AuthMode.EntraId, TenantId = tenant, Audience = audience }).Failures);

    [Fact]
    public void A_negative_token_lifetime_is_refused() =>
        Assert.Equal(
            ["Auth:DevelopmentTokenLifetime must be positive."],
            Validate(new AuthOptions { DevelopmentTokenLifetime = TimeSpan.FromSeconds(-1) }).Failures);

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(AuthOptions options, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new AuthOptionsValidation(configuration).Validate(null, options);
    }

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer"));

    private static AuthenticationScheme Scheme() => new(BearerAuthentication.Scheme, null, typeof(JwtBearerHandler));

    private static DefaultHttpContext Http() => new() { Response = { Body = new MemoryStream() } };

    private static async Task<DefaultHttpContext> ChallengeAsync(JwtBearerOptions bearer, Exception? failure)
    {
        var http = Http();
        await bearer.Events.Challenge(new JwtBearerChallengeContext(http, Scheme(), bearer, new AuthenticationProperties()) { AuthenticateFailure = failure });
        return http;
    }

    private static string? Detail(DefaultHttpContext http) =>
        JsonDocument.Parse(((MemoryStream)http.Response.Body).ToArray()).RootElement.GetProperty("detail").GetString();
}
