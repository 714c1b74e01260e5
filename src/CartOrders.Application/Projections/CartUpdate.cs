using System.Text.Json;
using System.Text.Json.Serialization;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain.Carts;

namespace CartOrders.Application.Projections;

/// <summary>
/// The <c>cartUpdated</c> message: the cart's view, and who made the change that led to it and what it was.
/// On the wire it is the CartView's own fields (unchanged for clients that know only them) plus
/// <c>changedBy</c> (a user id) and <c>change</c> (a <see cref="CartChange"/>); both are left out
/// when not known.
/// </summary>
[JsonConverter(typeof(CartUpdateConverter))]
public sealed record CartUpdate(CartView View, string? ChangedBy = null, CartChange? Change = null)
{
    /// <summary>
    /// The update for a cart's view and the last event known to lead to it: that event's user and
    /// what it did, only if it is the event that made the view's version. A view folded further
    /// than the event (the stream moved on after the batch was read) has neither: describing an
    /// earlier event as the change of a later version would misattribute it.
    /// </summary>
    public static CartUpdate After(CartView view, StoredEvent? last)
    {
        ArgumentNullException.ThrowIfNull(view);
        return last is null || last.Version != view.Version
            ? new CartUpdate(view)
            : new CartUpdate(view, last.Metadata.UserId, EventSerializer.Deserialize(last.Type, last.Data) is CartEvent cartEvent ? CartChange.Of(cartEvent) : null);
    }
}

/// <summary>
/// What a change to a cart was, in short: <c>type</c> names the event, and only the fields that
/// event has are present. <c>itemAdded</c> {productId, quantity (the amount added)},
/// <c>itemQuantityChanged</c> {productId, quantity (the line's new quantity)},
/// <c>itemRemoved</c> {productId}, <c>renamed</c> {name}, <c>collaboratorAdded</c> and
/// <c>collaboratorRemoved</c> {userId}, <c>checkedOut</c> {orderId}, <c>created</c>, <c>abandoned</c>.
/// </summary>
public sealed record CartChange(string Type, string? ProductId = null, int? Quantity = null, string? UserId = null, string? Name = null, string? OrderId = null)
{
    public static CartChange Of(CartEvent cartEvent) => cartEvent switch
    {
        CartCreated => new("created"),
        ItemAdded added => new("itemAdded", added.ProductId, added.Quantity),
        ItemQuantityChanged changed => new("itemQuantityChanged", changed.ProductId, changed.Quantity),
        ItemRemoved removed => new("itemRemoved", removed.ProductId),
        CartRenamed renamed => new("renamed", Name: renamed.Name),
        CollaboratorAdded added => new("collaboratorAdded", UserId: added.UserId),
        CollaboratorRemoved removed => new("collaboratorRemoved", UserId: removed.UserId),
        CartCheckedOut checkedOut => new("checkedOut", OrderId: checkedOut.OrderId),
        CartAbandoned => new("abandoned"),
        _ => throw new ArgumentOutOfRangeException(nameof(cartEvent), cartEvent?.GetType().Name, "A cart event without a change description."),
    };
}

/// <summary>Writes a <see cref="CartUpdate"/> flat: the view's properties, then <c>changedBy</c> and <c>change</c>, with the caller's options.</summary>
public sealed class CartUpdateConverter : JsonConverter<CartUpdate>
{
    private const string ChangedBy = "changedBy";
    private const string Change = "change";

    public override CartUpdate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var view = root.Deserialize<CartView>(options) ?? throw new JsonException("null CartView");
        var changedBy = root.TryGetProperty(ChangedBy, out var by) && by.ValueKind == JsonValueKind.String ? by.GetString() : null;
        var change = root.TryGetProperty(Change, out var what) && what.ValueKind == JsonValueKind.Object ? what.Deserialize<CartChange>(options) : null;
        return new CartUpdate(view, changedBy, change);
    }

    public override void Write(Utf8JsonWriter writer, CartUpdate value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var property in JsonSerializer.SerializeToElement(value.View, options).EnumerateObject())
        {
            property.WriteTo(writer);
        }

        if (value.ChangedBy is { } changedBy)
        {
            writer.WriteString(ChangedBy, changedBy);
        }

        if (value.Change is { } change)
        {
            writer.WritePropertyName(Change);
            JsonSerializer.Serialize(writer, change, options);
        }

        writer.WriteEndObject();
    }
}
