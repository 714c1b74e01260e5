using System.Collections.Frozen;
using System.Text.Json;

namespace CartOrders.Domain.Catalog;

public sealed record Product(ProductId ProductId, string Name, decimal UnitPrice, string Currency);

/// <summary>The product catalog. Prices always come from here, never from a client.</summary>
public sealed class ProductCatalog
{
    private readonly FrozenDictionary<string, Product> _byId;

    public ProductCatalog(IEnumerable<Product> products)
    {
        ArgumentNullException.ThrowIfNull(products);
        Products = [.. products];
        var currencies = Products.Select(p => p.Currency).Distinct().ToList();
        if (currencies.Count != 1)
        {
            throw new ArgumentException("A catalog has exactly one currency.", nameof(products));
        }

        Currency = currencies[0];
        foreach (var product in Products)
        {
            // Events store prices in minor units: a price must be a whole number of them.
            _ = Money.ToMinor(product.UnitPrice, product.Currency);
        }

        _byId = Products.ToFrozenDictionary(p => p.ProductId.Value, StringComparer.Ordinal);
    }

    public IReadOnlyList<Product> Products { get; }

    public string Currency { get; }

    public Product? Find(ProductId id) => _byId.GetValueOrDefault(id.Value);

    /// <summary>The seed catalog shipped with the product (Catalog/products.json).</summary>
    public static ProductCatalog Seed { get; } = LoadSeed();

    private static ProductCatalog LoadSeed()
    {
        using var stream = typeof(ProductCatalog).Assembly.GetManifestResourceStream("CartOrders.Domain.products.json")
            ?? throw new InvalidOperationException("The seed catalog resource is missing.");
        var rows = JsonSerializer.Deserialize<List<SeedRow>>(stream, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("The seed catalog is empty.");
        return new ProductCatalog(rows.Select(r => new Product(new ProductId(r.ProductId), r.Name, r.UnitPrice, r.Currency)));
    }

    private sealed record SeedRow(string ProductId, string Name, decimal UnitPrice, string Currency);
}
