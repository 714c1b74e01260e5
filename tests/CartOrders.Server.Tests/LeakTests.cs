using System.Net;
using System.Net.Http.Json;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

/// <summary>What an attacker found bounded too loosely: file permissions, huge numbers, media types, token minting.</summary>
public sealed class LeakTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes only.");
            return;
        }

        var alice = await server.UserAsync("alice");
        await alice.CreateCartAsync();
        var database = Path.Combine(server.Factory.DataFolder, "cartorders.db");

        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            Assert.True(File.Exists(file), $"{file} is missing");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Theory]
    [InlineData("1e309")]
    [InlineData("-1e309")]
    [InlineData("1e999999999999999999999")]
    [InlineData("1E2")]
    [InlineData("2147483648")]
    [InlineData("99.000000000000000000000e2")]
    public async Task A_number_too_large_for_a_quantity_is_400_invalid_quantity(string quantity)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var added = await alice.PostAsync($"/api/carts/{cartId}/items", Raw($"{{\"productId\":\"{Espresso}\",\"quantity\":{quantity}}}"));
        using var set = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", Raw($"{{\"quantity\":{quantity}}}"));

        await added.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-quantity");
        await set.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-quantity");
    }

    [Fact]
    public async Task A_quantity_of_four_hundred_digits_is_400_invalid_quantity()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw($"{{\"productId\":\"{Espresso}\",\"quantity\":{new string('9', 400)}}}"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-quantity");
    }

    [Theory]
    [InlineData("0.99999999999999999999e2")]
    [InlineData("1e-400")]
    [InlineData("3.0000000000000000000000001")]
    public async Task A_quantity_with_a_fraction_however_small_is_400_validation_failed(string quantity)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw($"{{\"productId\":\"{Espresso}\",\"quantity\":{quantity}}}"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("quantity", out _));
    }

    [Theory]
    [InlineData("0.009e3", 9)]
    [InlineData("9.9e1", 99)]
    public async Task A_quantity_is_read_exactly_from_its_digits(string quantity, int expected)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw($"{{\"productId\":\"{Espresso}\",\"quantity\":{quantity}}}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await response.JsonAsync()).GetProperty("itemCount").GetInt32());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/octet-stream")]
    public async Task Creating_a_cart_without_a_body_is_accepted_whatever_its_content_type(string contentType)
    {
        var alice = await server.UserAsync("alice");
        using var content = new ByteArrayContent([]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await alice.PostAsync("/api/carts", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Creating_a_cart_with_a_body_that_is_not_json_is_still_415()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.PostAsync("/api/carts", Raw("{}", "text/plain"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:192.0.2.10")]
    public async Task Development_tokens_are_not_served_on_a_listener_that_is_not_loopback(string localAddress)
    {
        await using var factory = OnAddress(localAddress, anyAddress: false);
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/dev/tokens", new { userId = "alice" }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task Development_tokens_are_served_on_a_loopback_listener(string localAddress)
    {
        await using var factory = OnAddress(localAddress, anyAddress: false);
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/dev/tokens", new { userId = "alice" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_setting_serves_development_tokens_on_every_address()
    {
        await using var factory = OnAddress("192.0.2.10", anyAddress: true);
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/dev/tokens", new { userId = "alice" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The real host, with each request seen as arriving on this local address (as Kestrel would set it).</summary>
    private static ServerFactory OnAddress(string localAddress, bool anyAddress) => new(
        new Dictionary<string, string?> { ["Auth:DevelopmentTokensOnAnyAddress"] = anyAddress ? "true" : "false" },
        services => services.AddSingleton<IStartupFilter>(new LocalAddressFilter(IPAddress.Parse(localAddress))));

    private sealed class LocalAddressFilter(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.LocalIpAddress = address;
                return following(context);
            });
            next(app);
        };
    }
}
