namespace CartOrders.Application.Commands;

/// <summary>
/// Configuration section <c>Limits</c>: what may grow per user and per cart. Each is stated in
/// api.md with the problem a client gets when it is reached.
/// </summary>
public sealed class CommandLimits
{
    public const string Section = "Limits";

    /// <summary>Open carts a user may own at once (checked-out and abandoned carts do not count).</summary>
    public int OpenCartsPerUser { get; set; } = 100;

    /// <summary>Collaborators of one cart.</summary>
    public int CollaboratorsPerCart { get; set; } = Domain.Carts.Cart.DefaultMaxCollaborators;

    /// <summary>
    /// Events of one cart's stream. The last one is kept for the event that ends the cart
    /// (checkout, abandonment): a cart whose history is one short of the limit takes nothing else.
    /// </summary>
    public int EventsPerCart { get; set; } = 10_000;
}
