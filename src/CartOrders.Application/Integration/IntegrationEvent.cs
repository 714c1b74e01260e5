using System.Text.Json;
using System.Text.Json.Serialization;
using CartOrders.Application.Serialization;

namespace CartOrders.Application.Integration;

/// <summary>
/// A public integration event: a CloudEvents 1.0 envelope (structured JSON) around one of the
/// contract records of <see cref="IntegrationEventTypes"/>. <see cref="Id"/> is the stored event's
/// id, so a redelivered feed event yields the same id (and the broker drops the duplicate).
/// <see cref="StreamId"/> and <see cref="CorrelationId"/> route the message and are not part of the JSON.
/// </summary>
public sealed record IntegrationEvent(
    [property: JsonPropertyName("id"), JsonPropertyOrder(1)] string Id,
    [property: JsonPropertyName("type"), JsonPropertyOrder(2)] string Type,
    [property: JsonPropertyName("subject"), JsonPropertyOrder(4)] string Subject,
    [property: JsonPropertyName("time"), JsonPropertyOrder(5)] DateTimeOffset Time,
    [property: JsonPropertyName("data"), JsonPropertyOrder(7)] object Data,
    [property: JsonIgnore] string StreamId,
    [property: JsonIgnore] string? CorrelationId)
{
    public const string SpecVersionValue = "1.0";
    public const string SourceValue = "/cartorders";
    public const string DataContentTypeValue = "application/json";

    [JsonPropertyName("specversion")]
    [JsonPropertyOrder(0)]
    public string SpecVersion { get; init; } = SpecVersionValue;

    [JsonPropertyName("source")]
    [JsonPropertyOrder(3)]
    public string Source { get; init; } = SourceValue;

    [JsonPropertyName("datacontenttype")]
    [JsonPropertyOrder(6)]
    public string DataContentType { get; init; } = DataContentTypeValue;

    /// <summary>The event as CloudEvents structured-mode JSON (UTF-8); <c>data</c> in the product's camelCase shape.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json.Options);
}
