using CartOrders.Domain.Catalog;

namespace CartOrders.Domain.Carts;

/// <summary>
/// The cart's rules: a pure function of the command, the current state and the catalog.
/// A command that changes nothing returns no events.
/// </summary>
public static class CartDecider
{
    /// <param name="maxCollaborators">how many collaborators a cart may have (configurable; 20 by default)</param>
    public static IReadOnlyList<CartEvent> Decide(CartCommand command, Cart? state, ProductCatalog catalog, int maxCollaborators = Cart.DefaultMaxCollaborators)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(catalog);
        if (command is CreateCart create)
        {
            // A name given at creation is a rename in the same append: CartCreated.v1 keeps its shape.
            return state is not null
                ? throw new DomainException(DomainError.CartAlreadyExists)
                : create.Name is { } name
                    ? [new CartCreated(create.CartId.Value, create.By.UserId.Value, catalog.Currency), new CartRenamed(name.Value)]
                    : [new CartCreated(create.CartId.Value, create.By.UserId.Value, catalog.Currency)];
        }

        if (command is AbandonCart abandon)
        {
            return state is null
                ? throw new DomainException(DomainError.CartNotFound)
                : state.Status == CartStatus.Open ? [new CartAbandoned(state.OwnerId, abandon.IdleSince)] : [];
        }

        // Existence is not leaked: a stranger sees the same answer as for a missing cart.
        if (state is null || !state.IsMember(command.By.UserId))
        {
            throw new DomainException(DomainError.CartNotFound);
        }

        if (state.Status == CartStatus.CheckedOut)
        {
            throw new DomainException(DomainError.CartCheckedOut);
        }

        if (state.Status == CartStatus.Abandoned)
        {
            throw new DomainException(DomainError.CartAbandoned);
        }

        return command switch
        {
            AddItem c => Add(state, c, catalog),
            SetItemQuantity c => SetQuantity(state, c, catalog),
            RemoveItem c => state.Line(c.ProductId.Value) is null
                ? throw new DomainException(DomainError.ItemNotInCart)
                : [new ItemRemoved(c.ProductId.Value)],
            AddCollaborator c => AddCollaborator(state, c, maxCollaborators),
            RemoveCollaborator c => RequireOwner(state, c) && state.Collaborators.Contains(c.Collaborator.Value)
                ? [new CollaboratorRemoved(c.Collaborator.Value)]
                : [],
            RenameCart c => RequireOwner(state, c) && state.Name != c.Name.Value ? [new CartRenamed(c.Name.Value)] : [],
            CheckOut c => CheckOut(state, c, catalog),
            _ => throw new ArgumentException($"Unknown cart command {command.GetType().Name}.", nameof(command)),
        };
    }

    private static CartEvent[] Add(Cart state, AddItem c, ProductCatalog catalog)
    {
        RequireQuantity(c.Quantity, min: 1);
        var product = RequireProduct(c.ProductId, catalog);
        if (state.Line(product.ProductId.Value) is { } line)
        {
            RequireQuantity(line.Quantity + c.Quantity, min: 1);
            return [new ItemAdded(product.ProductId.Value, line.Name, line.UnitPriceMinor, state.Currency, c.Quantity)];
        }

        RequireRoomForLine(state);
        return [new ItemAdded(product.ProductId.Value, product.Name, Money.ToMinor(product.UnitPrice, product.Currency), product.Currency, c.Quantity)];
    }

    private static CartEvent[] SetQuantity(Cart state, SetItemQuantity c, ProductCatalog catalog)
    {
        RequireQuantity(c.Quantity, min: 0);
        var line = state.Line(c.ProductId.Value);
        if (line is null)
        {
            if (c.Quantity == 0)
            {
                return [];
            }

            var product = RequireProduct(c.ProductId, catalog);
            RequireRoomForLine(state);
            return [new ItemAdded(product.ProductId.Value, product.Name, Money.ToMinor(product.UnitPrice, product.Currency), product.Currency, c.Quantity)];
        }

        return c.Quantity switch
        {
            0 => [new ItemRemoved(line.ProductId)],
            var q when q == line.Quantity => [],
            var q => [new ItemQuantityChanged(line.ProductId, q)],
        };
    }

    private static CartEvent[] AddCollaborator(Cart state, AddCollaborator c, int maxCollaborators)
    {
        RequireOwner(state, c);
        if (c.Collaborator.Value == state.OwnerId)
        {
            throw new DomainException(DomainError.InvalidCollaborator);
        }

        if (state.Collaborators.Contains(c.Collaborator.Value))
        {
            return [];
        }

        return state.Collaborators.Count >= maxCollaborators
            ? throw new DomainException(DomainError.TooManyCollaborators, $"A cart has at most {maxCollaborators} collaborators; remove one first.")
            : [new CollaboratorAdded(c.Collaborator.Value)];
    }

    private static CartEvent[] CheckOut(Cart state, CheckOut c, ProductCatalog catalog)
    {
        RequireOwner(state, c);
        if (state.Lines.IsEmpty)
        {
            throw new DomainException(DomainError.CartEmpty);
        }

        var lines = state.Lines
            .Select(l => RequireProduct(new ProductId(l.ProductId), catalog) is var p
                ? l with { Name = p.Name, UnitPriceMinor = Money.ToMinor(p.UnitPrice, p.Currency) }
                : l)
            .ToList();
        return [new CartCheckedOut(c.OrderId.Value, state.OwnerId, c.ShippingAddress, lines, lines.Sum(l => l.LineTotalMinor), catalog.Currency)];
    }

    private static bool RequireOwner(Cart state, CartCommand c) =>
        state.OwnerId == c.By.UserId.Value ? true : throw new DomainException(DomainError.OwnerOnly);

    private static void RequireQuantity(int quantity, int min)
    {
        if (quantity < min || quantity > Cart.MaxQuantity)
        {
            throw new DomainException(DomainError.InvalidQuantity, $"Quantity per line must be {min}-{Cart.MaxQuantity}; got {quantity}.");
        }
    }

    private static void RequireRoomForLine(Cart state)
    {
        if (state.Lines.Count >= Cart.MaxLines)
        {
            throw new DomainException(DomainError.CartFull);
        }
    }

    private static Product RequireProduct(ProductId id, ProductCatalog catalog) =>
        catalog.Find(id) ?? throw new DomainException(DomainError.UnknownProduct, $"No product '{id.Value}' in the catalog.");
}
