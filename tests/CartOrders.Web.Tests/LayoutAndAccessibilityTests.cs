using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// The main screens at phone widths without sideways scrolling, and the axe-core accessibility
/// checker (from the client's npm development dependencies) finding nothing on them.
/// </summary>
public sealed class LayoutAndAccessibilityTests
{
    private const string Beans = "espresso-beans-250g";

    static LayoutAndAccessibilityTests() => SetDefaultExpectTimeout(20_000);

    [Theory]
    [InlineData(390)]
    [InlineData(360)]
    [InlineData(1280)]
    public async Task The_cart_and_the_order_fit_the_width_and_pass_the_accessibility_checker(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = new CartPage(await chromium.NewPageAsync(server.BaseAddress, width, 844), "alice");
        await alice.OpenAsync();
        await AssertFitsAndAccessibleAsync(alice.Page, width, "sign-in");
        await alice.SignInAsync();
        await alice.CreateCartAsync("A rather long cart name for the family's weekly coffee, tea and biscuits");
        await alice.InviteAsync("bob-with-a-rather-long-user-name");
        await alice.AddAsync(Beans, 2);
        await alice.Part("line-quantity").FillAsync("100");
        await alice.Part("line-update").ClickAsync();
        await Expect(alice.Part("line-error")).ToBeVisibleAsync();
        await Expect(alice.Part("line-quantity")).ToHaveAttributeAsync("aria-invalid", "true");
        var beansRow = alice.Page.Locator($"[data-testid=catalog-row][data-product-id=\"{Beans}\"]");
        await beansRow.GetByTestId("catalog-quantity").FillAsync("98");
        await beansRow.GetByTestId("catalog-add").ClickAsync();
        await Expect(beansRow.GetByTestId("catalog-row-error")).ToBeVisibleAsync();
        await AssertFitsAndAccessibleAsync(alice.Page, width, "cart");
        await alice.Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"cartorders-web-cart-{width}.png"), FullPage = true });

        await alice.Part("line-quantity").FillAsync("2");
        await alice.CheckOutAsync("Alice Example", "1 Market Street", "10115", "Berlin", "DE");
        await Expect(alice.Part("order-status")).ToHaveTextAsync("Placed");
        await AssertFitsAndAccessibleAsync(alice.Page, width, "order");
        Assert.Empty(alice.PageErrors);
    }

    internal static async Task AssertFitsAndAccessibleAsync(IPage page, int width, string screen)
    {
        Assert.Equal(width, page.ViewportSize?.Width);
        await AssertFitsAsync(page, screen);

        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxePath });
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })).violations" +
            ".map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }))");
        Assert.True(result.GetArrayLength() == 0, $"axe found on the {screen} screen at {width} px: {result}");
    }

    /// <summary>No element reaches past the window's right edge and the document is no wider than the window.</summary>
    internal static async Task AssertFitsAsync(IPage page, string screen)
    {
        var width = page.ViewportSize?.Width ?? throw new InvalidOperationException("the page has no fixed viewport");
        var overflow = await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll("body *")]
              .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .map((e) => `${e.tagName.toLowerCase()}${e.dataset.testid ? "[" + e.dataset.testid + "]" : ""}.${e.className}`)
              .slice(0, 10)
            """);
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"{screen} at {width} px scrolls sideways ({scrollWidth} px): {string.Join(", ", overflow)}");
    }

    /// <summary>axe-core as npm installed it for the client (a development dependency of src/CartOrders.Web).</summary>
    private static string AxePath
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CartOrders.sln")))
            {
                directory = directory.Parent;
            }

            var path = Path.Combine(directory?.FullName ?? ".", "src", "CartOrders.Web", "node_modules", "axe-core", "axe.min.js");
            Assert.True(File.Exists(path), $"axe-core is not installed at {path}: run `npm ci` in src/CartOrders.Web (building the server does it when node_modules is missing).");
            return path;
        }
    }
}
