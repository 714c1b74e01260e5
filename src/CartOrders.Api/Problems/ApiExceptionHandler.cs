using System.Diagnostics;
using CartOrders.Application.Ports;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CartOrders.Api.Problems;

/// <summary>
/// The last line: whatever escaped a handler becomes a problem response. Bad HTTP framing is the
/// client's fault (400, or 413 over the body limit); anything else is logged and answered with a
/// 500 that carries the trace id and never a stack trace.
/// </summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to read an answer.
            return true;
        }

        var result = exception switch
        {
            ProblemException problem => problem.ToResult(),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemResult(ApiProblem.PayloadTooLarge, "Request bodies are limited to 64 KiB."),
            BadHttpRequestException bad => new ProblemResult(ApiProblem.BadRequest, bad.Message),
            StoreBusyException busy => new ProblemResult(ApiProblem.StoreBusy, "The store is throttling requests; retry later.") { RetryAfter = busy.RetryAfter },
            _ => null,
        };
        if (result is null)
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path, traceId);
            result = new ProblemResult(ApiProblem.InternalError, "The server failed to answer this request; it has been logged.") { TraceId = traceId };
        }

        await result.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path} (trace {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path, string traceId);
}
