using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

/// <summary>Bad input of every kind is a 4xx problem, never a 500: ids, JSON, types, sizes, media types, headers.</summary>
public sealed class RequestValidationTests(ServerFixture server)
{
    private static readonly string s_tooLongId = new('a', 65);

    public static TheoryData<string, string> RoutesWithBadIds => new()
    {
        { "GET", "/api/carts/bad!id" },
        { "GET", $"/api/carts/{s_tooLongId}" },
        { "GET", "/api/carts/a%20b/events" },
        { "POST", "/api/carts/bad.id/items" },
        { "PUT", "/api/carts/ok/items/bad!product" },
        { "DELETE", "/api/carts/ok/items/bad!product" },
        { "DELETE", $"/api/carts/{s_tooLongId}/items/ok" },
        { "POST", "/api/carts/bad!id/collaborators" },
        { "DELETE", "/api/carts/ok/collaborators/bad!user" },
        { "POST", "/api/carts/bad!id/checkout" },
        { "POST", "/api/carts/bad!id/subscriptions" },
        { "GET", "/api/orders/bad!id" },
        { "POST", $"/api/orders/{s_tooLongId}/cancel" },
        { "POST", "/api/orders/bad!id/payment" },
        { "POST", "/api/orders/bad!id/shipment" },
    };

    [Theory]
    [MemberData(nameof(RoutesWithBadIds))]
    public async Task Ids_in_paths_that_break_the_id_rules_are_400_invalid_id(string method, string path)
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.SendAsync(new HttpMethod(method), path, method == "GET" || method == "DELETE" ? null : Raw("{}"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-id");
    }

    [Theory]
    [InlineData("PUT", "name")]
    [InlineData("POST", "items")]
    [InlineData("PUT", "items/espresso-beans-250g")]
    [InlineData("POST", "collaborators")]
    [InlineData("POST", "checkout")]
    [InlineData("POST", "subscriptions")]
    public async Task A_cart_command_that_needs_a_body_sent_without_one_is_400_malformed_json_and_changes_nothing(string method, string path)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId);

        using var response = await alice.SendAsync(new HttpMethod(method), $"/api/carts/{cartId}/{path}");

        await response.AssertBodyRequiredAsync();
        using var cart = await alice.GetAsync($"/api/carts/{cartId}");
        Assert.Equal(2, cart.ETag());
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_subscription_refresh_or_removal_checks_its_body_and_headers_like_any_command(string method)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        var path = $"/api/carts/{cartId}/subscriptions/conn-1";

        using (var response = await alice.SendAsync(new HttpMethod(method), path, Raw("{")))
        {
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        }

