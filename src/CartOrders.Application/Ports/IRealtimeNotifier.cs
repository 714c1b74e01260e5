using CartOrders.Application.Projections;

namespace CartOrders.Application.Ports;

/// <summary>Pushes view changes to connected clients; called after the view was written, never before.</summary>
public interface IRealtimeNotifier
{
    /// <summary>Sends <c>cartUpdated</c> (the view, with who changed what) to the group <c>cart-{cartId}</c>.</summary>
    Task CartUpdatedAsync(CartUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Sends <c>orderUpdated</c> to the order's customer.</summary>
    Task OrderUpdatedAsync(OrderView view, CancellationToken cancellationToken = default);

    /// <summary>Stops the user's connections from receiving the cart's pushes (collaborator removed).</summary>
    Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Sends <c>cartsChanged</c> to one user: a cart joined or left their list.</summary>
    Task CartsChangedAsync(string userId, CartsChange change, CancellationToken cancellationToken = default);
}

/// <summary>
/// The <c>cartsChanged</c> message: what happened to the user's place on a cart, at which version.
/// <c>Change</c> is <see cref="Invited"/>, <see cref="Removed"/> or <see cref="Abandoned"/>.
/// </summary>
public sealed record CartsChange(string CartId, string Change, long Version)
{
    public const string Invited = "invited";
    public const string Removed = "removed";
    public const string Abandoned = "abandoned";
}
