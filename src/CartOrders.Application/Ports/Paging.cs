namespace CartOrders.Application.Ports;

/// <summary>
/// One page of a list: at most <see cref="Limit"/> items after the position <see cref="After"/>
/// names (null: from the start). <see cref="After"/> is the store's own continuation, opaque to
/// everyone else; the API protects it before it leaves the server.
/// </summary>
public readonly record struct PageRequest(int Limit, string? After)
{
    public static PageRequest First(int limit) => new(limit, null);
}

/// <summary>Items of one page, and where the next one starts (null: this was the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>A continuation the store cannot read (from another version, or not its own): the API answers 400.</summary>
public sealed class InvalidContinuationException : Exception
{
    public InvalidContinuationException()
    {
    }

    public InvalidContinuationException(string message)
        : base(message)
    {
    }

    public InvalidContinuationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
