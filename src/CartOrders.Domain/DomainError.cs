namespace CartOrders.Domain;

/// <summary>What kind of failure a rule violation is; hosts map each kind to one HTTP status.</summary>
public enum ErrorKind
{
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
    Unprocessable,
}

/// <summary>A broken business rule, with the stable kebab-case code of the public contract.</summary>
public sealed record DomainError(string Code, ErrorKind Kind, string Title)
{
    public static readonly DomainError CartNotFound = new("cart-not-found", ErrorKind.NotFound, "Cart not found");
    public static readonly DomainError CartAlreadyExists = new("cart-already-exists", ErrorKind.Conflict, "Cart already exists");
    public static readonly DomainError OwnerOnly = new("owner-only", ErrorKind.Forbidden, "Only the cart's owner may do this");
    public static readonly DomainError InvalidQuantity = new("invalid-quantity", ErrorKind.Invalid, "Quantity must be between 1 and 99");
    public static readonly DomainError CartFull = new("cart-full", ErrorKind.Conflict, "A cart holds at most 50 lines");
    public static readonly DomainError UnknownProduct = new("unknown-product", ErrorKind.Unprocessable, "Unknown product");
    public static readonly DomainError ItemNotInCart = new("item-not-in-cart", ErrorKind.NotFound, "Item not in cart");
    public static readonly DomainError CartEmpty = new("cart-empty", ErrorKind.Conflict, "Cannot check out an empty cart");
    public static readonly DomainError CartCheckedOut = new("cart-checked-out", ErrorKind.Conflict, "The cart is checked out");
    public static readonly DomainError TooManyCollaborators = new("too-many-collaborators", ErrorKind.Conflict, "The cart has as many collaborators as it may have");
    public static readonly DomainError CartHistoryFull = new("cart-history-full", ErrorKind.Conflict, "The cart's history is full: it can only be checked out");
    public static readonly DomainError TooManyOpenCarts = new("too-many-open-carts", ErrorKind.Conflict, "The caller owns as many open carts as a user may");
    public static readonly DomainError CartAbandoned = new("cart-abandoned", ErrorKind.Conflict, "The cart was abandoned: it is read-only");
    public static readonly DomainError InvalidCollaborator = new("invalid-collaborator", ErrorKind.Invalid, "The owner cannot be a collaborator");
    public static readonly DomainError OrderNotFound = new("order-not-found", ErrorKind.NotFound, "Order not found");
    public static readonly DomainError OrderAlreadyPlaced = new("order-already-placed", ErrorKind.Conflict, "Order already placed");
    public static readonly DomainError OperatorOnly = new("operator-only", ErrorKind.Forbidden, "Only an operator may do this");
    public static readonly DomainError InvalidOrderTransition = new("invalid-order-transition", ErrorKind.Conflict, "The order cannot move to that status");
}

/// <summary>Thrown by a decider when a command breaks a rule; carries the typed error.</summary>
#pragma warning disable CA1032 // always constructed with its typed error
public sealed class DomainException(DomainError error, string? detail = null) : Exception(detail ?? error.Title)
#pragma warning restore CA1032
{
    public DomainError Error { get; } = error;
    public string Detail { get; } = detail ?? error.Title;
}
