using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>Who has the cart open now: marked online as they open it, unmarked as they leave or close the page.</summary>
public sealed class PresenceTests
{
    static PresenceTests() => SetDefaultExpectTimeout(20_000);

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task Each_page_shows_who_else_has_the_cart_open_joining_and_leaving_live(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await CartPage.SignedInAsync(chromium, server, "alice", width);
        var cartId = await alice.CreateCartAsync("Presence");
        await alice.InviteAsync("bob");
        var bobOnAlicesPage = alice.Page.Locator("[data-testid=collaborator][data-user-id=bob]");
        await Expect(bobOnAlicesPage).ToHaveAttributeAsync("data-online", "false");
        await Expect(alice.Part("cart-presence")).ToHaveTextAsync("Only you have this cart open.");

        var bob = await CartPage.SignedInAsync(chromium, server, "bob", width);
        await bob.OpenCartAsync(cartId);

        await Expect(bobOnAlicesPage).ToHaveAttributeAsync("data-online", "true");
        await Expect(alice.Part("cart-presence")).ToHaveTextAsync("Here now: bob.");
        await Expect(bob.Page.Locator("[data-testid=owner][data-user-id=alice]")).ToHaveAttributeAsync("data-online", "true");
        await Expect(bob.Part("cart-presence")).ToHaveTextAsync("Here now: alice.");
        await alice.AssertFitsAsync("alice's cart with bob online");
        await bob.AssertFitsAsync("bob's cart with alice online");

        // Bob opens another cart: he leaves this one.
        await bob.CreateCartAsync("Bob's own");
        await Expect(bobOnAlicesPage).ToHaveAttributeAsync("data-online", "false");
        await Expect(alice.Part("cart-presence")).ToHaveTextAsync("Only you have this cart open.");

        await bob.OpenCartAsync(cartId);
        await Expect(bobOnAlicesPage).ToHaveAttributeAsync("data-online", "true");

        // Bob closes his window: his connection ends.
        await bob.Page.Context.CloseAsync();
        await Expect(bobOnAlicesPage).ToHaveAttributeAsync("data-online", "false");
        await Expect(alice.Part("cart-presence")).ToHaveTextAsync("Only you have this cart open.");
        Assert.Empty(alice.PageErrors);
    }
}
