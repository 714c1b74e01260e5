using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using CartOrders.Reliability.Tests.Support;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Reliability.Tests.Security;

/// <summary>
/// Tokens the server must refuse (401 unauthorized with a Bearer challenge), each differing from a
/// good development token in one way. The server tests' AuthTests already cover garbage, an
/// unsigned header-only token, a random key, an expired token and a foreign audience, and that the
/// server refuses to start with development tokens where real identities are expected; this adds
/// the rest, and checks the refusal on the real process with the shipped appsettings.json.
/// </summary>
public sealed class TokenTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> BadTokenKinds => new()
    {
        "signed with another key",
        "expired",
        "not valid yet",
        "for another audience",
        "from another issuer",
        "alg none with every claim right",
        "operator role added to the payload, signature kept",
        "signature of another token",
        "without sub",
        "sub that is not a valid user id",
        "HS512 with the right key",
        "no expiry",
    };

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task A_token_that_differs_from_a_good_one_in_one_way_is_refused(string kind)
    {
        var key = await KeyAsync();
        var now = DateTime.UtcNow;
        var good = Sign(key, sub: "mallory");
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(good));

        var token = kind switch
        {
            "signed with another key" => Sign(RandomNumberGenerator.GetBytes(32), sub: "mallory"),
            "expired" => Sign(key, sub: "mallory", notBefore: now.AddHours(-3), expires: now.AddMinutes(-10)),
            "not valid yet" => Sign(key, sub: "mallory", notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "for another audience" => Sign(key, sub: "mallory", audience: "someone-else"),
            "from another issuer" => Sign(key, sub: "mallory", issuer: "https://login.example.com/"),
            "alg none with every claim right" => Unsigned(good),
            "operator role added to the payload, signature kept" => WithPayloadClaim(good, "\"roles\":\"operator\","),
            "signature of another token" => good[..(good.LastIndexOf('.') + 1)] + Sign(key, sub: "someone-else").Split('.')[2],
            "without sub" => Sign(key, sub: null),
            "sub that is not a valid user id" => Sign(key, sub: "../admin"),
            "HS512 with the right key" => Sign([.. key, .. key], sub: "mallory", algorithm: SecurityAlgorithms.HmacSha512),
            "no expiry" => Sign(key, sub: "mallory", withoutExpiry: true),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var client = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/carts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
    }

    [Fact]
    public async Task A_token_in_the_query_string_counts_only_on_the_hub_endpoints()
    {
        var alice = await server.UserAsync("alice");
        using var anonymous = server.Anonymous();

        using var carts = await anonymous.GetAsync($"/api/carts?access_token={alice.Token}", Ct);
        using var negotiate = await anonymous.PostAsync($"/api/negotiate?negotiateVersion=1&access_token={alice.Token}", null, Ct);

        await carts.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
    }

    /// <summary>
    /// The real server process, with the appsettings.json it ships (development tokens on), in an
    /// environment that looks like Azure: it must stop at start-up and say why, not serve.
    /// </summary>
    [Theory]
    [InlineData("WEBSITE_SITE_NAME", "cartorders-app")]
    [InlineData("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated")]
    public async Task The_server_process_with_its_shipped_settings_refuses_to_start_in_Azure(string variable, string value)
    {
        using var folder = new CartOrders.Bench.TempFolder("cartorders-azure-");
        var start = new ProcessStartInfo("dotnet", [OutOfProcessServer.ServerDll, "--urls", $"http://127.0.0.1:{CartOrders.Bench.Loopback.FreePort()}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Sqlite__Path"] = Path.Combine(folder.Path, "cartorders.db");
        start.Environment["DataFolder"] = Path.Combine(folder.Path, "data");
        start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        try
        {
            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains($"Auth:DevelopmentTokens must be false in Azure ({variable} is set)", await output + await errors, StringComparison.Ordinal);
    }

    private async Task<byte[]> KeyAsync()
    {
        await server.UserAsync("key-maker"); // the key is made on first use
        return await File.ReadAllBytesAsync(Path.Combine(server.Factory.DataFolder, "dev-signing-key"), Ct);
    }

    private async Task<HttpStatusCode> StatusWithAsync(string token)
    {
        using var client = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/carts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static string Sign(
        byte[] key,
        string? sub,
        string audience = "cartorders-dev",
        string issuer = "cartorders-dev",
        DateTime? notBefore = null,
        DateTime? expires = null,
        string algorithm = SecurityAlgorithms.HmacSha256,
        bool withoutExpiry = false)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>();
        if (sub is not null)
        {
            claims["sub"] = sub;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), algorithm),
        };
        if (!withoutExpiry)
        {
            descriptor.Expires = expires ?? now.AddHours(1);
        }

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = !withoutExpiry };
        return handler.CreateToken(descriptor);
    }

    private static string Unsigned(string token)
    {
        var parts = token.Split('.');
        return Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    }

    private static string WithPayloadClaim(string token, string claim)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        return parts[0] + "." + Base64Url("{" + claim + payload[1..]) + "." + parts[2];
    }

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
