namespace CartOrders.Domain;

/// <summary>
/// The stable name an event is stored under. Events are a storage contract: a name is never
/// reused for a different shape; a breaking change gets a new name (".v2") and an upcaster.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Marker for every domain event.</summary>
#pragma warning disable CA1040 // a marker lets the event registry find every event type
public interface IDomainEvent;
#pragma warning restore CA1040
