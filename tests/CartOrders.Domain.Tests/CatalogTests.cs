using CartOrders.Domain.Catalog;

namespace CartOrders.Domain.Tests;

public sealed class CatalogTests
{
    [Fact]
    public void The_seed_catalog_has_more_products_than_a_cart_has_lines_all_in_one_currency()
    {
        var catalog = ProductCatalog.Seed;
        Assert.True(catalog.Products.Count > 50);
        Assert.Equal("EUR", catalog.Currency);
        Assert.All(catalog.Products, p => Assert.True(p.UnitPrice > 0));
        Assert.Equal(catalog.Products.Count, catalog.Products.Select(p => p.ProductId).Distinct().Count());
    }

    [Fact]
    public void A_product_is_found_by_its_id()
    {
        var first = ProductCatalog.Seed.Products[0];
        Assert.Equal(first, ProductCatalog.Seed.Find(first.ProductId));
        Assert.Null(ProductCatalog.Seed.Find(new ProductId("no-such-product")));
    }

    [Fact]
    public void A_catalog_with_two_currencies_is_refused() =>
        Assert.Throws<ArgumentException>(() => new ProductCatalog(
            [new Product(new ProductId("a"), "A", 1m, "EUR"), new Product(new ProductId("b"), "B", 1m, "USD")]));
}
