using CartOrders.Application.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CartOrders.Api.Http;

/// <summary>
/// Writes a command's reply as it was decided, or as it was stored for its Idempotency-Key:
/// the same status, body, ETag and Location either way.
/// </summary>
public sealed class CommandReplyResult(CommandReply reply) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public CommandReply Reply { get; } = reply ?? throw new ArgumentNullException(nameof(reply));

    int? IStatusCodeHttpResult.StatusCode => Reply.Status;

    string? IContentTypeHttpResult.ContentType => Reply.ContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = Reply.Status;
        if (Reply.Version is { } version)
        {
            response.Headers.ETag = ETags.Format(version);
        }

        if (Reply.Location is { } location)
        {
            response.Headers.Location = location;
        }

        if (!Reply.Body.IsEmpty)
        {
            response.ContentType = Reply.ContentType;
            await response.Body.WriteAsync(Reply.Body, httpContext.RequestAborted);
        }
    }
}
