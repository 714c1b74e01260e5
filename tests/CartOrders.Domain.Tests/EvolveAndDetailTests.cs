using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;
using static CartOrders.Domain.Tests.CartSpec;

namespace CartOrders.Domain.Tests;

/// <summary>Folding touches only the line an event names; broken histories and unknown commands fail loudly; refusals explain themselves.</summary>
public sealed class EvolveAndDetailTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    [Fact]
    public void A_quantity_change_or_removal_touches_only_the_line_it_names()
    {
        var two = Given(Created, Added("mug", 2), Added("tea", 3)).State!;

        var changed = Cart.Evolve(two, new ItemQuantityChanged("mug", 9))!;
        var removed = Cart.Evolve(two, new ItemRemoved("mug"))!;

        Assert.Equal([("mug", 9), ("tea", 3)], changed.Lines.Select(l => (l.ProductId, l.Quantity)));
        Assert.Equal([("tea", 3)], removed.Lines.Select(l => (l.ProductId, l.Quantity)));
    }

    [Fact]
    public void A_cart_history_that_does_not_start_with_its_creation_is_refused_with_a_reason()
    {
        var early = Assert.Throws<InvalidDataException>(() => Cart.Evolve(null, new ItemRemoved("mug")));
        var twice = Assert.Throws<InvalidDataException>(() => Cart.Evolve(Given(Created).State, Created));
        var unknown = Assert.Throws<InvalidDataException>(() => Cart.Evolve(Given(Created).State, new StrangeCartEvent()));

        Assert.Equal("ItemRemoved before CartCreated.", early.Message);
        Assert.Equal("CartCreated on an existing cart.", twice.Message);
        Assert.Equal("Unknown cart event StrangeCartEvent.", unknown.Message);
    }

    [Fact]
    public void An_order_history_that_does_not_start_with_its_placement_is_refused_with_a_reason()
    {
        var placed = new OrderPlaced("o1", "c1", "alice", [new CartLine("mug", "Mug", 1200, 1)], 1200, "EUR", s_address, s_t0);
        var early = Assert.Throws<InvalidDataException>(() => Order.Evolve(null, new OrderShipped("dhl", "t1", s_t0)));
        var twice = Assert.Throws<InvalidDataException>(() => Order.Evolve(Order.Evolve(null, placed), placed));
        var unknown = Assert.Throws<InvalidDataException>(() => Order.Evolve(Order.Evolve(null, placed), new StrangeOrderEvent(s_t0)));

        Assert.Equal("OrderShipped before OrderPlaced.", early.Message);
        Assert.Equal("OrderPlaced on an existing order.", twice.Message);
        Assert.Equal("Unknown order event StrangeOrderEvent.", unknown.Message);
    }

    [Fact]
    public void Unknown_commands_are_refused_naming_their_type()
    {
        var cart = Assert.Throws<ArgumentException>(() => Given(Created).When(new StrangeCartCommand(Alice)));
        var placed = Order.Evolve(null, new OrderPlaced("o1", "c1", "alice", [new CartLine("mug", "Mug", 1200, 1)], 1200, "EUR", s_address, s_t0));
        var order = Assert.Throws<ArgumentException>(() => OrderDecider.Decide(new StrangeOrderCommand(new Actor(new UserId("alice")), s_t0), placed));

        Assert.StartsWith("Unknown cart command StrangeCartCommand.", cart.Message, StringComparison.Ordinal);
        Assert.StartsWith("Unknown order command StrangeOrderCommand.", order.Message, StringComparison.Ordinal);
        Assert.Equal(("command", "command"), (cart.ParamName, order.ParamName));
    }

    [Fact]
    public void A_quantity_of_99_is_accepted_and_a_refused_quantity_says_the_range_and_the_value()
    {
        Assert.Equal([new ItemAdded("mug", "Mug", 1200, "EUR", 99)], Given(Created).When(new AddItem(Alice, new ProductId("mug"), 99)));
        Assert.Equal([new ItemQuantityChanged("mug", 99)], Given(Created, Added("mug", 1)).When(new SetItemQuantity(Alice, new ProductId("mug"), 99)));

        var add = Assert.Throws<DomainException>(() => Given(Created).When(new AddItem(Alice, new ProductId("mug"), 100)));
        var set = Assert.Throws<DomainException>(() => Given(Created).When(new SetItemQuantity(Alice, new ProductId("mug"), -1)));

        Assert.Equal("Quantity per line must be 1-99; got 100.", add.Detail);
        Assert.Equal("Quantity per line must be 0-99; got -1.", set.Detail);
    }

    [Fact]
    public void An_unknown_product_is_named_in_the_refusal() =>
        Assert.Equal(
            "No product 'nope' in the catalog.",
            Assert.Throws<DomainException>(() => Given(Created).When(new AddItem(Alice, new ProductId("nope"), 1))).Detail);

    [Fact]
    public void Setting_a_quantity_for_a_new_product_in_a_full_cart_is_refused()
    {
        var full = Given([Created, .. Enumerable.Range(1, 50).Select(i => Added($"p{i}", 1))]);

        Assert.Equal(DomainError.CartFull, full.WhenRefused(new SetItemQuantity(Alice, new ProductId("p51"), 1)));
        Assert.Equal([new ItemQuantityChanged("p50", 2)], full.When(new SetItemQuantity(Alice, new ProductId("p50"), 2)));
    }

    [Fact]
    public void The_owner_removes_a_collaborator()
    {
        var shared = Given(Created, new CollaboratorAdded("bob"));

        Assert.Equal([new CollaboratorRemoved("bob")], shared.When(new RemoveCollaborator(Alice, new UserId("bob"))));
        Assert.Empty(Cart.Evolve(shared.State, new CollaboratorRemoved("bob"))!.Collaborators);
    }

    [Fact]
    public void A_refused_order_transition_names_the_status_the_order_is_in()
    {
        var placed = Order.Evolve(null, new OrderPlaced("o1", "c1", "alice", [new CartLine("mug", "Mug", 1200, 1)], 1200, "EUR", s_address, s_t0));
        var ops = new Actor(new UserId("ops"), IsOperator: true);

        var error = Assert.Throws<DomainException>(() => OrderDecider.Decide(new ShipOrder(ops, s_t0, "dhl", "t1"), placed));

        Assert.Equal(DomainError.InvalidOrderTransition, error.Error);
        Assert.Equal("An order that is Placed cannot make that move.", error.Detail);
    }

    private sealed record StrangeCartEvent : CartEvent;

    private sealed record StrangeOrderEvent(DateTimeOffset At) : OrderEvent(At);

    private sealed record StrangeCartCommand(Actor By) : CartCommand(By);

    private sealed record StrangeOrderCommand(Actor By, DateTimeOffset At) : OrderCommand(By, At);
}
