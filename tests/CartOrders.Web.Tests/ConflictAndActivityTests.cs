using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>
/// Two people editing one line: the second save is sent with If-Match and, on 412, shows the
/// other person's value and lets the second person apply theirs on top or keep the other's.
/// Every change is attributed in the activity list.
/// </summary>
public sealed class ConflictAndActivityTests
{
    private const string Beans = "espresso-beans-250g";

    static ConflictAndActivityTests() => SetDefaultExpectTimeout(20_000);

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task A_line_changed_by_someone_else_while_editing_shows_their_value_and_is_overwritten_only_when_asked(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (alice, bob, _) = await CartPage.SharedCartAsync(chromium, server, "Weekend coffee for the whole flat, with biscuits", width);
        await alice.AddAsync(Beans, 2);
        await bob.ExpectQuantityAsync(Beans, 2);

        // Bob starts typing 6; meanwhile Alice sets the line to 4, which reaches Bob's page.
        await bob.Line(Beans).GetByTestId("line-quantity").FillAsync("6");
        await alice.SetQuantityAsync(Beans, 4);
        await Expect(bob.Line(Beans)).ToHaveAttributeAsync("data-quantity", "4");
        await bob.ExpectQuantityAsync(Beans, 6);

        await bob.Line(Beans).GetByTestId("line-update").ClickAsync();

        var conflict = bob.Line(Beans).GetByTestId("line-conflict");
        await Expect(conflict).ToBeVisibleAsync();
        await Expect(conflict.GetByTestId("conflict-text")).ToHaveTextAsync("alice set Espresso beans, 250g to 4 while you were editing.");
        await Expect(bob.Line(Beans).GetByTestId("line-quantity")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(alice.Line(Beans)).ToHaveAttributeAsync("data-quantity", "4");
        await LayoutAndAccessibilityTests.AssertFitsAndAccessibleAsync(alice.Page, width, "alice's shared cart");
        await LayoutAndAccessibilityTests.AssertFitsAndAccessibleAsync(bob.Page, width, "bob's shared cart with a conflict");

        await conflict.GetByTestId("conflict-apply").ClickAsync();

        await Expect(conflict).ToBeHiddenAsync();
        await Expect(alice.Line(Beans)).ToHaveAttributeAsync("data-quantity", "6");
        await Expect(bob.Line(Beans)).ToHaveAttributeAsync("data-quantity", "6");
        await Expect(alice.Part("activity-list").GetByTestId("activity-item").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^bob set Espresso beans, 250g to 6"));
        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task Keeping_the_other_persons_value_sends_nothing_and_an_edit_of_another_line_is_no_conflict(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (alice, bob, _) = await CartPage.SharedCartAsync(chromium, server, width: width);
        const string Tea = "green-tea-50g";
        await alice.AddAsync(Beans, 2);
        await alice.AddAsync(Tea, 1);
        await bob.ExpectQuantityAsync(Tea, 1);

        // Another line moved the cart's version on: Bob's edit of this line still goes through.
        await bob.Line(Beans).GetByTestId("line-quantity").FillAsync("3");
        await alice.SetQuantityAsync(Tea, 5);
        await Expect(bob.Line(Tea)).ToHaveAttributeAsync("data-quantity", "5");
        await bob.SetQuantityAsync(Beans, 3);
        await Expect(alice.Line(Beans)).ToHaveAttributeAsync("data-quantity", "3");
        await Expect(bob.Line(Beans).GetByTestId("line-conflict")).ToBeHiddenAsync();

        // The same line: Bob keeps Alice's value, and nothing is sent.
        await bob.Line(Beans).GetByTestId("line-quantity").FillAsync("9");
        await alice.SetQuantityAsync(Beans, 7);
        await Expect(bob.Line(Beans)).ToHaveAttributeAsync("data-quantity", "7");
        await bob.Line(Beans).GetByTestId("line-update").ClickAsync();
        await bob.Line(Beans).GetByTestId("conflict-keep").ClickAsync();

        await bob.ExpectQuantityAsync(Beans, 7);
        await Expect(bob.Line(Beans).GetByTestId("line-conflict")).ToBeHiddenAsync();
        await Expect(bob.Part("activity-list").GetByTestId("activity-item").First).ToContainTextAsync("alice set Espresso beans, 250g to 7");
        await Expect(alice.Line(Beans)).ToHaveAttributeAsync("data-quantity", "7");
        await bob.AssertFitsAsync("bob's cart after keeping alice's value");
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_activity_list_says_who_did_what_and_announces_the_others_changes(int width)
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (alice, bob, _) = await CartPage.SharedCartAsync(chromium, server, width: width);

        await bob.AddAsync(Beans, 2);
        await alice.ExpectQuantityAsync(Beans, 2);
        await bob.SetQuantityAsync(Beans, 4);

        var items = alice.Part("activity-list").GetByTestId("activity-item");
        await Expect(items.First).ToContainTextAsync("bob set Espresso beans, 250g to 4");
        await Expect(items).ToHaveCountAsync(4);
        await Expect(items.Nth(1)).ToContainTextAsync("bob added 2 × Espresso beans, 250g");
        await Expect(items.Nth(2)).ToContainTextAsync("you invited bob");
        await Expect(items.Nth(3)).ToContainTextAsync("you created the cart");
        await Expect(alice.Part("cart-announcer")).ToContainTextAsync("bob set Espresso beans, 250g to 4");
        await Expect(bob.Part("activity-list").GetByTestId("activity-item").First).ToContainTextAsync("you set Espresso beans, 250g to 4");
        await alice.AssertFitsAsync("alice's activity list");
        await bob.AssertFitsAsync("bob's activity list");
    }

    [Fact]
    public async Task A_change_pushed_live_is_announced_from_the_pushs_changedBy_and_change_even_when_the_history_cannot_be_read()
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var (alice, bob, _) = await CartPage.SharedCartAsync(chromium, server);
        await bob.AddAsync(Beans, 2);
        await alice.ExpectQuantityAsync(Beans, 2);

        // From here on Alice's page cannot read the cart's history: only the push can tell her.
        await alice.Page.RouteAsync("**/events**", route => route.AbortAsync());
        await bob.SetQuantityAsync(Beans, 4);

        await Expect(alice.Part("cart-announcer")).ToContainTextAsync("bob set Espresso beans, 250g to 4");
        await Expect(alice.Part("activity-list").GetByTestId("activity-item").First).Not.ToContainTextAsync("to 4");
    }
}
