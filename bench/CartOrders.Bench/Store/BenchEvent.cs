using CartOrders.Application.Serialization;
using CartOrders.Domain.Carts;

namespace CartOrders.Bench.Store;

/// <summary>The event every append measurement writes: a real ItemAdded, the product's most common event.</summary>
internal static class BenchEvent
{
    public static ItemAdded Value { get; } = new("espresso-beans-250g", "Espresso beans, 250g", 790, "EUR", 1);

    public static string Type { get; } = EventSerializer.TypeName(Value);

    public static byte[] Json { get; } = EventSerializer.Serialize(Value);

    public const string UserId = "bench-user";
}
