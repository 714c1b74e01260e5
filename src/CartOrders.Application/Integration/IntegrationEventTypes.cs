namespace CartOrders.Application.Integration;

/// <summary>
/// The CloudEvents <c>type</c> of every public integration event. These names and the
/// <c>...V1</c> data records are the public contract: a breaking change gets a new ".v2" type.
/// </summary>
public static class IntegrationEventTypes
{
    public const string CartCheckedOut = "CartOrders.CartCheckedOut.v1";
    public const string CartAbandoned = "CartOrders.CartAbandoned.v1";
    public const string OrderPlaced = "CartOrders.OrderPlaced.v1";
    public const string OrderPaymentAuthorized = "CartOrders.OrderPaymentAuthorized.v1";
    public const string OrderRejected = "CartOrders.OrderRejected.v1";
    public const string OrderShipped = "CartOrders.OrderShipped.v1";
    public const string OrderCancelled = "CartOrders.OrderCancelled.v1";

    public static IReadOnlyList<string> All { get; } =
        [CartCheckedOut, CartAbandoned, OrderPlaced, OrderPaymentAuthorized, OrderRejected, OrderShipped, OrderCancelled];
}
