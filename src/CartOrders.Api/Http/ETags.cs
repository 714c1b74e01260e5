using System.Globalization;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Api.Http;

/// <summary>
/// A stream's version as an entity tag: <c>"&lt;version&gt;"</c>. A command's <c>If-Match</c> must be
/// exactly one such strong tag; weak tags, lists and <c>*</c> are refused as invalid-if-match.
/// </summary>
public static class ETags
{
    public static string Format(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>The pinned version of a command, or null when the request has no If-Match.</summary>
    public static long? ParseIfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return null;
        }

        var value = values.Count == 1 ? values[0]?.Trim() : null;
        if (value is { Length: >= 3 and <= 20 } && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return version;
        }

        throw new ProblemException(ApiProblem.InvalidIfMatch, "If-Match must be one strong entity tag holding a stream version, such as \"3\".");
    }
}
