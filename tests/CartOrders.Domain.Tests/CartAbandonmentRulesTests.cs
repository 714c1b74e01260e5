using CartOrders.Domain.Carts;
using static CartOrders.Domain.Tests.CartSpec;

namespace CartOrders.Domain.Tests;

public sealed class CartAbandonmentRulesTests
{
    private static readonly DateTimeOffset s_idleSince = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Actor s_system = new(new UserId("cartorders-abandonment"));

    [Fact]
    public void An_open_cart_is_abandoned_by_the_system_although_it_is_no_member() =>
        Assert.Equal([new CartAbandoned("alice", s_idleSince)], Given(Created, Added("mug", 1)).When(new AbandonCart(s_system, s_idleSince)));

    [Fact]
    public void A_checked_out_or_abandoned_cart_is_left_as_it_is()
    {
        var checkedOut = new CartCheckedOut("o1", "alice", new ShippingAddress("A", "1", "L", "6", "FR"), [], 0, "EUR");
        Assert.Empty(Given(Created, checkedOut).When(new AbandonCart(s_system, s_idleSince)));
        Assert.Empty(Given(Created, new CartAbandoned("alice", s_idleSince)).When(new AbandonCart(s_system, s_idleSince)));
    }

    [Fact]
    public void An_abandoned_cart_refuses_every_change_with_cart_abandoned()
    {
        var spec = Given(Created, new CartAbandoned("alice", s_idleSince));

        Assert.Equal(DomainError.CartAbandoned, spec.WhenRefused(new AddItem(Alice, new ProductId("mug"), 1)));
        Assert.Equal(DomainError.CartAbandoned, spec.WhenRefused(new AddCollaborator(Alice, new UserId("bob"))));
        Assert.Equal(DomainError.CartAbandoned, spec.WhenRefused(new CheckOut(Alice, new OrderId("o1"), new ShippingAddress("A", "1", "L", "6", "FR"))));
        Assert.Equal(CartStatus.Abandoned, spec.State!.Status);
    }

    [Fact]
    public void A_missing_cart_cannot_be_abandoned() =>
        Assert.Equal(DomainError.CartNotFound, Given().WhenRefused(new AbandonCart(s_system, s_idleSince)));

    [Fact]
    public void Inviting_up_to_the_limit_is_taken_and_one_more_is_refused()
    {
        var spec = Given(Created, new CollaboratorAdded("bob"));

        Assert.Equal([new CollaboratorAdded("carol")], CartDecider.Decide(new AddCollaborator(Alice, new UserId("carol")), spec.State, CartSpec.Catalog, maxCollaborators: 2));
        Assert.Throws<DomainException>(() => CartDecider.Decide(new AddCollaborator(Alice, new UserId("carol")), spec.State, CartSpec.Catalog, maxCollaborators: 1));
        Assert.Empty(CartDecider.Decide(new AddCollaborator(Alice, new UserId("bob")), spec.State, CartSpec.Catalog, maxCollaborators: 1));
    }
}
