using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Server.Tests;

public sealed class AuthTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> ProtectedCalls => new()
    {
        { "GET", "/api/carts" },
        { "POST", "/api/carts" },
        { "GET", "/api/carts/c1" },
        { "GET", "/api/carts/c1/events" },
        { "POST", "/api/carts/c1/items" },
        { "PUT", "/api/carts/c1/items/p1" },
        { "DELETE", "/api/carts/c1/items/p1" },
        { "POST", "/api/carts/c1/collaborators" },
        { "DELETE", "/api/carts/c1/collaborators/u1" },
        { "POST", "/api/carts/c1/checkout" },
        { "POST", "/api/carts/c1/subscriptions" },
        { "GET", "/api/orders" },
        { "GET", "/api/orders/o1" },
        { "POST", "/api/orders/o1/cancel" },
        { "POST", "/api/orders/o1/payment" },
        { "POST", "/api/orders/o1/shipment" },
        { "POST", "/api/negotiate" },
    };

    [Theory]
    [MemberData(nameof(ProtectedCalls))]
    public async Task Calls_without_a_token_are_401_unauthorized_problems(string method, string path)
    {
        using var anonymous = server.Anonymous();

        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    public static TheoryData<string> BadTokens => new()
    {
        "garbage",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.",
        Sign(RandomNumberGenerator.GetBytes(32), "cartorders-dev", DateTime.UtcNow.AddHours(1)),
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_401_unauthorized(string token)
    {
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync("/api/carts", Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_or_foreign_audience_token_signed_with_the_right_key_is_401()
    {
        await server.UserAsync("alice");
        var key = await File.ReadAllBytesAsync(Path.Combine(server.Factory.DataFolder, "dev-signing-key"), Ct);
        using var client = server.Anonymous();
        Assert.Equal(HttpStatusCode.OK, await StatusWith(client, Sign(key, "cartorders-dev", DateTime.UtcNow.AddHours(1))));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(client, Sign(key, "cartorders-dev", DateTime.UtcNow.AddHours(-1))));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(client, Sign(key, "someone-else", DateTime.UtcNow.AddHours(1))));
    }

    [Fact]
    public async Task Public_endpoints_need_no_token()
    {
        using var anonymous = server.Anonymous();

        using var products = await anonymous.GetAsync("/api/products", Ct);
        using var health = await anonymous.GetAsync("/api/health", Ct);
        using var openApi = await anonymous.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, products.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task A_development_token_names_the_user_in_sub_and_the_roles_in_roles()
    {
        using var anonymous = server.Anonymous();

        var token = new JsonWebToken(await ApiUser.TokenAsync(anonymous, "alice", "operator"));

        Assert.Equal("alice", token.Subject);
        Assert.Equal(["operator"], token.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal("cartorders-dev", token.Issuer);
        Assert.Equal(["cartorders-dev"], token.Audiences);
        Assert.Equal("HS256", token.Alg);
        Assert.InRange(token.ValidTo - DateTime.UtcNow, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8.1));
    }

    [Fact]
    public async Task The_signing_key_file_is_readable_by_its_owner_only()
    {
        await server.UserAsync("alice");
        var path = Path.Combine(server.Factory.DataFolder, "dev-signing-key");

        Assert.Equal(32, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData("{}", "userId")]
    [InlineData("{\"userId\":\"bad id\"}", "userId")]
    [InlineData("{\"userId\":\"alice\",\"roles\":[\"admin\"]}", "roles")]
    [InlineData("{\"userId\":\"alice\",\"roles\":\"operator\"}", "roles")]
    public async Task The_token_endpoint_validates_the_user_id_and_roles(string body, string field)
    {
        using var anonymous = server.Anonymous();

        using var response = await anonymous.PostAsync("/api/dev/tokens", ApiUser.Raw(body), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task The_token_endpoint_does_not_exist_when_development_tokens_are_off()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Auth:DevelopmentTokens"] = "false" });
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/dev/tokens", new { userId = "alice" }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public static TheoryData<string, string?> UnsafeSettings => new()
    {
        { "Auth:Mode", "EntraId" },
        { "WEBSITE_SITE_NAME", "cartorders-app" },
        { "FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated" },
    };

    [Theory]
    [MemberData(nameof(UnsafeSettings))]
    public async Task The_server_refuses_to_start_with_development_tokens_where_real_identities_are_expected(string key, string? value)
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?>
        {
            [key] = value,
            ["Auth:TenantId"] = "00000000-0000-0000-0000-000000000001",
            ["Auth:Audience"] = "api://cartorders",
        });

        var error = Record.Exception(() => factory.CreateClient());

        // The process prints the reason as one line and exits 1 (StartupFailureTests run it).
        Assert.NotNull(error);
    }

    [Fact]
    public async Task Entra_id_mode_without_tenant_and_audience_refuses_to_start()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "EntraId",
            ["Auth:DevelopmentTokens"] = "false",
        });

        var error = Record.Exception(() => factory.CreateClient());

        // The process prints the reason as one line and exits 1 (StartupFailureTests run it).
        Assert.NotNull(error);
    }

    private static async Task<HttpStatusCode> StatusWith(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/carts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static string Sign(byte[] key, string audience, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "cartorders-dev",
        Audience = audience,
        IssuedAt = expires.AddHours(-2),
        NotBefore = expires.AddHours(-2),
        Expires = expires,
        Claims = new Dictionary<string, object> { ["sub"] = "mallory" },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
    });
}
