using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

public sealed class CrossOriginTests
{
    [Fact]
    public async Task A_listed_origin_may_call_the_api_with_bearer_tokens_and_read_its_headers_and_others_may_not()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "http://localhost:5173" });
        using var client = factory.CreateClient();

        using var allowed = await PreflightAsync(client, "http://localhost:5173");
        using var other = await PreflightAsync(client, "http://evil.example");

        Assert.Equal("http://localhost:5173", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"), "Credentials are not allowed, as in Azure: clients send bearer tokens only.");
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products");
        request.Headers.Add("Origin", "http://localhost:5173");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Contains("ETag", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/carts");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,if-match,idempotency-key");
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
