using System.Collections.Frozen;
using System.Text.Json.Nodes;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Domain;

/// <summary>
/// Turns the JSON of an event stored under <paramref name="From"/> into the JSON of the next
/// schema, <paramref name="To"/>. A pure function: it reads only its argument, never changes it,
/// and the stored bytes are never rewritten (every read upcasts again).
/// </summary>
public sealed record Upcaster(string From, string To, Func<JsonObject, JsonObject> Upcast);

/// <summary>
/// A set of upcasters, at most one from each name. Chains are followed step by step
/// (v1 -> v2 -> v3) until a name no upcaster starts from.
/// </summary>
public sealed class UpcasterChain
{
    private readonly FrozenDictionary<string, Upcaster> _byFrom;

    /// <exception cref="ArgumentException">Two upcasters start from one name.</exception>
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

        _byFrom = byFrom.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<Upcaster> All => _byFrom.Values;

    /// <summary>The upcaster from a stored type name, if that name is an older schema.</summary>
    public Upcaster? From(string storedType) => _byFrom.GetValueOrDefault(storedType);

    /// <summary>
    /// Follows the chain from <paramref name="storedType"/> to the last name it reaches (the
    /// stored name itself when no upcaster starts there), with the JSON upcast along the way.
    /// </summary>
    /// <exception cref="InvalidDataException">The chain loops (a registration error), or an upcaster refused the data.</exception>
    public (string Type, JsonObject Data) Apply(string storedType, JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(storedType);
        ArgumentNullException.ThrowIfNull(data);
        var (type, current) = (storedType, data);
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

/// <summary>Small helpers for writing upcasters over JSON objects.</summary>
public static class UpcastJson
{
    /// <summary>A required member, or an <see cref="InvalidDataException"/> naming it.</summary>
    public static JsonNode Required(JsonObject data, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data[name] ?? throw new InvalidDataException($"The stored event has no '{name}'.");
    }

    /// <summary>A decimal amount of the stored event as minor units of <paramref name="currency"/>.</summary>
    public static long Minor(JsonObject data, string name, string currency)
    {
        try
        {
            return Money.ToMinor(Required(data, name).GetValue<decimal>(), currency);
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"The stored '{name}' is not an amount of {currency}: {error.Message}", error);
        }
    }

    /// <summary>A copy of <paramref name="data"/> without the named members, to add the new ones to.</summary>
    public static JsonObject CopyWithout(JsonObject data, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(data);
        var copy = new JsonObject();
        foreach (var (key, value) in data)
        {
            if (!names.Contains(key, StringComparer.Ordinal))
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }
}
