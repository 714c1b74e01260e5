using System.Text.Json;
using System.Text.Json.Serialization;

namespace CartOrders.Application.Serialization;

/// <summary>The one JSON shape of the product: camelCase, enums as camelCase strings, nulls omitted.</summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(ReadOnlyMemory<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8.Span, Options) ?? throw new JsonException($"null {typeof(T).Name}");
}
