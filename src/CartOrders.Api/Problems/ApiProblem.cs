using CartOrders.Domain;

namespace CartOrders.Api.Problems;

/// <summary>
/// An error of the public contract: its stable kebab-case code, HTTP status and title.
/// Domain rule violations come from <see cref="DomainError"/>; the rest are the HTTP layer's own.
/// </summary>
public sealed record ApiProblem(string Code, int Status, string Title)
{
    public static readonly ApiProblem InvalidId = new("invalid-id", 400, "Invalid id");
    public static readonly ApiProblem MalformedJson = new("malformed-json", 400, "Malformed JSON");
    public static readonly ApiProblem ValidationFailed = new("validation-failed", 400, "The request is not valid");
    public static readonly ApiProblem InvalidIfMatch = new("invalid-if-match", 400, "Invalid If-Match header");
    public static readonly ApiProblem IdempotencyKeyInvalid = new("idempotency-key-invalid", 400, "Invalid Idempotency-Key header");
    public static readonly ApiProblem BadRequest = new("bad-request", 400, "Bad request");
    public static readonly ApiProblem InvalidContinuation = new("invalid-continuation", 400, "Invalid continuation token");
    public static readonly ApiProblem Unauthorized = new("unauthorized", 401, "Authentication required");
    public static readonly ApiProblem Forbidden = new("forbidden", 403, "Forbidden");
    public static readonly ApiProblem NotFound = new("not-found", 404, "Not found");
    public static readonly ApiProblem VersionNotFound = new("version-not-found", 404, "The stream has no such version");
    public static readonly ApiProblem ConnectionNotFound = new("connection-not-found", 404, "Connection not found");
    public static readonly ApiProblem MethodNotAllowed = new("method-not-allowed", 405, "Method not allowed");
    public static readonly ApiProblem VersionMismatch = new("version-mismatch", 412, "The stream has moved on");
    public static readonly ApiProblem PayloadTooLarge = new("payload-too-large", 413, "Request body too large");
    public static readonly ApiProblem UnsupportedMediaType = new("unsupported-media-type", 415, "Unsupported media type");
    public static readonly ApiProblem IdempotencyKeyReused = new("idempotency-key-reused", 422, "Idempotency-Key reused for a different request");
    public static readonly ApiProblem RateLimited = new("rate-limited", 429, "Too many requests");
    public static readonly ApiProblem InternalError = new("internal-error", 500, "Internal server error");
    public static readonly ApiProblem Contention = new("contention", 503, "The stream is too contended right now");
    public static readonly ApiProblem StoreBusy = new("store-busy", 503, "The store is busy");
    public static readonly ApiProblem StoreUnreachable = new("store-unreachable", 503, "The store is unreachable");

    public static readonly ApiProblem CartNotFound = From(DomainError.CartNotFound);
    public static readonly ApiProblem OrderNotFound = From(DomainError.OrderNotFound);

    public static ApiProblem From(DomainError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(error.Code, StatusOf(error.Kind), error.Title);
    }

    /// <summary>The one mapping of a rule violation's kind to its HTTP status.</summary>
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => 400,
        ErrorKind.NotFound => 404,
        ErrorKind.Forbidden => 403,
        ErrorKind.Conflict => 409,
        ErrorKind.Unprocessable => 422,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The code for a bare status (an unknown route, a failed challenge), when nothing more specific is known.</summary>
    public static ApiProblem ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        _ when status >= 500 => InternalError,
        _ => new ApiProblem("http-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture), status, "Request failed"),
    };

    /// <summary>RFC 9457 <c>type</c>: a stable URI per code.</summary>
    public string Type => TypeOf(Code);

    public static string TypeOf(string code) => "urn:cartorders:problem:" + code;
}
