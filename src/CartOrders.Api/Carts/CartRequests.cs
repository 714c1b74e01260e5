using System.Text.Json;
using CartOrders.Api.Http;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain.Carts;

namespace CartOrders.Api.Carts;

/// <summary><c>POST /api/carts</c>: an optional <c>name</c> (absent, null, or no body: an unnamed cart).</summary>
public sealed record CreateCartRequest(CartName? Name)
{
    public static CreateCartRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var name = body.Has("name") ? RenameCartRequest.ReadName(body) : null;
        body.ThrowIfInvalid();
        return new(name);
    }
}

/// <summary><c>PUT /api/carts/{cartId}/name</c>.</summary>
public sealed record RenameCartRequest(CartName Name)
{
    public const string Rule = "Must be 1-100 printable characters (no control or format characters).";

    public static RenameCartRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var name = ReadName(body);
        body.ThrowIfInvalid();
        return new(name!.Value);
    }

    internal static CartName? ReadName(JsonFields body) =>
        body.Text("name", CartName.IsValid, Rule) is { } name ? new CartName(name) : null;
}

/// <summary><c>POST /api/carts/{cartId}/items</c>: adds to an existing line's quantity.</summary>
public sealed record AddItemRequest(string ProductId, int Quantity)
{
    public static AddItemRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var productId = body.Id("productId");
        var quantity = body.WholeNumber("quantity");
        body.ThrowIfInvalid();
        return new(productId!, quantity!.Value);
    }
}

/// <summary><c>PUT /api/carts/{cartId}/items/{productId}</c>: sets the line's quantity; 0 removes it.</summary>
public sealed record SetItemQuantityRequest(int Quantity)
{
    public static SetItemQuantityRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var quantity = body.WholeNumber("quantity");
        body.ThrowIfInvalid();
        return new(quantity!.Value);
    }
}

/// <summary><c>POST /api/carts/{cartId}/collaborators</c>.</summary>
public sealed record AddCollaboratorRequest(string UserId)
{
    public static AddCollaboratorRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var userId = body.Id("userId");
        body.ThrowIfInvalid();
        return new(userId!);
    }
}

/// <summary>Where an order ships. Every field is required; lengths are bounded.</summary>
public sealed record ShippingAddressRequest(string Name, string Line1, string City, string PostalCode, string Country)
{
    public const int MaxText = 200;
    public const int MaxPostalCode = 20;

    public static ShippingAddressRequest? Read(JsonFields? fields) =>
        fields is null
            ? null
            : new ShippingAddressRequest(
                fields.Text("name", MaxText)!,
                fields.Text("line1", MaxText)!,
                fields.Text("city", MaxText)!,
                fields.Text("postalCode", MaxPostalCode)!,
                fields.Text("country", MaxText)!);

    public ShippingAddress ToAddress() => new(Name, Line1, City, PostalCode, Country);
}

/// <summary><c>POST /api/carts/{cartId}/checkout</c>.</summary>
public sealed record CheckoutRequest(ShippingAddressRequest ShippingAddress)
{
    public static CheckoutRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var address = ShippingAddressRequest.Read(body.Nested("shippingAddress"));
        body.ThrowIfInvalid();
        return new(address!);
    }
}

/// <summary>The 202 answer of a checkout: the order that will be placed from the cart.</summary>
public sealed record CheckoutAccepted(string OrderId);

/// <summary>
/// One event of a cart's history, in the current schema: an event stored under an older one is
/// shown upcast (its current type name and JSON), as every other reader sees it.
/// </summary>
public sealed record EventRecord(Guid EventId, string Type, long Version, DateTimeOffset OccurredAt, string UserId, JsonElement Data)
{
    public static EventRecord From(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var (type, data) = EventSerializer.ToCurrent(stored.Type, stored.Data);
        return new(
            stored.EventId,
            type,
            stored.Version,
            stored.Metadata.OccurredAt,
            stored.Metadata.UserId,
            JsonSerializer.Deserialize<JsonElement>(data.Span));
    }
}
