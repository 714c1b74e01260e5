using CartOrders.Domain;

namespace CartOrders.Application.Commands;

/// <summary>
/// Everything about a command that is not the command itself: who sends it and when, the
/// version the caller pinned (If-Match), and its idempotency key with a fingerprint of the
/// request so that a key reused for a different request can be told apart.
/// </summary>
public sealed record CommandContext(
    Actor Actor,
    DateTimeOffset Now,
    long? ExpectedVersion = null,
    string? IdempotencyKey = null,
    string? Fingerprint = null,
    string? CorrelationId = null);

/// <summary>How a decision came out, handed to the host to shape its reply.</summary>
public abstract record Outcome<TState>(long Version)
    where TState : class;

/// <summary>The command was accepted (possibly as a no-op); State is the state right after it.</summary>
public sealed record Accepted<TState>(TState? State, long Version, DateTimeOffset UpdatedAt, int NewEvents) : Outcome<TState>(Version)
    where TState : class;

/// <summary>The command broke a rule; nothing was appended.</summary>
public sealed record Refused<TState>(DomainException Error, long Version) : Outcome<TState>(Version)
    where TState : class;

/// <summary>The caller pinned a version (If-Match) and the stream has moved on.</summary>
public sealed class VersionMismatchException(long currentVersion)
    : Exception($"The stream is at version {currentVersion}.")
{
    public long CurrentVersion { get; } = currentVersion;
}

/// <summary>An idempotency key was used before for a different request.</summary>
public sealed class IdempotencyKeyReusedException()
    : Exception("This Idempotency-Key was used for a different request.");

/// <summary>Write conflicts kept happening past the retry budget.</summary>
public sealed class ContentionException(string streamId)
    : Exception($"Stream '{streamId}' is too contended right now; retry.")
{
    public string StreamId { get; } = streamId;
}
