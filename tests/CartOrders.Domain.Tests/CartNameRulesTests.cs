using CartOrders.Domain.Carts;
using static CartOrders.Domain.Tests.CartSpec;

namespace CartOrders.Domain.Tests;

public sealed class CartNameRulesTests
{
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    [Fact]
    public void Creating_a_named_cart_records_its_creation_then_its_name() =>
        Assert.Equal(
            [new CartCreated("c1", "alice", "EUR"), new CartRenamed("Office")],
            Given().When(new CreateCart(Alice, new CartId("c1"), new CartName("Office"))));

    [Fact]
    public void The_owner_renames_the_cart_and_its_state_carries_the_name()
    {
        var spec = Given(Created);
        var events = spec.When(new RenameCart(Alice, new CartName("Groceries")));
        Assert.Equal([new CartRenamed("Groceries")], events);
        Assert.Equal("Groceries", events.Aggregate(spec.State, Cart.Evolve)!.Name);
    }

    [Fact]
    public void Renaming_to_the_current_name_changes_nothing() =>
        Assert.Empty(Given(Created, new CartRenamed("Office")).When(new RenameCart(Alice, new CartName("Office"))));

    [Fact]
    public void A_collaborator_may_not_rename_and_a_stranger_does_not_find_the_cart()
    {
        var spec = Given(Created, new CollaboratorAdded("bob"));
        Assert.Equal(DomainError.OwnerOnly, spec.WhenRefused(new RenameCart(Bob, new CartName("Bob's"))));
        Assert.Equal(DomainError.CartNotFound, spec.WhenRefused(new RenameCart(Carol, new CartName("Carol's"))));
    }

    [Fact]
    public void A_checked_out_or_abandoned_cart_keeps_its_name()
    {
        var checkedOut = new CartCheckedOut("o1", "alice", s_address, [], 0, "EUR");
        Assert.Equal(DomainError.CartCheckedOut, Given(Created, checkedOut).WhenRefused(new RenameCart(Alice, new CartName("Late"))));
        Assert.Equal(DomainError.CartAbandoned, Given(Created, new CartAbandoned("alice", DateTimeOffset.UnixEpoch)).WhenRefused(new RenameCart(Alice, new CartName("Late"))));
    }

    [Theory]
    [InlineData("Office coffee")]
    [InlineData("Café für alle")]
    [InlineData("🎉")]
    [InlineData("a")]
    public void Printable_names_of_1_to_100_characters_are_valid(string name) => Assert.True(CartName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData(" padded ")]
    [InlineData("new\nline")]
    [InlineData("zero\u200bwidth")]
    [InlineData("rtl \u202e override")]
    [InlineData("private \ue000")]
    [InlineData("line\u2028separator")]
    public void Names_with_unprintable_characters_or_surrounding_space_are_not_valid(string name)
    {
        Assert.False(CartName.IsValid(name));
        Assert.Throws<ArgumentException>(() => new CartName(name));
    }

    [Fact]
    public void A_name_with_a_lone_surrogate_is_not_valid()
    {
        // Built here: theory data would pass through serialization, which replaces a lone surrogate.
        var name = "lone " + (char)0xD800 + " surrogate";
        Assert.False(CartName.IsValid(name));
    }

    [Fact]
    public void A_name_counts_characters_not_utf16_units()
    {
        Assert.True(CartName.IsValid(string.Concat(Enumerable.Repeat("🎉", 100))));
        Assert.False(CartName.IsValid(string.Concat(Enumerable.Repeat("🎉", 101))));
        Assert.False(CartName.IsValid(new string('n', 101)));
    }
}
