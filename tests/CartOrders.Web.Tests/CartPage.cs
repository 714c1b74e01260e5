using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// One person's window on the web client, driven through the parts the page names with
/// <c>data-testid</c>. Every step waits for what the page shows, never for a fixed time.
/// </summary>
internal sealed class CartPage(IPage page, string userId)
{
    private readonly List<string> _pageErrors = [];

    public IPage Page { get; } = page;

    public string UserId { get; } = userId;

    /// <summary>Uncaught script errors seen on the page so far.</summary>
    public IReadOnlyList<string> PageErrors => _pageErrors;

    public ILocator Part(string testId) => Page.GetByTestId(testId);

    public ILocator Line(string productId) =>
        Page.Locator($"[data-testid=cart-line][data-product-id=\"{productId}\"]");

    /// <summary>A new window (its own context) signed in as <paramref name="userId"/>.</summary>
    public static async Task<CartPage> SignedInAsync(Chromium chromium, ServerUnderTest server, string userId, int width = 1280)
    {
        var page = new CartPage(await chromium.NewPageAsync(server.BaseAddress, width), userId);
        await page.OpenAsync();
        await page.SignInAsync();
        return page;
    }

    /// <summary>Alice's new cart (named when a name is given), shared with bob, open in both windows <paramref name="width"/> px wide.</summary>
    public static async Task<(CartPage Alice, CartPage Bob, string CartId)> SharedCartAsync(Chromium chromium, ServerUnderTest server, string? name = null, int width = 1280)
    {
        var alice = await SignedInAsync(chromium, server, "alice", width);
        var cartId = await alice.CreateCartAsync(name);
        await alice.InviteAsync("bob");
        var bob = await SignedInAsync(chromium, server, "bob", width);
        await bob.OpenCartAsync(cartId);
        return (alice, bob, cartId);
    }

    public async Task OpenAsync()
    {
        Page.PageError += (_, error) => _pageErrors.Add(error);
        await Page.GotoAsync("/");
        await Expect(Part("signin-form")).ToBeVisibleAsync();
    }

    public async Task SignInAsync(bool asOperator = false)
    {
        await Part("signin-user").FillAsync(UserId);
        await Part("signin-operator").SetCheckedAsync(asOperator);
        await Part("signin-submit").ClickAsync();
        await Expect(Part("signed-in-user")).ToHaveTextAsync(UserId);
        await Expect(Part("connection-status")).ToHaveAttributeAsync("data-state", "live");
    }

    /// <summary>Creates a cart (named when a name is given) and returns its id once the page shows it.</summary>
    public async Task<string> CreateCartAsync(string? name = null)
    {
        await Part("new-cart-name").FillAsync(name ?? "");
        await Part("new-cart").ClickAsync();
        await Expect(Part("cart-owner")).ToContainTextAsync(UserId);
        var cartId = (await Part("cart-id").TextContentAsync())?.Trim();
        Assert.False(string.IsNullOrEmpty(cartId), "the page shows the new cart's id");
        await WaitUntilJoinedAsync();
        return cartId;
    }

    public async Task OpenCartAsync(string cartId)
    {
        await Part("open-cart-id").FillAsync(cartId);
        await Part("open-cart-submit").ClickAsync();
        await Expect(Part("cart-id")).ToHaveTextAsync(cartId);
        await WaitUntilJoinedAsync();
    }

    /// <summary>The entry of a cart in the "My carts" list.</summary>
    public ILocator MyCart(string cartId) =>
        Page.Locator($"[data-testid=my-cart][data-cart-id=\"{cartId}\"]");

    public async Task RenameAsync(string name)
    {
        await Part("rename-input").FillAsync(name);
        await Part("rename-submit").ClickAsync();
    }

    public async Task InviteAsync(string collaborator)
    {
        await Part("invite-user").FillAsync(collaborator);
        await Part("invite-submit").ClickAsync();
        await Expect(Page.Locator($"[data-testid=collaborator][data-user-id=\"{collaborator}\"]")).ToBeVisibleAsync();
    }

    public async Task AddAsync(string productId, int quantity)
    {
        var row = Page.Locator($"[data-testid=catalog-row][data-product-id=\"{productId}\"]");
        await row.GetByTestId("catalog-quantity").FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await row.GetByTestId("catalog-add").ClickAsync();
        await Expect(Line(productId)).ToBeVisibleAsync();
    }

    public async Task SetQuantityAsync(string productId, int quantity)
    {
        var line = Line(productId);
        var text = quantity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await line.GetByTestId("line-quantity").FillAsync(text);
        await line.GetByTestId("line-update").ClickAsync();
        try
        {
            await Expect(line).ToHaveAttributeAsync("data-quantity", text);
        }
        catch (PlaywrightException error)
        {
            // Say what the page showed: the line's own error, a conflict, or the page's alert.
            var shown = string.Join(" | ", await Page.Locator("[data-testid=line-error]:visible, [data-testid=line-conflict]:visible, [data-testid=error]:visible").AllInnerTextsAsync());
            throw new PlaywrightException($"{error.Message}{Environment.NewLine}The page showed: {(shown.Length == 0 ? "nothing" : shown)}; page errors: {string.Join(" | ", _pageErrors)}", error);
        }
    }

    public async Task CheckOutAsync(string name, string line1, string postalCode, string city, string country)
    {
        await Part("ship-name").FillAsync(name);
        await Part("ship-line1").FillAsync(line1);
        await Part("ship-postal-code").FillAsync(postalCode);
        await Part("ship-city").FillAsync(city);
        await Part("ship-country").FillAsync(country);
        await Part("checkout-submit").ClickAsync();
        await Expect(Part("order-panel")).ToBeVisibleAsync();
    }

    public Task ExpectQuantityAsync(string productId, int quantity) =>
        Expect(Line(productId).GetByTestId("line-quantity"))
            .ToHaveValueAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task ExpectTotalAsync(decimal total) =>
        Expect(Part("cart-total")).ToContainTextAsync(total.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The page as it is now is no wider than its window: nothing makes it scroll sideways.</summary>
    public Task AssertFitsAsync(string screen) => LayoutAndAccessibilityTests.AssertFitsAsync(Page, screen);

    /// <summary>The page has joined the cart's real-time group (it marks the panel once it has).</summary>
    private Task WaitUntilJoinedAsync() =>
        Expect(Part("cart-panel")).ToHaveAttributeAsync("data-subscribed", "true");
}
