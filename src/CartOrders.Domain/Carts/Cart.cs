using System.Collections.Immutable;

namespace CartOrders.Domain.Carts;

public enum CartStatus
{
    Open,
    CheckedOut,
    Abandoned,
}

/// <summary>The state of a cart, folded from its events. <c>null</c> means the cart does not exist; <c>Name</c> is null until one is given.</summary>
public sealed record Cart(
    string CartId,
    string OwnerId,
    string Currency,
    ImmutableList<string> Collaborators,
    ImmutableList<CartLine> Lines,
    CartStatus Status,
    string? OrderId,
    string? Name = null)
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 99;
    public const int DefaultMaxCollaborators = 20;

    public long TotalMinor => Lines.Sum(l => l.LineTotalMinor);

    public int ItemCount => Lines.Sum(l => l.Quantity);

    public bool IsMember(UserId user) => OwnerId == user.Value || Collaborators.Contains(user.Value);

    public CartLine? Line(string productId) => Lines.Find(l => l.ProductId == productId);

    public static Cart? Evolve(Cart? state, CartEvent @event) => (state, @event) switch
    {
        (null, CartCreated e) => new Cart(e.CartId, e.OwnerId, e.Currency, [], [], CartStatus.Open, null),
        (null, _) => throw new InvalidDataException($"{@event.GetType().Name} before CartCreated."),
        (_, CartCreated) => throw new InvalidDataException("CartCreated on an existing cart."),
        (var s, ItemAdded e) when e.Currency != s.Currency =>
            throw new InvalidDataException($"An item priced in {e.Currency} in a cart of {s.Currency}."),
        (var s, ItemAdded e) => s.Line(e.ProductId) is { } line
            ? s with { Lines = s.Lines.Replace(line, line with { Quantity = line.Quantity + e.Quantity }) }
            : s with { Lines = s.Lines.Add(new CartLine(e.ProductId, e.Name, e.UnitPriceMinor, e.Quantity)) },
        (var s, ItemQuantityChanged e) => s with
        {
            Lines = s.Lines.Select(l => l.ProductId == e.ProductId ? l with { Quantity = e.Quantity } : l).ToImmutableList(),
        },
        (var s, ItemRemoved e) => s with { Lines = s.Lines.RemoveAll(l => l.ProductId == e.ProductId) },
        (var s, CartRenamed e) => s with { Name = e.Name },
        (var s, CollaboratorAdded e) => s with { Collaborators = s.Collaborators.Add(e.UserId) },
        (var s, CollaboratorRemoved e) => s with { Collaborators = s.Collaborators.Remove(e.UserId) },
        (var s, CartCheckedOut e) => s with { Status = CartStatus.CheckedOut, OrderId = e.OrderId, Lines = [.. e.Lines] },
        (var s, CartAbandoned) => s with { Status = CartStatus.Abandoned },
        _ => throw new InvalidDataException($"Unknown cart event {@event.GetType().Name}."),
    };

    public static Cart? Fold(IEnumerable<CartEvent> events) => events.Aggregate((Cart?)null, Evolve);
}
