using static Microsoft.Playwright.Assertions;

namespace CartOrders.Web.Tests;

/// <summary>An add the page or the API refuses is shown next to its catalog row, with that row's quantity marked invalid.</summary>
public sealed class CatalogTests
{
    private const string Beans = "espresso-beans-250g";
    private const string Tea = "green-tea-100g";

    static CatalogTests() => SetDefaultExpectTimeout(20_000);

    [Fact]
    public async Task A_refused_add_is_shown_next_to_its_catalog_row_with_the_quantity_marked_invalid_and_described_by_the_message()
    {
        await using var server = await ServerUnderTest.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var alice = await CartPage.SignedInAsync(chromium, server, "alice");
        await alice.CreateCartAsync("Catalog errors");
        await alice.AddAsync(Beans, 60);

        // The API refuses a line of 120: the message sits in the beans row, not under the catalog.
        var beans = CatalogRow(alice, Beans);
        await beans.GetByTestId("catalog-quantity").FillAsync("60");
        await beans.GetByTestId("catalog-add").ClickAsync();
        var beansError = beans.GetByTestId("catalog-row-error");
        await Expect(beansError).ToBeVisibleAsync();
        await Expect(beansError).ToHaveTextAsync("Quantity per line must be 1-99; got 120.");
        var beansQuantity = beans.GetByTestId("catalog-quantity");
        await Expect(beansQuantity).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(beansQuantity).ToHaveAttributeAsync("aria-describedby", (await beansError.GetAttributeAsync("id"))!);
        await Expect(beansQuantity).ToBeFocusedAsync();
        await Expect(alice.Part("catalog-error")).ToBeHiddenAsync();
        await Expect(alice.Line(Beans)).ToHaveAttributeAsync("data-quantity", "60");

        // The page refuses a quantity of 0 in another row: that row shows it, the beans row keeps its own.
        var tea = CatalogRow(alice, Tea);
        await tea.GetByTestId("catalog-quantity").FillAsync("0");
        await tea.GetByTestId("catalog-add").ClickAsync();
        await Expect(tea.GetByTestId("catalog-row-error")).ToHaveTextAsync("Quantity is a whole number from 1 to 99.");
        await Expect(tea.GetByTestId("catalog-quantity")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(alice.Line(Tea)).ToHaveCountAsync(0);

        // Editing the quantity unmarks it; an add that succeeds clears the row's message.
        await tea.GetByTestId("catalog-quantity").FillAsync("2");
        await Expect(tea.GetByTestId("catalog-quantity")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await tea.GetByTestId("catalog-add").ClickAsync();
        await Expect(alice.Line(Tea)).ToHaveAttributeAsync("data-quantity", "2");
        await Expect(tea.GetByTestId("catalog-row-error")).ToBeHiddenAsync();
        await Expect(beansError).ToBeVisibleAsync();
        Assert.Empty(alice.PageErrors);
    }

    private static Microsoft.Playwright.ILocator CatalogRow(CartPage page, string productId) =>
        page.Page.Locator($"[data-testid=catalog-row][data-product-id=\"{productId}\"]");
}
