using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// Two people editing one cart on phones (390 px): each sees the other's changes, who has the cart
/// open and who did what, a conflict on one line, and neither page scrolls sideways.
/// </summary>
public sealed class PhoneCollaborationTests
{
    private const int Phone = 390;
    private const string Beans = "espresso-beans-250g";

    static PhoneCollaborationTests() => SetDefaultExpectTimeout(20_000);

    [Fact]
    public async Task Two_people_on_phones_see_each_others_changes_presence_and_attribution_without_sideways_scrolling()
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await CartPage.SignedInAsync(chromium, server, "alice", Phone);
        var cartId = await alice.CreateCartAsync("Weekend coffee for the whole flat, with biscuits");
        await alice.InviteAsync("bob");
        var bob = await CartPage.SignedInAsync(chromium, server, "bob", Phone);
        await bob.OpenCartAsync(cartId);

        // Presence: each page marks the other online.
        await Expect(alice.Page.Locator("[data-testid=collaborator][data-user-id=bob]")).ToHaveAttributeAsync("data-online", "true");
        await Expect(alice.Part("cart-presence")).ToHaveTextAsync("Here now: bob.");
        await Expect(bob.Page.Locator("[data-testid=owner][data-user-id=alice]")).ToHaveAttributeAsync("data-online", "true");
        await Expect(bob.Part("cart-presence")).ToHaveTextAsync("Here now: alice.");

        // Alice adds, bob sees it attributed to her; bob changes it, alice sees it attributed to him.
        await alice.AddAsync(Beans, 2);
        await bob.ExpectQuantityAsync(Beans, 2);
        await Expect(bob.Part("activity-list").GetByTestId("activity-item").First).ToHaveTextAsync(new Regex("^alice added 2 × Espresso beans, 250g"));
        await Expect(bob.Part("cart-announcer")).ToContainTextAsync("alice added 2 × Espresso beans, 250g");
        await bob.SetQuantityAsync(Beans, 4);
        await alice.ExpectQuantityAsync(Beans, 4);
        await alice.ExpectTotalAsync(31.60m);
        await Expect(alice.Part("activity-list").GetByTestId("activity-item").First).ToHaveTextAsync(new Regex("^bob set Espresso beans, 250g to 4"));
        await Expect(alice.Part("cart-announcer")).ToContainTextAsync("bob set Espresso beans, 250g to 4");
        await Expect(bob.Part("activity-list").GetByTestId("activity-item").First).ToHaveTextAsync(new Regex("^you set Espresso beans, 250g to 4"));

        // Both edit the line at once: bob is shown alice's value next to the line and chooses.
        await bob.Line(Beans).GetByTestId("line-quantity").FillAsync("6");
        await alice.SetQuantityAsync(Beans, 5);
        await Expect(bob.Line(Beans)).ToHaveAttributeAsync("data-quantity", "5");
        await bob.Line(Beans).GetByTestId("line-update").ClickAsync();
        var conflict = bob.Line(Beans).GetByTestId("line-conflict");
        await Expect(conflict.GetByTestId("conflict-text")).ToHaveTextAsync("alice set Espresso beans, 250g to 5 while you were editing.");

        await LayoutAndAccessibilityTests.AssertFitsAndAccessibleAsync(alice.Page, Phone, "alice's shared cart");
        await LayoutAndAccessibilityTests.AssertFitsAndAccessibleAsync(bob.Page, Phone, "bob's shared cart with a conflict");

        await conflict.GetByTestId("conflict-apply").ClickAsync();
        await alice.ExpectQuantityAsync(Beans, 6);
        await Expect(alice.Part("activity-list").GetByTestId("activity-item").First).ToHaveTextAsync(new Regex("^bob set Espresso beans, 250g to 6"));

        // Bob leaves the cart: alice's page no longer marks him online.
        await bob.CreateCartAsync("Bob's own");
        await Expect(alice.Part("cart-presence")).ToHaveTextAsync("Only you have this cart open.");
        await LayoutAndAccessibilityTests.AssertFitsAndAccessibleAsync(alice.Page, Phone, "alice alone on the shared cart");
        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }
}
