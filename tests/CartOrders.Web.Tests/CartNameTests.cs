using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>Carts are known by their names: in the heading, in "My carts", renamed live for everyone on the cart.</summary>
public sealed class CartNameTests
{
    static CartNameTests() => SetDefaultExpectTimeout(20_000);

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task A_named_cart_shows_its_name_and_a_rename_by_the_owner_reaches_the_collaborator_live(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (alice, bob, cartId) = await CartPage.SharedCartAsync(chromium, server, "Office coffee", width);
        await Expect(alice.Part("cart-name")).ToHaveTextAsync("Office coffee");
        await Expect(alice.MyCart(cartId).GetByTestId("my-cart-name")).ToHaveTextAsync("Office coffee");
        await Expect(bob.Part("cart-name")).ToHaveTextAsync("Office coffee");
        await Expect(bob.Part("rename-form")).ToBeHiddenAsync();

        await alice.RenameAsync("Team coffee");
        await Expect(bob.Part("cart-name")).ToHaveTextAsync("Team coffee");
        await Expect(bob.MyCart(cartId).GetByTestId("my-cart-name")).ToHaveTextAsync("Team coffee");
        await Expect(alice.MyCart(cartId).GetByTestId("my-cart-name")).ToHaveTextAsync("Team coffee");
        await alice.AssertFitsAsync("alice's renamed cart");
        await bob.AssertFitsAsync("bob's renamed cart");

        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }

    [Fact]
    public async Task A_bad_name_is_refused_next_to_its_field_which_is_marked_invalid()
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await CartPage.SignedInAsync(chromium, server, "alice");
        await alice.CreateCartAsync();

        await alice.RenameAsync("zero\u200bwidth");

        await Expect(alice.Part("rename-error")).ToBeVisibleAsync();
        await Expect(alice.Part("rename-error")).ToContainTextAsync("printable");
        await Expect(alice.Part("rename-input")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(alice.Part("rename-input")).ToBeFocusedAsync();
        await Expect(alice.Part("cart-name")).ToContainTextAsync("Cart ");

        await alice.Part("rename-input").FillAsync("Fixed");
        await Expect(alice.Part("rename-input")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Empty(alice.PageErrors);
    }
}
