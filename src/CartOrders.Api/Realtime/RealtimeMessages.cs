namespace CartOrders.Api.Realtime;

/// <summary>The real-time channel of api.md: the messages clients listen for and the group of each cart.</summary>
public static class RealtimeMessages
{
    /// <summary>A <c>CartView</c>, sent to the cart's group after each change.</summary>
    public const string CartUpdated = "cartUpdated";

    /// <summary>An <c>OrderView</c>, sent to the order's customer.</summary>
    public const string OrderUpdated = "orderUpdated";

    /// <summary>A <c>CartsChange</c>, sent to one user when they are invited to, removed from or lose a cart.</summary>
    public const string CartsChanged = "cartsChanged";

    /// <summary>A <c>PresenceView</c>, sent to the cart's group when the set of users with the cart open changes.</summary>
    public const string Presence = "presence";

    public static string GroupOf(string cartId) => "cart-" + cartId;
}
