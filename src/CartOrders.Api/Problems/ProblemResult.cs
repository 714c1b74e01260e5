using System.Globalization;
using CartOrders.Api.Http;
using CartOrders.Application.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CartOrders.Api.Problems;

/// <summary>The JSON of an <c>application/problem+json</c> response (RFC 9457 plus <c>code</c> and <c>errors</c>).</summary>
public sealed record ProblemBody(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    string? TraceId = null)
{
    public const string ContentType = "application/problem+json";

    /// <summary>The JSON, fields in the RFC's order: type, title, status, detail, then the extensions.</summary>
    public byte[] ToUtf8() => Json.Serialize(this);

    public static ProblemBody Of(ApiProblem problem, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null, string? traceId = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new(problem.Type, problem.Title, problem.Status, detail ?? problem.Title, problem.Code, errors, traceId);
    }
}

/// <summary>Writes a problem response; every error of the API goes out through here or as a stored <c>CommandReply</c> of the same shape.</summary>
public sealed class ProblemResult(ApiProblem problem, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public ApiProblem Problem { get; } = problem ?? throw new ArgumentNullException(nameof(problem));

    public long? Version { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public string? TraceId { get; init; }

    int? IStatusCodeHttpResult.StatusCode => Problem.Status;

    string? IContentTypeHttpResult.ContentType => ProblemBody.ContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = Problem.Status;
        response.ContentType = ProblemBody.ContentType;
        if (Version is { } version)
        {
            response.Headers.ETag = ETags.Format(version);
        }

        if (Problem.Status == StatusCodes.Status401Unauthorized && response.Headers.WWWAuthenticate.Count == 0)
        {
            // A token that passed the bearer handler but names no valid user (no sub, or a bad one):
            // every 401 challenges, as RFC 9110 asks.
            response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        }

        if (RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await response.Body.WriteAsync(ProblemBody.Of(Problem, detail, errors, TraceId).ToUtf8(), httpContext.RequestAborted);
    }
}
