using System.Globalization;
using System.Text.RegularExpressions;
using CartOrders.Api.Problems;
using CartOrders.Application.Commands;
using CartOrders.Domain;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Api.Http;

/// <summary>
/// A single read's point in the past: <c>?atVersion=N</c> (a positive integer) or
/// <c>?at=&lt;RFC 3339 date-time with offset&gt;</c>, never both. Anything else is 400
/// validation-failed naming the parameter.
/// </summary>
public sealed partial record PointInTime(long? Version, DateTimeOffset? At)
{
    /// <summary>The point the request asks for, or null for the current state.</summary>
    public static PointInTime? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var version = request.Query["atVersion"];
        var at = request.Query["at"];
        if (version.Count > 0 && at.Count > 0)
        {
            throw Invalid("at", "Give atVersion or at, not both.", "Not with atVersion.");
        }

        if (version.Count > 0)
        {
            return version.Count == 1 && long.TryParse(version[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? new PointInTime(n, null)
                : throw Invalid("atVersion", "atVersion must be a positive integer.", "Must be a positive integer.");
        }

        if (at.Count > 0)
        {
            return at.Count == 1 && TryParseRfc3339(at[0], out var time)
                ? new PointInTime(null, time)
                : throw Invalid("at", "at must be an RFC 3339 date-time with an offset, e.g. 2026-03-01T09:30:00Z.", "Must be an RFC 3339 date-time with an offset.");
        }

        return null;
    }

    /// <summary>
    /// The stream's state at this point. Past the current version is 404 version-not-found; a time
    /// before the stream's first event is 404 version-not-found too (it had no version then).
    /// </summary>
    public async Task<Loaded<TState>> LoadAsync<TState, TEvent>(
        StreamLoader loader, StreamType<TState, TEvent> type, string streamId, Loaded<TState> current, string noun, CancellationToken cancellationToken)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(current);
        if (Version is { } version)
        {
            if (version > current.Version)
            {
                throw new ProblemException(ApiProblem.VersionNotFound, $"The {noun} is at version {current.Version}.") { Version = current.Version };
            }

            return version == current.Version ? current : await loader.LoadAsync(type, streamId, version, cancellationToken);
        }

        var loaded = await loader.LoadAsOfAsync(type, streamId, At!.Value, cancellationToken);
        return loaded.State is null
            ? throw new ProblemException(ApiProblem.VersionNotFound, $"The {noun} did not exist yet at that time.") { Version = current.Version }
            : loaded;
    }

    private static bool TryParseRfc3339(string? value, out DateTimeOffset time)
    {
        time = default;
        return value is not null
            && Rfc3339().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    private static ProblemException Invalid(string name, string detail, string message) =>
        new(ApiProblem.ValidationFailed, detail, new Dictionary<string, string[]> { [name] = [message] });

    // RFC 3339 date-time: full date, 'T', full time with up to 7 fraction digits, 'Z' or a numeric offset.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Rfc3339();
}
