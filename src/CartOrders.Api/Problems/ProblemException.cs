namespace CartOrders.Api.Problems;

/// <summary>
/// Ends a request with a problem response. Thrown by request parsing and validation and turned
/// into the response by <see cref="Http.ProblemBoundary.RunAsync"/>, so handlers read straight through.
/// </summary>
#pragma warning disable CA1032 // always constructed with its problem
public sealed class ProblemException(
    ApiProblem problem,
    string? detail = null,
    IReadOnlyDictionary<string, string[]>? errors = null) : Exception(detail ?? problem?.Title)
#pragma warning restore CA1032
{
    public ApiProblem Problem { get; } = problem ?? throw new ArgumentNullException(nameof(problem));

    public string Detail { get; } = detail ?? problem.Title;

    /// <summary>For validation: field name (a JSON path such as <c>shippingAddress.city</c>) to messages.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;

    /// <summary>The stream version to send as ETag with the problem, when the caller may know it.</summary>
    public long? Version { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public ProblemResult ToResult() => new(Problem, Detail, Errors) { Version = Version, RetryAfter = RetryAfter };
}
