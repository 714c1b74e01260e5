using CartOrders.Api.Http;

namespace CartOrders.Api.Orders;

/// <summary>Bounds shared by the order commands' free-text fields.</summary>
public static class OrderText
{
    public const int MaxLength = 200;
}

/// <summary><c>POST /api/orders/{orderId}/cancel</c>.</summary>
public sealed record CancelOrderRequest(string Reason)
{
    public static CancelOrderRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var reason = body.Text("reason", OrderText.MaxLength);
        body.ThrowIfInvalid();
        return new(reason!);
    }
}

/// <summary><c>POST /api/orders/{orderId}/payment</c> (operator): the payment provider's verdict.</summary>
public sealed record RecordPaymentRequest(bool Approved, string Reference)
{
    public static RecordPaymentRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var approved = body.Flag("approved");
        var reference = body.Text("reference", OrderText.MaxLength);
        body.ThrowIfInvalid();
        return new(approved!.Value, reference!);
    }
}

/// <summary><c>POST /api/orders/{orderId}/shipment</c> (operator).</summary>
public sealed record ShipOrderRequest(string Carrier, string TrackingNumber)
{
    public static ShipOrderRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var carrier = body.Text("carrier", OrderText.MaxLength);
        var trackingNumber = body.Text("trackingNumber", OrderText.MaxLength);
        body.ThrowIfInvalid();
        return new(carrier!, trackingNumber!);
    }
}
