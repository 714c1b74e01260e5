namespace CartOrders.Domain.Carts;

/// <summary>A line as events store it: the unit price in minor units of the event's (the cart's) currency.</summary>
public sealed record CartLine(string ProductId, string Name, long UnitPriceMinor, int Quantity)
{
    public long LineTotalMinor => UnitPriceMinor * Quantity;
}

public sealed record ShippingAddress(string Name, string Line1, string City, string PostalCode, string Country);

/// <summary>Events of a cart stream (<c>cart-{cartId}</c>). Stored under their explicit type names.</summary>
public abstract record CartEvent : IDomainEvent;

[EventType("CartCreated.v1")]
public sealed record CartCreated(string CartId, string OwnerId, string Currency) : CartEvent;

/// <summary>
/// Quantity is the amount added; an existing line grows by it. Name and price as the catalog had
/// them, the price in minor units of <paramref name="Currency"/> (always the cart's).
/// </summary>
[EventType("ItemAdded.v2")]
public sealed record ItemAdded(string ProductId, string Name, long UnitPriceMinor, string Currency, int Quantity) : CartEvent;

/// <summary>Quantity is the line's new quantity (1-99).</summary>
[EventType("ItemQuantityChanged.v1")]
public sealed record ItemQuantityChanged(string ProductId, int Quantity) : CartEvent;

[EventType("ItemRemoved.v1")]
public sealed record ItemRemoved(string ProductId) : CartEvent;

/// <summary>The owner named the cart (at creation, right after <see cref="CartCreated"/>, or later).</summary>
[EventType("CartRenamed.v1")]
public sealed record CartRenamed(string Name) : CartEvent;

[EventType("CollaboratorAdded.v1")]
public sealed record CollaboratorAdded(string UserId) : CartEvent;

[EventType("CollaboratorRemoved.v1")]
public sealed record CollaboratorRemoved(string UserId) : CartEvent;

/// <summary>
/// The lines are repriced from the catalog at checkout; the order is placed from them. Prices and
/// the total are in minor units of <paramref name="Currency"/>.
/// </summary>
[EventType("CartCheckedOut.v2")]
public sealed record CartCheckedOut(
    string OrderId,
    string OwnerId,
    ShippingAddress ShippingAddress,
    IReadOnlyList<CartLine> Lines,
    long TotalMinor,
    string Currency) : CartEvent;

/// <summary>
/// The cart was left untouched for the idle period (<c>IdleSince</c> is its last change) and was
/// ended by the abandonment sweep: it is read-only from then on, and its history stays.
/// </summary>
[EventType("CartAbandoned.v1")]
public sealed record CartAbandoned(string OwnerId, DateTimeOffset IdleSince) : CartEvent;
