using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Application.Commands;

/// <summary>
/// What the application needs to know of an aggregate to load it: how to fold an event and
/// the schema its snapshots are written in (a snapshot of another schema is ignored and the
/// stream is folded from its events, so changing the state's shape only needs a new name).
/// <paramref name="Weight"/> is what a state counts against the loader's memory of recent
/// states: 1 plus the lines or entries that make it grow.
/// </summary>
public sealed record StreamType<TState, TEvent>(string Schema, Func<TState?, TEvent, TState?> Evolve, Func<TState, int> Weight)
    where TState : class
    where TEvent : IDomainEvent
{
    /// <summary>How many events a stream of this type may hold (no limit unless set).</summary>
    public Func<CommandLimits, long> MaxEvents { get; init; } = _ => long.MaxValue;

    /// <summary>The events that end a stream's life: the last place under <see cref="MaxEvents"/> is kept for them.</summary>
    public Func<TEvent, bool> Ends { get; init; } = _ => false;
}

public static class StreamTypes
{
    public static StreamType<Cart, CartEvent> Cart { get; } = new("Cart.v3", Domain.Carts.Cart.Evolve, cart => 1 + cart.Lines.Count)
    {
        MaxEvents = limits => limits.EventsPerCart,
        Ends = e => e is CartCheckedOut or CartAbandoned,
    };

    public static StreamType<Order, OrderEvent> Order { get; } = new("Order.v2", Domain.Orders.Order.Evolve, order => 1 + order.Lines.Count + order.History.Count);
}

/// <summary>A stream's state at a version; UpdatedAt is when its last event happened.</summary>
public sealed record Loaded<TState>(TState? State, long Version, DateTimeOffset UpdatedAt)
    where TState : class
{
    /// <summary>
    /// The stream's stored snapshot is of another schema (it was ignored): the next write
    /// replaces it whatever the snapshot interval.
    /// </summary>
    public bool StaleSnapshot { get; init; }
}
