using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>Where the feed is in one feed range: the range (FeedRange JSON) and the change feed's continuation token, null before the first read.</summary>
internal sealed record FeedRangePosition(string Range, string? Continuation);

/// <summary>
/// The feed's opaque checkpoint: a continuation token per feed range, and which range to read first
/// next time (so one busy range cannot starve the others). Encoded as
/// <c>{"v":1,"next":0,"ranges":[{"range":"...","continuation":"..."}]}</c>.
/// The set of ranges is taken once, when a subscription starts; after a partition split a range's
/// continuation token keeps covering the whole range (the SDK follows the split into the child
/// ranges inside the token), so the saved ranges always cover every partition key.
/// </summary>
internal sealed record FeedCheckpoint(IReadOnlyList<FeedRangePosition> Ranges, int NextRange)
{
    public const int FormatVersion = 1;

    private const string Help = " It must be a checkpoint written by the Cosmos event feed; to start the subscription over from the beginning (handlers are idempotent), delete its checkpoint document from the leases container.";

    public string Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            writer.WriteNumber("next", NextRange);
            writer.WriteStartArray("ranges");
            foreach (var position in Ranges)
            {
                writer.WriteStartObject();
                writer.WriteString("range", position.Range);
                if (position.Continuation is { } continuation)
                {
                    writer.WriteString("continuation", continuation);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="FormatException">The string is not a checkpoint of this feed.</exception>
    public static FeedCheckpoint Parse(string checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(checkpoint);
        }
        catch (JsonException error)
        {
            throw Invalid("it is not JSON", error);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("it is not a JSON object");
            }

            if (!root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != FormatVersion)
            {
                throw Invalid($"its format version \"v\" is not {FormatVersion}");
            }

            if (!root.TryGetProperty("ranges", out var ranges) || ranges.ValueKind != JsonValueKind.Array || ranges.GetArrayLength() == 0)
            {
                throw Invalid("it has no \"ranges\"");
            }

            var positions = new List<FeedRangePosition>();
            foreach (var entry in ranges.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("range", out var range) || range.ValueKind != JsonValueKind.String
                    || range.GetString() is not { Length: > 0 } rangeJson)
                {
                    throw Invalid("a range entry has no \"range\"");
                }

                try
                {
                    FeedRange.FromJsonString(rangeJson);
                }
                catch (ArgumentException error)
                {
                    throw Invalid($"'{rangeJson}' is not a feed range", error);
                }

                string? continuation = null;
                if (entry.TryGetProperty("continuation", out var token))
                {
                    continuation = token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } text
                        ? text
                        : throw Invalid($"the continuation of range {rangeJson} is not a non-empty string");
                }

                positions.Add(new FeedRangePosition(rangeJson, continuation));
            }

            var next = root.TryGetProperty("next", out var nextElement) && nextElement.TryGetInt32(out var n) ? n : 0;
            if (next < 0 || next >= positions.Count)
            {
                throw Invalid($"\"next\" {next} is not the index of one of its {positions.Count} ranges");
            }

            return new FeedCheckpoint(positions, next);
        }
    }

    private static FormatException Invalid(string reason, Exception? inner = null) =>
        new("The Cosmos feed checkpoint is not valid: " + reason + "." + Help, inner);
}
