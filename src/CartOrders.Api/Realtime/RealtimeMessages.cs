namespace CartOrders.Api.Realtime;

/// <summary>The real-time channel of api.md: the messages clients listen for and the group of each cart.</summary>
public static class RealtimeMessages
{
    /// <summary>A <c>CartView</c>, sent to the cart's group after each change.</summary>
    public const string CartUpdated = "cartUpdated";

    /// <summary>An <c>OrderView</c>, sent to the order's customer.</summary>
    public const string OrderUpdated = "orderUpdated";

    public static string GroupOf(string cartId) => "cart-" + cartId;
}
