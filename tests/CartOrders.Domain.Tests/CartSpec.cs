using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Catalog;

namespace CartOrders.Domain.Tests;

/// <summary>Given events, when a command, then events or a rule's error.</summary>
internal sealed class CartSpec
{
    private readonly List<CartEvent> _given = [];

    public static ProductCatalog Catalog { get; } = new(
    [
        new Product(new ProductId("mug"), "Mug", 12.00m, "EUR"),
        new Product(new ProductId("tea"), "Tea", 8.75m, "EUR"),
        .. Enumerable.Range(1, 60).Select(i => new Product(new ProductId($"p{i}"), $"Product {i}", i, "EUR")),
    ]);

    public static Actor Alice { get; } = new(new UserId("alice"));
    public static Actor Bob { get; } = new(new UserId("bob"));
    public static Actor Carol { get; } = new(new UserId("carol"));

    public static CartSpec Given(params CartEvent[] events)
    {
        var spec = new CartSpec();
        spec._given.AddRange(events);
        return spec;
    }

    public static CartEvent Created => new CartCreated("c1", "alice", "EUR");

    public static CartEvent Added(string product, int quantity) =>
        new ItemAdded(product, Catalog.Find(new ProductId(product))!.Name, Money.ToMinor(Catalog.Find(new ProductId(product))!.UnitPrice, "EUR"), "EUR", quantity);

    public Cart? State => Cart.Fold(_given);

    public IReadOnlyList<CartEvent> When(CartCommand command) => CartDecider.Decide(command, State, Catalog);

    public DomainError WhenRefused(CartCommand command) =>
        Assert.Throws<DomainException>(() => CartDecider.Decide(command, State, Catalog)).Error;
}
