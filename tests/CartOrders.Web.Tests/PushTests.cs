using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// What happens to one person is pushed to that person: an invitation adds the cart to their
/// list, a removal closes the cart on their page with a notice, an abandonment shows on every page.
/// </summary>
public sealed class PushTests
{
    static PushTests() => SetDefaultExpectTimeout(20_000);

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task An_invited_user_gains_the_cart_live_and_a_removed_one_sees_it_closed_with_a_notice(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await CartPage.SignedInAsync(chromium, server, "alice", width);
        var bob = await CartPage.SignedInAsync(chromium, server, "bob", width);
        await Expect(bob.Part("my-carts-empty")).ToBeVisibleAsync();

        var cartId = await alice.CreateCartAsync("Shared snacks");
        await alice.InviteAsync("bob");

        await Expect(bob.MyCart(cartId).GetByTestId("my-cart-name")).ToHaveTextAsync("Shared snacks");
        await Expect(bob.Part("notice")).ToContainTextAsync("alice shared Shared snacks with you");
        await bob.AssertFitsAsync("bob's list with the invitation's notice");
        await bob.MyCart(cartId).ClickAsync();
        await Expect(bob.Part("cart-panel")).ToHaveAttributeAsync("data-subscribed", "true");
        await Expect(bob.Part("cart-name")).ToHaveTextAsync("Shared snacks");

        await alice.Part("cart-collaborators").Locator("[data-testid=remove-collaborator][data-user-id=bob]").ClickAsync();

        await Expect(bob.Part("cart-panel")).ToBeHiddenAsync();
        await Expect(bob.Part("notice")).ToContainTextAsync("You were removed from Shared snacks");
        await Expect(bob.MyCart(cartId)).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("[data-testid=collaborator]")).ToHaveCountAsync(0);
        await bob.AssertFitsAsync("bob's page with the removal's notice");
        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task An_abandoned_cart_shows_as_read_only_on_every_open_page(int width)
    {
        // The sweep runs every second and abandons carts idle for a minute; the server's clock is
        // moved on by two minutes once both pages show the cart.
        await using var server = await ServerUnderTest.StartAsync(("Abandonment:IdleFor", "00:01:00"), ("Abandonment:Interval", "00:00:01"));
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await CartPage.SignedInAsync(chromium, server, "alice", width);
        var bob = await CartPage.SignedInAsync(chromium, server, "bob", width);
        var cartId = await alice.CreateCartAsync("Left alone");
        await alice.InviteAsync("bob");
        await Expect(bob.MyCart(cartId)).ToBeVisibleAsync();
        await bob.OpenCartAsync(cartId);
        server.Clock.Offset = TimeSpan.FromMinutes(2);

        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Part("cart-status")).ToHaveTextAsync("Abandoned");
            await Expect(page.Part("cart-abandoned")).ToBeVisibleAsync();
            await Expect(page.Part("cart-editing")).ToBeHiddenAsync();
            await Expect(page.Part("cart-checked-out")).ToBeHiddenAsync();
            await Expect(page.MyCart(cartId).Locator(".tag")).ToHaveTextAsync("Abandoned");
            await page.AssertFitsAsync($"{page.UserId}'s abandoned cart");
        }

        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }
}
