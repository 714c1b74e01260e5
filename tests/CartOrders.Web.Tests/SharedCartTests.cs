using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// The web client against the real local server in a real Chromium: two people share a
/// cart, each sees the other's changes without reloading, and the owner checks out and
/// follows the order.
/// </summary>
public sealed class SharedCartTests
{
    private const string Beans = "espresso-beans-250g";

    static SharedCartTests() =>
        // Live updates cross a SignalR hub and a projection; generous, but never a sleep.
        SetDefaultExpectTimeout(20_000);

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task Collaborators_see_each_others_changes_live_and_the_owner_sees_the_order_placed(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var unitPrice = await UnitPriceAsync(server, Beans);

        var alice = new CartPage(await chromium.NewPageAsync(server.BaseAddress, width), "alice");
        var bob = new CartPage(await chromium.NewPageAsync(server.BaseAddress, width), "bob");

        await alice.OpenAsync();
        await alice.SignInAsync();
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync("bob");

        await bob.OpenAsync();
        await bob.SignInAsync();
        await bob.OpenCartAsync(cartId);
        await Expect(bob.Part("cart-owner")).ToHaveTextAsync("alice");

        await bob.AddAsync(Beans, 2);
        await alice.ExpectQuantityAsync(Beans, 2);
        await alice.ExpectTotalAsync(unitPrice * 2);

        await alice.SetQuantityAsync(Beans, 3);
        await bob.ExpectQuantityAsync(Beans, 3);
        await bob.ExpectTotalAsync(unitPrice * 3);
        await Expect(bob.Part("cart-version")).ToHaveTextAsync(await alice.Part("cart-version").InnerTextAsync());
        await alice.AssertFitsAsync("alice's shared cart");
        await bob.AssertFitsAsync("bob's shared cart");

        await alice.Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(Path.GetTempPath(), $"cartorders-web{Suffix(width)}.png"),
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
        });

        await alice.CheckOutAsync("Alice Example", "1 Market Street", "10115", "Berlin", "DE");
        await Expect(alice.Part("order-status")).ToHaveTextAsync("Placed");
        await Expect(alice.Part("order-total")).ToContainTextAsync(Amount(unitPrice * 3));
        await Expect(alice.Part("cart-status")).ToHaveTextAsync("Checked out");
        await Expect(bob.Part("cart-status")).ToHaveTextAsync("Checked out");
        await alice.AssertFitsAsync("alice's order");
        await bob.AssertFitsAsync("bob's checked-out cart");

        await alice.Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(Path.GetTempPath(), $"cartorders-web-order{Suffix(width)}.png"),
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
        });

        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }

    private static async Task<decimal> UnitPriceAsync(ServerUnderTest server, string productId)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var products = await http.GetFromJsonAsync<List<Product>>("/api/products", TestContext.Current.CancellationToken);
        return Assert.Single(products!, product => product.ProductId == productId).UnitPrice;
    }

    /// <summary>Desktop screenshots keep their plain names; narrower ones say their width.</summary>
    private static string Suffix(int width) => width == 1280 ? "" : $"-{width}";

    private static string Amount(decimal value) =>
        value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Product(string ProductId, string Name, decimal UnitPrice, string Currency);
}
