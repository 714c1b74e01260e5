using CartOrders.Domain.Carts;

namespace CartOrders.Domain.Orders;

public abstract record OrderCommand(Actor By, DateTimeOffset At);

/// <summary>Issued by order placement when a cart is checked out.</summary>
public sealed record PlaceOrder(Actor By, DateTimeOffset At, CartId CartId, CartCheckedOut Checkout) : OrderCommand(By, At);

public sealed record RecordPayment(Actor By, DateTimeOffset At, bool Approved, string Reference) : OrderCommand(By, At);

public sealed record ShipOrder(Actor By, DateTimeOffset At, string Carrier, string TrackingNumber) : OrderCommand(By, At);

public sealed record CancelOrder(Actor By, DateTimeOffset At, string Reason) : OrderCommand(By, At);
