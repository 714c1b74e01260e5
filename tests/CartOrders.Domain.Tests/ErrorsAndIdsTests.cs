using CartOrders.Domain.Carts;
using CartOrders.Domain.Catalog;
using CartOrders.Domain.Orders;

namespace CartOrders.Domain.Tests;

/// <summary>The error codes, kinds and titles the API serves, and the rules every id follows.</summary>
public sealed class ErrorsAndIdsTests
{
    public static TheoryData<DomainError, string, ErrorKind, string> Errors => new()
    {
        { DomainError.CartNotFound, "cart-not-found", ErrorKind.NotFound, "Cart not found" },
        { DomainError.CartAlreadyExists, "cart-already-exists", ErrorKind.Conflict, "Cart already exists" },
        { DomainError.OwnerOnly, "owner-only", ErrorKind.Forbidden, "Only the cart's owner may do this" },
        { DomainError.InvalidQuantity, "invalid-quantity", ErrorKind.Invalid, "Quantity must be between 1 and 99" },
        { DomainError.CartFull, "cart-full", ErrorKind.Conflict, "A cart holds at most 50 lines" },
        { DomainError.UnknownProduct, "unknown-product", ErrorKind.Unprocessable, "Unknown product" },
        { DomainError.ItemNotInCart, "item-not-in-cart", ErrorKind.NotFound, "Item not in cart" },
        { DomainError.CartEmpty, "cart-empty", ErrorKind.Conflict, "Cannot check out an empty cart" },
        { DomainError.CartCheckedOut, "cart-checked-out", ErrorKind.Conflict, "The cart is checked out" },
        { DomainError.InvalidCollaborator, "invalid-collaborator", ErrorKind.Invalid, "The owner cannot be a collaborator" },
        { DomainError.OrderNotFound, "order-not-found", ErrorKind.NotFound, "Order not found" },
        { DomainError.OrderAlreadyPlaced, "order-already-placed", ErrorKind.Conflict, "Order already placed" },
        { DomainError.OperatorOnly, "operator-only", ErrorKind.Forbidden, "Only an operator may do this" },
        { DomainError.InvalidOrderTransition, "invalid-order-transition", ErrorKind.Conflict, "The order cannot move to that status" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Every_error_has_the_code_kind_and_title_of_the_contract(DomainError error, string code, ErrorKind kind, string title) =>
        Assert.Equal((code, kind, title), (error.Code, error.Kind, error.Title));

    [Fact]
    public void A_domain_exception_says_its_detail_or_else_its_title()
    {
        var plain = new DomainException(DomainError.CartFull);
        var detailed = new DomainException(DomainError.CartFull, "51 lines");

        Assert.Equal(("A cart holds at most 50 lines", "A cart holds at most 50 lines"), (plain.Detail, plain.Message));
        Assert.Equal(("51 lines", "51 lines"), (detailed.Detail, detailed.Message));
        Assert.Same(DomainError.CartFull, detailed.Error);
    }

    [Fact]
    public void Ids_of_1_to_64_letters_digits_dashes_and_underscores_are_valid()
    {
        Assert.True(IdRules.IsValid("a"));
        Assert.True(IdRules.IsValid("Az09_-"));
        Assert.True(IdRules.IsValid(new string('x', 64)));
        Assert.False(IdRules.IsValid(null));
        Assert.False(IdRules.IsValid(""));
        Assert.False(IdRules.IsValid(new string('x', 65)));
        Assert.False(IdRules.IsValid("a b"));
        Assert.False(IdRules.IsValid("a.b"));
        Assert.False(IdRules.IsValid("é"));
    }

    [Fact]
    public void An_invalid_id_is_refused_naming_the_id_and_its_value()
    {
        AssertRefused(() => new CartId("a b"), "cartId", "'a b' is not a valid cartId.");
        AssertRefused(() => new OrderId("a/b"), "orderId", "'a/b' is not a valid orderId.");
        AssertRefused(() => new ProductId(""), "productId", "'' is not a valid productId.");
        AssertRefused(() => new UserId("a?"), "userId", "'a?' is not a valid userId.");

        static void AssertRefused(Func<object> create, string name, string message)
        {
            var error = Assert.Throws<ArgumentException>(create);
            Assert.Equal(name, error.ParamName);
            Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ids_print_as_their_value_and_carts_and_orders_have_their_stream_ids()
    {
        Assert.Equal(("c1", "cart-c1"), (new CartId("c1").ToString(), new CartId("c1").StreamId));
        Assert.Equal(("o1", "order-o1"), (new OrderId("o1").ToString(), new OrderId("o1").StreamId));
        Assert.Equal("p1", new ProductId("p1").ToString());
        Assert.Equal("u1", new UserId("u1").ToString());
    }

    [Fact]
    public void A_catalog_needs_its_products_and_says_why_it_refuses_two_currencies()
    {
        Assert.Throws<ArgumentNullException>(() => new ProductCatalog(null!));
        var error = Assert.Throws<ArgumentException>(() => new ProductCatalog(
            [new Product(new ProductId("a"), "A", 1m, "EUR"), new Product(new ProductId("b"), "B", 1m, "USD")]));
        Assert.StartsWith("A catalog has exactly one currency.", error.Message, StringComparison.Ordinal);
        Assert.Equal("products", error.ParamName);
    }

    [Fact]
    public void Deciders_refuse_a_missing_command_or_catalog()
    {
        Assert.Throws<ArgumentNullException>(() => CartDecider.Decide(null!, null, CartSpec.Catalog));
        Assert.Throws<ArgumentNullException>(() => CartDecider.Decide(new CreateCart(CartSpec.Alice, new CartId("c1")), null, null!));
        Assert.Throws<ArgumentNullException>(() => OrderDecider.Decide(null!, null));
    }
}
