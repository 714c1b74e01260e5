using System.Net;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

public sealed class WebClientTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_built_client_the_root_serves_a_placeholder_page()
    {
        using var client = server.Anonymous();

        using var response = await client.GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("CartOrders", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_built_client_is_served_at_the_root_with_its_files_and_its_routes()
    {
        var root = Directory.CreateTempSubdirectory("cartorders-web-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "assets"));
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "index.html"), "<!doctype html><title>CartOrders web</title>", Ct);
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "assets", "app.js"), "console.log('cartorders');", Ct);
            await using var factory = new ServerFactory(new Dictionary<string, string?> { ["WebClient:Root"] = root.FullName });
            using var client = factory.CreateClient();

            Assert.Contains("CartOrders web", await client.GetStringAsync("/", Ct), StringComparison.Ordinal);
            Assert.Contains("CartOrders web", await client.GetStringAsync("/carts/some-cart", Ct), StringComparison.Ordinal);
            using var script = await client.GetAsync("/assets/app.js", Ct);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
            using var missingFile = await client.GetAsync("/assets/missing.js", Ct);
            Assert.Equal(HttpStatusCode.NotFound, missingFile.StatusCode);
            using var unknownApi = await client.GetAsync("/api/no-such-thing", Ct);
            await unknownApi.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
            using var products = await client.GetAsync("/api/products", Ct);
            Assert.Equal(HttpStatusCode.OK, products.StatusCode);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
