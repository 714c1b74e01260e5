using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// The JSON of the store's documents: System.Text.Json, camelCase, nulls omitted, and timestamps as
/// fixed-width UTC strings (<c>2025-01-31T12:00:00.0000000Z</c>) so that ordering by them as strings
/// (ORDER BY c.updatedAt) is ordering by time.
/// </summary>
internal static class CosmosJson
{
    public static JsonSerializerOptions Options { get; } = Frozen();

    /// <summary>A fresh, still mutable copy for the SDK's serializer.</summary>
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new UtcTimestampConverter());
        return options;
    }

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(Stream utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Options) ?? throw new JsonException($"A Cosmos document read as null {typeof(T).Name}.");

    /// <summary>Embeds UTF-8 JSON bytes as a JSON value of a document (not as a string).</summary>
    public static JsonElement Embed(ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new ArgumentException($"The {what} must be UTF-8 JSON to be embedded in its Cosmos document.", error);
        }
    }

    /// <summary>An embedded JSON value back to compact UTF-8 bytes.</summary>
    public static byte[] Extract(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? [] : JsonSerializer.SerializeToUtf8Bytes(element);

    private static JsonSerializerOptions Frozen()
    {
        var options = CreateOptions();
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        private const string Format = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("A timestamp is null."), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }
}
