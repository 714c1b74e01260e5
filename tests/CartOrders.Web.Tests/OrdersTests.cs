using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// "My carts" and "My orders" page by 50 with "More"; an order's page shows its unit prices,
/// total, address, payment reference, carrier and tracking number, cancellation reason and history.
/// </summary>
public sealed class OrdersTests
{
    private const string Beans = "espresso-beans-250g";

    static OrdersTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task More_reads_the_next_page_of_carts_and_of_orders_and_an_order_shows_everything_it_got()
    {
        await using var server = await ServerUnderTest.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var alice = await TokenAsync(http, "alice");
        var ops = await TokenAsync(http, "ops", "operator");
        var orders = new List<string>();
        for (var i = 0; i < 51; i++)
        {
            var cart = await SendAsync(http, alice, HttpMethod.Post, "/api/carts", new { name = $"Cart {i:00}" });
            var cartId = cart.GetProperty("cartId").GetString();
            await SendAsync(http, alice, HttpMethod.Post, $"/api/carts/{cartId}/items", new { productId = Beans, quantity = 2 });
            var checkout = await SendAsync(http, alice, HttpMethod.Post, $"/api/carts/{cartId}/checkout", new
            {
                shippingAddress = new { name = "Alice Example", line1 = "1 Market Street", city = "Berlin", postalCode = "10115", country = "DE" },
            });
            orders.Add(checkout.GetProperty("orderId").GetString()!);
        }

        // The lists come from views that follow the feed: wait until they hold everything.
        await WaitUntilAsync(async () => (await CountAsync(http, alice, "/api/orders")) == 51 && (await CountAsync(http, alice, "/api/carts")) == 51);
        await SendAsync(http, ops, HttpMethod.Post, $"/api/orders/{orders[0]}/cancel", new { reason = "Out of stock" });

        await using var chromium = await Chromium.LaunchAsync();
        var page = await CartPage.SignedInAsync(chromium, server, "alice");

        await Expect(page.Page.GetByTestId("my-cart")).ToHaveCountAsync(50);
        await Expect(page.Page.GetByTestId("my-order")).ToHaveCountAsync(50);
        await page.Part("more-carts").ClickAsync();
        await page.Part("more-orders").ClickAsync();
        await Expect(page.Page.GetByTestId("my-cart")).ToHaveCountAsync(51);
        await Expect(page.Page.GetByTestId("my-order")).ToHaveCountAsync(51);
        await Expect(page.Part("more-carts")).ToBeHiddenAsync();
        await Expect(page.Part("more-orders")).ToBeHiddenAsync();

        // The cancelled order: its reason.
        await page.Page.Locator($"[data-testid=my-order][data-order-id=\"{orders[0]}\"]").ClickAsync();
        await Expect(page.Part("order-status")).ToHaveTextAsync("Cancelled");
        await Expect(page.Part("order-cancellation-reason")).ToHaveTextAsync("Out of stock");

        // Another order, paid and shipped while alice watches it.
        await page.Page.Locator($"[data-testid=my-order][data-order-id=\"{orders[1]}\"]").ClickAsync();
        await Expect(page.Part("order-status")).ToHaveTextAsync("Placed");
        await Expect(page.Part("order-lines").GetByTestId("order-line-unit-price")).ToHaveTextAsync("€7.90");
        await Expect(page.Part("order-total")).ToHaveTextAsync("€15.80");
        await Expect(page.Part("order-address")).ToContainTextAsync("10115 Berlin");
        await SendAsync(http, ops, HttpMethod.Post, $"/api/orders/{orders[1]}/payment", new { approved = true, reference = "psp-777" });
        await SendAsync(http, ops, HttpMethod.Post, $"/api/orders/{orders[1]}/shipment", new { carrier = "DHL", trackingNumber = "JD014600" });

        await Expect(page.Part("order-status")).ToHaveTextAsync("Shipped");
        await Expect(page.Part("order-payment-reference")).ToHaveTextAsync("psp-777");
        await Expect(page.Part("order-carrier")).ToHaveTextAsync("DHL");
        await Expect(page.Part("order-tracking")).ToHaveTextAsync("JD014600");
        await Expect(page.Part("order-history").GetByTestId("order-history-entry")).ToHaveCountAsync(3);
        await Expect(page.Page.Locator($"[data-testid=my-order][data-order-id=\"{orders[1]}\"]").GetByTestId("my-order-status")).ToHaveTextAsync("Shipped");

        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "cartorders-web-orders.png") });
        Assert.Empty(page.PageErrors);
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_operator_works_through_the_orders_of_one_status_and_the_customer_watching_the_order_sees_each_step(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var alice = await TokenAsync(http, "alice");
        var orders = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var cart = await SendAsync(http, alice, HttpMethod.Post, "/api/carts", new { });
            var cartId = cart.GetProperty("cartId").GetString();
            await SendAsync(http, alice, HttpMethod.Post, $"/api/carts/{cartId}/items", new { productId = Beans, quantity = 1 });
            var checkout = await SendAsync(http, alice, HttpMethod.Post, $"/api/carts/{cartId}/checkout", new
            {
                shippingAddress = new { name = "Alice Example", line1 = "1 Market Street", city = "Berlin", postalCode = "10115", country = "DE" },
            });
            orders.Add(checkout.GetProperty("orderId").GetString()!);
        }

        var ops = await TokenAsync(http, "ops", "operator");
        await WaitUntilAsync(async () => (await CountAsync(http, ops, "/api/admin/orders?status=placed&limit=200")) == 2);
        await using var chromium = await Chromium.LaunchAsync();

        // Alice follows her first order from "My orders".
        var customer = await CartPage.SignedInAsync(chromium, server, "alice", width);
        var myOrder = customer.Page.Locator($"[data-testid=my-order][data-order-id=\"{orders[0]}\"]");
        await myOrder.ClickAsync();
        await Expect(customer.Part("order-status")).ToHaveTextAsync("Placed");
        await Expect(customer.Part("order-lines").GetByTestId("order-line-unit-price")).ToHaveTextAsync("€7.90");
        await Expect(customer.Part("order-total")).ToHaveTextAsync("€7.90");
        await Expect(customer.Part("order-address")).ToContainTextAsync("10115 Berlin");

        var page = new CartPage(await chromium.NewPageAsync(server.BaseAddress, width), "ops");
        await page.OpenAsync();
        await page.SignInAsync(asOperator: true);

        var queue = page.Part("operator-orders").GetByTestId("operator-order");
        await Expect(queue).ToHaveCountAsync(2);
        await page.Part("operator-orders").Locator($"[data-order-id=\"{orders[0]}\"]").ClickAsync();
        await Expect(page.Part("order-status")).ToHaveTextAsync("Placed");
        await page.Part("payment-reference").FillAsync("psp-ops-1");
        await page.Part("payment-approve").ClickAsync();

        await Expect(page.Part("order-status")).ToHaveTextAsync("Payment authorized");
        await Expect(queue).ToHaveCountAsync(1);
        await Expect(customer.Part("order-status")).ToHaveTextAsync("Payment authorized");
        await Expect(customer.Part("order-payment-reference")).ToHaveTextAsync("psp-ops-1");
        await Expect(myOrder.GetByTestId("my-order-status")).ToHaveTextAsync("Payment authorized");
        await page.Part("operator-status").SelectOptionAsync("paymentAuthorized");
        await Expect(page.Part("operator-orders").Locator($"[data-order-id=\"{orders[0]}\"]")).ToBeVisibleAsync();

        // Shipped from the operator's page: the customer's page shows the carrier and tracking number.
        await page.Part("shipment-carrier").FillAsync("DHL");
        await page.Part("shipment-tracking").FillAsync("JD014600");
        await page.Part("shipment-submit").ClickAsync();
        await Expect(page.Part("order-status")).ToHaveTextAsync("Shipped");
        await Expect(customer.Part("order-status")).ToHaveTextAsync("Shipped");
        await Expect(customer.Part("order-carrier")).ToHaveTextAsync("DHL");
        await Expect(customer.Part("order-tracking")).ToHaveTextAsync("JD014600");
        await Expect(customer.Part("order-history").GetByTestId("order-history-entry")).ToHaveCountAsync(3);
        await page.AssertFitsAsync("the operator's order queue and order");
        await customer.AssertFitsAsync("alice's shipped order");
        Assert.Empty(page.PageErrors);
        Assert.Empty(customer.PageErrors);
    }

    private static async Task<string> TokenAsync(HttpClient http, string userId, params string[] roles)
    {
        using var response = await http.PostAsJsonAsync("/api/dev/tokens", new { userId, roles }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!;
    }

    private static async Task<JsonElement> SendAsync(HttpClient http, string token, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    private static async Task<int> CountAsync(HttpClient http, string token, string list)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, list.Contains('?', StringComparison.Ordinal) ? list : list + "?limit=200");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("items").GetArrayLength();
    }

    /// <summary>Polls a condition until it holds, for at most 60 s (51 orders placed through the feed).</summary>
    private static Task WaitUntilAsync(Func<Task<bool>> condition) =>
        CartOrders.Server.Tests.Fixtures.Eventually.TrueAsync(condition, TimeSpan.FromSeconds(60), "the lists did not catch up");
}
