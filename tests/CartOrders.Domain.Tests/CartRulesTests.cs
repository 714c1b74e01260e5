using CartOrders.Domain.Carts;
using static CartOrders.Domain.Tests.CartSpec;

namespace CartOrders.Domain.Tests;

public sealed class CartRulesTests
{
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    [Fact]
    public void Creating_a_cart_makes_the_caller_its_owner_in_the_catalog_currency() =>
        Assert.Equal([new CartCreated("c1", "alice", "EUR")], Given().When(new CreateCart(Alice, new CartId("c1"))));

    [Fact]
    public void Creating_a_cart_twice_is_refused() =>
        Assert.Equal(DomainError.CartAlreadyExists, Given(Created).WhenRefused(new CreateCart(Alice, new CartId("c1"))));

    [Fact]
    public void Adding_an_item_records_the_catalog_name_and_price() =>
        Assert.Equal([new ItemAdded("mug", "Mug", 1200, "EUR", 2)], Given(Created).When(new AddItem(Alice, new ProductId("mug"), 2)));

    [Fact]
    public void Adding_an_item_already_in_the_cart_adds_to_its_quantity()
    {
        var spec = Given(Created, Added("mug", 2));
        var events = spec.When(new AddItem(Alice, new ProductId("mug"), 3));
        var after = events.Aggregate(spec.State, Cart.Evolve)!;
        Assert.Equal(5, Assert.Single(after.Lines).Quantity);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100)]
    public void Adding_a_quantity_outside_1_to_99_is_refused(int quantity) =>
        Assert.Equal(DomainError.InvalidQuantity, Given(Created).WhenRefused(new AddItem(Alice, new ProductId("mug"), quantity)));

    [Fact]
    public void Adding_to_a_line_past_99_is_refused() =>
        Assert.Equal(DomainError.InvalidQuantity, Given(Created, Added("mug", 60)).WhenRefused(new AddItem(Alice, new ProductId("mug"), 40)));

    [Fact]
    public void Adding_an_unknown_product_is_refused() =>
        Assert.Equal(DomainError.UnknownProduct, Given(Created).WhenRefused(new AddItem(Alice, new ProductId("nope"), 1)));

    [Fact]
    public void A_cart_holds_at_most_50_lines()
    {
        var full = Given([Created, .. Enumerable.Range(1, 50).Select(i => Added($"p{i}", 1))]);
        Assert.Equal(DomainError.CartFull, full.WhenRefused(new AddItem(Alice, new ProductId("p51"), 1)));
        Assert.Single(full.When(new AddItem(Alice, new ProductId("p50"), 1)));
    }

    [Fact]
    public void Setting_a_quantity_changes_the_line() =>
        Assert.Equal([new ItemQuantityChanged("mug", 7)], Given(Created, Added("mug", 2)).When(new SetItemQuantity(Alice, new ProductId("mug"), 7)));

    [Fact]
    public void Setting_a_quantity_to_zero_removes_the_line() =>
        Assert.Equal([new ItemRemoved("mug")], Given(Created, Added("mug", 2)).When(new SetItemQuantity(Alice, new ProductId("mug"), 0)));

    [Fact]
    public void Setting_the_same_quantity_changes_nothing() =>
        Assert.Empty(Given(Created, Added("mug", 2)).When(new SetItemQuantity(Alice, new ProductId("mug"), 2)));

    [Fact]
    public void Setting_a_quantity_of_a_missing_line_adds_it() =>
        Assert.Equal([new ItemAdded("tea", "Tea", 875, "EUR", 3)], Given(Created).When(new SetItemQuantity(Alice, new ProductId("tea"), 3)));

    [Fact]
    public void Setting_a_quantity_above_99_is_refused() =>
        Assert.Equal(DomainError.InvalidQuantity, Given(Created, Added("mug", 2)).WhenRefused(new SetItemQuantity(Alice, new ProductId("mug"), 100)));

    [Fact]
    public void Removing_an_item_removes_its_line() =>
        Assert.Equal([new ItemRemoved("mug")], Given(Created, Added("mug", 2)).When(new RemoveItem(Alice, new ProductId("mug"))));

    [Fact]
    public void Removing_an_item_not_in_the_cart_is_refused() =>
        Assert.Equal(DomainError.ItemNotInCart, Given(Created).WhenRefused(new RemoveItem(Alice, new ProductId("mug"))));

    [Fact]
    public void The_owner_invites_a_collaborator_who_may_then_add_items()
    {
        var invited = Given(Created, new CollaboratorAdded("bob"));
        Assert.Equal([new CollaboratorAdded("bob")], Given(Created).When(new AddCollaborator(Alice, new UserId("bob"))));
        Assert.Single(invited.When(new AddItem(Bob, new ProductId("mug"), 1)));
    }

    [Fact]
    public void Inviting_a_collaborator_twice_changes_nothing() =>
        Assert.Empty(Given(Created, new CollaboratorAdded("bob")).When(new AddCollaborator(Alice, new UserId("bob"))));

    [Fact]
    public void The_owner_cannot_be_a_collaborator() =>
        Assert.Equal(DomainError.InvalidCollaborator, Given(Created).WhenRefused(new AddCollaborator(Alice, new UserId("alice"))));

    [Fact]
    public void A_collaborator_cannot_invite_or_remove_collaborators()
    {
        var spec = Given(Created, new CollaboratorAdded("bob"));
        Assert.Equal(DomainError.OwnerOnly, spec.WhenRefused(new AddCollaborator(Bob, new UserId("carol"))));
        Assert.Equal(DomainError.OwnerOnly, spec.WhenRefused(new RemoveCollaborator(Bob, new UserId("bob"))));
    }

    [Fact]
    public void A_removed_collaborator_can_no_longer_see_the_cart()
    {
        var spec = Given(Created, new CollaboratorAdded("bob"), new CollaboratorRemoved("bob"));
        Assert.Equal(DomainError.CartNotFound, spec.WhenRefused(new AddItem(Bob, new ProductId("mug"), 1)));
    }

    [Fact]
    public void Removing_someone_who_is_not_a_collaborator_changes_nothing() =>
        Assert.Empty(Given(Created).When(new RemoveCollaborator(Alice, new UserId("carol"))));

    [Fact]
    public void A_stranger_is_told_the_cart_does_not_exist() =>
        Assert.Equal(DomainError.CartNotFound, Given(Created).WhenRefused(new AddItem(Carol, new ProductId("mug"), 1)));

    [Fact]
    public void A_missing_cart_is_not_found() =>
        Assert.Equal(DomainError.CartNotFound, Given().WhenRefused(new AddItem(Alice, new ProductId("mug"), 1)));

    [Fact]
    public void Checking_out_gives_the_order_its_lines_and_total_at_catalog_prices()
    {
        // The line was added at an old price; checkout reprices from the catalog.
        var spec = Given(Created, new ItemAdded("mug", "Old mug", 1000, "EUR", 2), Added("tea", 1));
        var e = Assert.IsType<CartCheckedOut>(Assert.Single(spec.When(new CheckOut(Alice, new OrderId("o1"), s_address))));
        Assert.Equal("o1", e.OrderId);
        Assert.Equal("alice", e.OwnerId);
        Assert.Equal((2 * 1200) + 875, e.TotalMinor);
        Assert.Equal("Mug", e.Lines[0].Name);
        Assert.Equal("EUR", e.Currency);
        Assert.Equal(s_address, e.ShippingAddress);
    }

    [Fact]
    public void Checking_out_an_empty_cart_is_refused() =>
        Assert.Equal(DomainError.CartEmpty, Given(Created).WhenRefused(new CheckOut(Alice, new OrderId("o1"), s_address)));

    [Fact]
    public void Only_the_owner_checks_out() =>
        Assert.Equal(DomainError.OwnerOnly, Given(Created, new CollaboratorAdded("bob"), Added("mug", 1)).WhenRefused(new CheckOut(Bob, new OrderId("o1"), s_address)));

    [Fact]
    public void Nothing_changes_after_checkout()
    {
        var spec = Given(Created, Added("mug", 1), new CartCheckedOut("o1", "alice", s_address, [new CartLine("mug", "Mug", 1200, 1)], 1200, "EUR"));
        Assert.Equal(DomainError.CartCheckedOut, spec.WhenRefused(new AddItem(Alice, new ProductId("tea"), 1)));
        Assert.Equal(DomainError.CartCheckedOut, spec.WhenRefused(new SetItemQuantity(Alice, new ProductId("mug"), 3)));
        Assert.Equal(DomainError.CartCheckedOut, spec.WhenRefused(new RemoveItem(Alice, new ProductId("mug"))));
        Assert.Equal(DomainError.CartCheckedOut, spec.WhenRefused(new AddCollaborator(Alice, new UserId("bob"))));
        Assert.Equal(DomainError.CartCheckedOut, spec.WhenRefused(new CheckOut(Alice, new OrderId("o2"), s_address)));
        Assert.Equal(CartStatus.CheckedOut, spec.State!.Status);
        Assert.Equal("o1", spec.State.OrderId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("é")]
    public void Ids_outside_the_allowed_alphabet_cannot_be_made(string value) =>
        Assert.Throws<ArgumentException>(() => new CartId(value));

    [Fact]
    public void Ids_are_at_most_64_characters()
    {
        Assert.Equal(64, new ProductId(new string('a', 64)).Value.Length);
        Assert.Throws<ArgumentException>(() => new ProductId(new string('a', 65)));
    }
}