        using (var response = await alice.SendAsync(new HttpMethod(method), path, ifMatch: "soon"))
        {
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-if-match");
        }
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"productId\": }")]
    [InlineData("{\"productId\": \"x\",}")]
    [InlineData("")]
    public async Task Malformed_json_is_400_malformed_json(string body)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw(body));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Theory]
    [InlineData("{\"productId\":\"\\ud800\",\"quantity\":1}")]
    [InlineData("{\"productId\":\"espresso-beans-250g\",\"quantity\":1,\"note\":\"a\\udc00b\"}")]
    [InlineData("{\"\\ud83d\":1,\"productId\":\"espresso-beans-250g\",\"quantity\":1}")]
    public async Task A_lone_surrogate_escape_anywhere_in_the_body_is_400_malformed_json(string body)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", ApiUser.Raw(body));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Theory]
    [InlineData("1.0", 1)]
    [InlineData("2e0", 2)]
    public async Task An_integer_written_with_a_fraction_or_exponent_counts_as_that_integer(string quantity, int expected)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", ApiUser.Raw($$"""{"productId":"espresso-beans-250g","quantity":{{quantity}}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await response.JsonAsync()).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Invalid_utf8_is_400_malformed_json()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        using var content = new ByteArrayContent([(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    public static TheoryData<string, string, string[]> WrongTypes => new()
    {
        { "/items", "{\"productId\":\"espresso-beans-250g\",\"quantity\":\"2\"}", ["quantity"] },
        { "/items", "{\"productId\":\"espresso-beans-250g\",\"quantity\":1.5}", ["quantity"] },
        { "/items", "{\"productId\":5,\"quantity\":1}", ["productId"] },
        { "/items", "{\"productId\":\"bad id!\",\"quantity\":1}", ["productId"] },
        { "/items", "{}", ["productId", "quantity"] },
        { "/items", "{\"productId\":null,\"quantity\":null}", ["productId", "quantity"] },
        { "/items", "[]", ["$"] },
        { "/items", "42", ["$"] },
        { "/items/espresso-beans-250g", "{\"quantity\":true}", ["quantity"] },
        { "/collaborators", "{\"userId\":[\"bob\"]}", ["userId"] },
        { "/checkout", "{\"shippingAddress\":\"Lyon\"}", ["shippingAddress"] },
        { "/checkout", "{}", ["shippingAddress"] },
        { "/checkout", "{\"shippingAddress\":{}}", ["shippingAddress.name", "shippingAddress.line1", "shippingAddress.city", "shippingAddress.postalCode", "shippingAddress.country"] },
        { "/checkout", "{\"shippingAddress\":{\"name\":\" \",\"line1\":\"1 Main St\",\"city\":\"Lyon\",\"postalCode\":\"690010000000000000000\",\"country\":\"FR\"}}", ["shippingAddress.name", "shippingAddress.postalCode"] },
        { "/subscriptions", "{\"connectionId\":7}", ["connectionId"] },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task Missing_or_mistyped_cart_fields_are_400_validation_failed_naming_each_field(string path, string body, string[] fields)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId);

        using var response = await alice.SendAsync(path.StartsWith("/items/", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, $"/api/carts/{cartId}{path}", Raw(body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(fields.Order(), problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.All(problem.GetProperty("errors").EnumerateObject(), e => Assert.NotEqual(0, e.Value.GetArrayLength()));
    }

    public static TheoryData<string, string, string[]> WrongOrderFields => new()
    {
        { "/cancel", "{}", ["reason"] },
        { "/cancel", "{\"reason\":\"\"}", ["reason"] },
        { "/cancel", $"{{\"reason\":\"{new string('r', 201)}\"}}", ["reason"] },
        { "/payment", "{\"approved\":\"yes\",\"reference\":\"r\"}", ["approved"] },
        { "/payment", "{\"approved\":true}", ["reference"] },
        { "/shipment", "{\"carrier\":\"DHL\"}", ["trackingNumber"] },
        { "/shipment", $"{{\"carrier\":\"{new string('c', 201)}\",\"trackingNumber\":1}}", ["carrier", "trackingNumber"] },
    };

    [Theory]
    [MemberData(nameof(WrongOrderFields))]
    public async Task Missing_mistyped_or_overlong_order_fields_are_400_validation_failed(string path, string body, string[] fields)
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await operatorUser.PostAsync($"/api/orders/{orderId}{path}", Raw(body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(fields.Order(), problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
    }

    [Fact]
    public async Task Field_names_match_regardless_of_case_and_unknown_fields_are_ignored()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw("{\"ProductId\":\"espresso-beans-250g\",\"QUANTITY\":2,\"unitPrice\":0.01}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7.9m, (await response.JsonAsync()).GetProperty("items")[0].GetProperty("unitPrice").GetDecimal());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413_payload_too_large()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        var padding = new string('x', 64 * 1024);

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw($"{{\"productId\":\"{padding}\",\"quantity\":1}}"));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_is_413_payload_too_large()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        using var content = new StreamContent(new ChunkedJson(100 * 1024));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/carts/{cartId}/items") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await alice.Http.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_read()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        var prefix = $"{{\"productId\":\"{Espresso}\",\"quantity\":1,\"pad\":\"";
        var body = prefix + new string('x', (64 * 1024) - prefix.Length - 2) + "\"}";
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(body));

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    public async Task A_body_that_is_not_json_is_415_unsupported_media_type(string contentType)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"productId\":\"espresso-beans-250g\",\"quantity\":1}"));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", content);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task Json_with_a_suffix_media_type_is_accepted()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", Raw("{\"productId\":\"espresso-beans-250g\",\"quantity\":1}", "application/merge-patch+json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("W/\"1\"")]
    [InlineData("*")]
    [InlineData("\"one\"")]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"-1\"")]
    public async Task An_if_match_that_is_not_one_strong_version_tag_is_400_invalid_if_match(string ifMatch)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 1 }, ifMatch: ifMatch);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-if-match");
    }

    [Fact]
    public async Task An_idempotency_key_over_128_characters_is_400_idempotency_key_invalid()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.PostAsync("/api/carts", idempotencyKey: new string('k', 129));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-invalid");
    }

    [Fact]
    public async Task An_idempotency_key_with_characters_outside_printable_ascii_is_400_idempotency_key_invalid()
    {
        var alice = await server.UserAsync("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/carts");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "clé-1");

        using var response = await alice.Http.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency-key-invalid");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.GetAsync("/api/no-such-thing");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.SendAsync(HttpMethod.Patch, "/api/carts");

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }

    /// <summary>A JSON body of the given size with no Content-Length, sent in small chunks.</summary>
    private sealed class ChunkedJson(int size) : Stream
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes("{\"productId\":\"" + new string('x', size) + "\",\"quantity\":1}");
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 4096), _bytes.Length - _position);
            Array.Copy(_bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
