using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using CartOrders.Domain;

namespace CartOrders.Application.Serialization;

/// <summary>
/// Maps domain events to and from their stored form: the explicit type name of
/// <see cref="EventTypeAttribute"/> and a camelCase JSON payload.
/// </summary>
public static class EventSerializer
{
    private static readonly FrozenDictionary<string, Type> s_byName;
    private static readonly FrozenDictionary<Type, string> s_byType;

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

    public static IReadOnlyCollection<string> TypeNames => s_byName.Keys;

    public static string NameOf<TEvent>()
        where TEvent : IDomainEvent => s_byType[typeof(TEvent)];

    public static string TypeName(IDomainEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return s_byType[@event.GetType()];
    }

    public static byte[] Serialize(IDomainEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return JsonSerializer.SerializeToUtf8Bytes(@event, @event.GetType(), Json.Options);
    }

    public static IDomainEvent Deserialize(string type, ReadOnlyMemory<byte> data) =>
        s_byName.TryGetValue(type, out var clr)
            ? (IDomainEvent)(JsonSerializer.Deserialize(data.Span, clr, Json.Options) ?? throw new JsonException($"null {type}"))
            : throw new JsonException($"Unknown event type '{type}'.");
}
