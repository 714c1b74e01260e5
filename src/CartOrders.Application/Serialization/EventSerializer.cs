using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using CartOrders.Domain;

namespace CartOrders.Application.Serialization;

/// <summary>
/// Maps domain events to and from their stored form: the explicit type name of
/// <see cref="EventTypeAttribute"/> and a camelCase JSON payload. This is the one place stored
/// events are read, so every reader (commands, projections, history, order placement,
/// integration publishing) sees the current schema: an event stored under an older name is
/// upcast on read through <see cref="EventUpcasters"/>, and the stored bytes stay as they are.
/// </summary>
public static class EventSerializer
{
    private static readonly FrozenDictionary<string, Type> s_byName;
    private static readonly FrozenDictionary<Type, string> s_byType;

    /// <summary>The product's JSON shape, strict: an older schema's shape is read only when whole.</summary>
    private static readonly JsonSerializerOptions s_storedShapes = new(Json.Options)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    static EventSerializer()
    {
        var types = typeof(IDomainEvent).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false } && typeof(IDomainEvent).IsAssignableFrom(t))
            .Select(t => (Type: t, Name: t.GetCustomAttribute<EventTypeAttribute>()?.Name
                ?? throw new InvalidOperationException($"{t.Name} has no [EventType] name.")))
            .ToList();
        s_byName = types.ToFrozenDictionary(t => t.Name, t => t.Type, StringComparer.Ordinal);
        s_byType = types.ToFrozenDictionary(t => t.Type, t => t.Name);
    }

    /// <summary>The names events are written under today.</summary>
    public static IReadOnlyCollection<string> TypeNames => s_byName.Keys;

    public static string NameOf<TEvent>()
        where TEvent : IDomainEvent => s_byType[typeof(TEvent)];

    public static string TypeName(IDomainEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return s_byType[@event.GetType()];
    }

    /// <summary>
    /// The current name an event stored under <paramref name="storedType"/> is read as (itself when
    /// current), or null when this release can read no event of that name.
    /// </summary>
    public static string? CurrentName(string storedType)
    {
        ArgumentNullException.ThrowIfNull(storedType);
        if (s_byName.ContainsKey(storedType))
        {
            return storedType;
        }

        var target = EventUpcasters.Chain.Target(storedType);
        return s_byName.ContainsKey(target) ? target : null;
    }

    /// <summary>Whether an event stored under <paramref name="storedType"/> is read as a <typeparamref name="TEvent"/>.</summary>
    public static bool Is<TEvent>(string storedType)
        where TEvent : IDomainEvent => CurrentName(storedType) == NameOf<TEvent>();

    public static byte[] Serialize(IDomainEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return JsonSerializer.SerializeToUtf8Bytes(@event, @event.GetType(), Json.Options);
    }

    /// <exception cref="JsonException">
    /// The type is unknown (neither current nor upcast to a current one), or the data does not
    /// read as it; the message says which. The feed parks such an event with that reason.
    /// </exception>
    public static IDomainEvent Deserialize(string type, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (s_byName.TryGetValue(type, out var clr))
        {
            return Read(type, clr, data);
        }

        return Upcast(type, data).Event;
    }

    /// <summary>
    /// The event as the current schema has it: its current type name and JSON. An event already
    /// current is returned as stored.
    /// </summary>
    /// <exception cref="JsonException">As for <see cref="Deserialize"/>.</exception>
    public static (string Type, ReadOnlyMemory<byte> Data) ToCurrent(string type, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (s_byName.ContainsKey(type))
        {
            return (type, data);
        }

        var (current, upcast) = Upcast(type, data);
        return (current, Serialize(upcast));
    }

    private static IDomainEvent Read(string type, Type clr, ReadOnlyMemory<byte> data) =>
        (IDomainEvent)(JsonSerializer.Deserialize(data.Span, clr, Json.Options) ?? throw new JsonException($"null {type}"));

    /// <summary>
    /// Reads an event stored under an older name as that schema's shape (one JSON read, every
    /// member the shape has required, nulls refused where the shape has none) and upcasts it.
    /// </summary>
    private static (string Type, IDomainEvent Event) Upcast(string type, ReadOnlyMemory<byte> data)
    {
        var first = EventUpcasters.Chain.From(type)
            ?? throw new JsonException($"Unknown event type '{type}': no event or upcaster of that name in this release.");
        try
        {
            var stored = ReadStoredShape(type, first.Stored, data);
            var (current, upcast) = EventUpcasters.Chain.Apply(type, stored);
            return s_byName.TryGetValue(current, out var clr) && upcast is IDomainEvent @event && @event.GetType() == clr
                ? (current, @event)
                : throw new JsonException($"Event type '{type}' upcasts to '{current}', which this release does not know.");
        }
        catch (InvalidDataException error)
        {
            throw new JsonException($"The stored {type} cannot be upcast: {error.Message}", error);
        }
    }

    private static object ReadStoredShape(string type, Type shape, ReadOnlyMemory<byte> data)
    {
        try
        {
            return JsonSerializer.Deserialize(data.Span, shape, s_storedShapes) ?? throw new JsonException("It is null.");
        }
        catch (JsonException error)
        {
            throw new JsonException($"The stored {type} does not read as that schema: {error.Message}", error);
        }
    }
}
