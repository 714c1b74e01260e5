using System.Text.Json;
using System.Text.Unicode;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CartOrders.Api.Http;

/// <summary>
/// Reads a request body once, as bytes: at most 64 KiB whatever the framing (a Content-Length over
/// the limit is refused before reading; a chunked body is cut off as soon as it passes it), JSON
/// only, then parsed into one JSON object. The bytes also feed the idempotency fingerprint.
/// </summary>
public static class RequestBodies
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        var buffer = new byte[Math.Min((request.ContentLength ?? 1024) + 1, MaxBytes + 1)];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxBytes + 1));
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > MaxBytes)
                {
                    throw TooLarge();
                }
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own body limit tripped first.
            throw TooLarge();
        }

        Array.Resize(ref buffer, length);
        if (length > 0 && !IsJson(request.ContentType))
        {
            throw new ProblemException(ApiProblem.UnsupportedMediaType, "Request bodies must be application/json (UTF-8).");
        }

        return buffer;
    }

    /// <summary>The body's JSON object; null for an empty body when none is required.</summary>
    public static JsonElement? ParseObject(ReadOnlyMemory<byte> body, bool required)
    {
        if (body.IsEmpty)
        {
            return required ? throw new ProblemException(ApiProblem.MalformedJson, "A JSON body is required.") : null;
        }

        // The parser checks the JSON grammar, not the text of strings: invalid UTF-8 would only
        // fail later, when a field is read.
        if (!Utf8.IsValid(body.Span))
        {
            throw new ProblemException(ApiProblem.MalformedJson, "The body is not valid UTF-8.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new ProblemException(ApiProblem.MalformedJson, "The body is not valid JSON: " + error.Message);
        }

        if (!HasValidStrings(root))
        {
            // A \u escape of half a surrogate pair parses, but is no text: reading it would throw.
            throw new ProblemException(ApiProblem.MalformedJson, "The body holds a \\u escape that is not valid Unicode (a lone surrogate).");
        }

        return root.ValueKind == JsonValueKind.Object
            ? root
            : throw new ProblemException(
                ApiProblem.ValidationFailed,
                "The body must be a JSON object.",
                new Dictionary<string, string[]> { ["$"] = ["Must be a JSON object."] });
    }

    /// <summary>Whether every string and property name decodes to valid UTF-16 (the parser leaves lone surrogate escapes to the reader).</summary>
    private static bool HasValidStrings(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(HasValidStrings);
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(p => p.Name is not null && HasValidStrings(p.Value));
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var json = mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.Type.Equals("application", StringComparison.OrdinalIgnoreCase) && mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
        var utf8 = !mediaType.Charset.HasValue
            || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || mediaType.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
        return json && utf8;
    }

    private static ProblemException TooLarge() =>
        new(ApiProblem.PayloadTooLarge, $"Request bodies are limited to {MaxBytes / 1024} KiB.");
}
