using System.Collections.Frozen;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Domain;

/// <summary>
/// Turns an event stored under <see cref="From"/>, read as its stored shape
/// (<see cref="Stored"/>, a record of that older schema), into the next schema, <see cref="To"/>
/// (a <see cref="Result"/>: the next older shape, or the current event). A pure function: it
/// reads only its argument, and the stored bytes are never rewritten (every read upcasts again).
/// Typed shapes cost one JSON read per event, as a current event does: the stored JSON is read
/// straight into <see cref="Stored"/> and the rest is plain code.
/// </summary>
public abstract class Upcaster
{
    private protected Upcaster(string from, string to, Type stored, Type result)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        (From, To, Stored, Result) = (from, to, stored, result);
    }

    /// <summary>The older type name events were stored under.</summary>
    public string From { get; }

    /// <summary>The type name of the next schema.</summary>
    public string To { get; }

    /// <summary>The shape the stored JSON of <see cref="From"/> is read as.</summary>
    public Type Stored { get; }

    /// <summary>What <see cref="Upcast"/> gives: the shape of <see cref="To"/>.</summary>
    public Type Result { get; }

    /// <exception cref="InvalidDataException">The stored data cannot be expressed in the next schema.</exception>
    public abstract object Upcast(object stored);
}

/// <inheritdoc />
public sealed class Upcaster<TStored, TResult>(string from, string to, Func<TStored, TResult> upcast)
    : Upcaster(from, to, typeof(TStored), typeof(TResult))
    where TStored : notnull
    where TResult : notnull
{
    public override object Upcast(object stored) => upcast((TStored)stored);
}

/// <summary>
/// A set of upcasters, at most one from each name. Chains are followed step by step
/// (v1 -> v2 -> v3) until a name no upcaster starts from.
/// </summary>
public sealed class UpcasterChain
{
    private readonly FrozenDictionary<string, Upcaster> _byFrom;

    /// <exception cref="ArgumentException">
    /// Two upcasters start from one name, or one gives a shape the next step does not read.
    /// </exception>
    public UpcasterChain(IEnumerable<Upcaster> upcasters)
    {
        ArgumentNullException.ThrowIfNull(upcasters);
        var byFrom = new Dictionary<string, Upcaster>(StringComparer.Ordinal);
        foreach (var upcaster in upcasters)
        {
            if (!byFrom.TryAdd(upcaster.From, upcaster))
            {
                throw new ArgumentException($"Two upcasters start from '{upcaster.From}'.", nameof(upcasters));
            }
        }

        foreach (var upcaster in byFrom.Values)
        {
            if (byFrom.TryGetValue(upcaster.To, out var next) && !next.Stored.IsAssignableFrom(upcaster.Result))
            {
                throw new ArgumentException(
                    $"'{upcaster.From}' upcasts to a {upcaster.Result.Name}, but the upcaster from '{upcaster.To}' reads a {next.Stored.Name}.",
                    nameof(upcasters));
            }
        }

        _byFrom = byFrom.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<Upcaster> All => _byFrom.Values;

    /// <summary>The upcaster from a stored type name, if that name is an older schema.</summary>
    public Upcaster? From(string storedType) => _byFrom.GetValueOrDefault(storedType);

    /// <summary>
    /// Follows the chain from <paramref name="storedType"/> to the last name it reaches (the
    /// stored name itself when no upcaster starts there), upcasting <paramref name="stored"/>
    /// (read as <see cref="Upcaster.Stored"/> of the first step) along the way.
    /// </summary>
    /// <exception cref="InvalidDataException">The chain loops (a registration error), or an upcaster refused the data.</exception>
    public (string Type, object Data) Apply(string storedType, object stored)
    {
        ArgumentNullException.ThrowIfNull(storedType);
        ArgumentNullException.ThrowIfNull(stored);
        var (type, current) = (storedType, stored);
        for (var steps = 0; From(type) is { } next; steps++)
        {
            if (steps > _byFrom.Count)
            {
                throw new InvalidDataException($"The upcasters from '{storedType}' loop.");
            }

            (type, current) = (next.To, next.Upcast(current));
        }

        return (type, current);
    }

    /// <summary>The name the chain from <paramref name="storedType"/> ends at, without any data.</summary>
    public string Target(string storedType)
    {
        ArgumentNullException.ThrowIfNull(storedType);
        var type = storedType;
        for (var steps = 0; From(type) is { } next && steps <= _byFrom.Count; steps++)
        {
            type = next.To;
        }

        return type;
    }
}

/// <summary>Every upcaster of the product, registered beside the events they serve (Carts, Orders).</summary>
public static class EventUpcasters
{
    public static UpcasterChain Chain { get; } = new(CartEventUpcasters.All.Concat(OrderEventUpcasters.All));
}

/// <summary>Small helpers for writing upcasters.</summary>
public static class UpcastMoney
{
    /// <summary>A decimal amount of a stored event as minor units of <paramref name="currency"/>.</summary>
    /// <exception cref="InvalidDataException">The amount is finer than the currency's minor unit, or the currency is not a code; the message names <paramref name="name"/>.</exception>
    public static long Minor(decimal amount, string currency, string name)
    {
        try
        {
            return Money.ToMinor(amount, currency);
        }
        catch (Exception error) when (error is ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"The stored '{name}' is not an amount of {currency}: {error.Message}", error);
        }
    }
}
