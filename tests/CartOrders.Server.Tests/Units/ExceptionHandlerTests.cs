using System.Diagnostics;
using System.Text.Json;
using CartOrders.Api.Problems;
using CartOrders.Application.Ports;
using CartOrders.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CartOrders.Server.Tests.Units;

/// <summary>The last line of the API on its own: what escaped a handler becomes a problem answer.</summary>
public sealed class ExceptionHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_problem_thrown_by_a_handler_is_answered_as_it_is()
    {
        var (http, handled, logger) = await HandleAsync(new ProblemException(ApiProblem.VersionMismatch, "moved on") { Version = 3 });

        Assert.True(handled);
        Assert.Equal(412, http.Response.StatusCode);
        Assert.Equal("\"3\"", http.Response.Headers.ETag.ToString());
        Assert.Equal("moved on", Body(http).GetProperty("detail").GetString());
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task Bad_framing_is_the_clients_fault_and_over_the_body_limit_is_413()
    {
        var (tooLarge, _, _) = await HandleAsync(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));
        var (bad, _, logger) = await HandleAsync(new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest));

        Assert.Equal(413, tooLarge.Response.StatusCode);
        Assert.Equal("payload-too-large", Body(tooLarge).GetProperty("code").GetString());
        Assert.Equal("Request bodies are limited to 64 KiB.", Body(tooLarge).GetProperty("detail").GetString());
        Assert.Equal(400, bad.Response.StatusCode);
        Assert.Equal("bad-request", Body(bad).GetProperty("code").GetString());
        Assert.Equal("Unexpected end of request content.", Body(bad).GetProperty("detail").GetString());
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task A_busy_store_is_503_with_its_retry_time()
    {
        var (http, _, _) = await HandleAsync(new StoreBusyException(TimeSpan.FromSeconds(2.5)));

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("3", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("store-busy", Body(http).GetProperty("code").GetString());
        Assert.Equal("The store is throttling requests; retry later.", Body(http).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Anything_else_is_logged_and_answered_500_with_the_trace_id_and_no_stack_trace()
    {
        using var activity = new Activity("request").Start();
        var failure = new InvalidOperationException("secret inner detail");

        var (http, handled, logger) = await HandleAsync(failure);

        Assert.True(handled);
        Assert.Equal(500, http.Response.StatusCode);
        var body = Body(http);
        Assert.Equal("internal-error", body.GetProperty("code").GetString());
        Assert.Equal("The server failed to answer this request; it has been logged.", body.GetProperty("detail").GetString());
        Assert.Equal(activity.TraceId.ToString(), body.GetProperty("traceId").GetString());
        Assert.DoesNotContain("secret", body.GetRawText(), StringComparison.Ordinal);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Same(failure, entry.Exception);
        Assert.Equal($"Unhandled exception for POST /api/carts (trace {activity.TraceId})", entry.Message);
    }

    [Fact]
    public async Task Without_an_activity_the_requests_trace_identifier_is_used()
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var (http, _, _) = await HandleAsync(new InvalidOperationException("x"), http => http.TraceIdentifier = "trace-7");

            Assert.Equal("trace-7", Body(http).GetProperty("traceId").GetString());
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    [Fact]
    public async Task A_cancelled_request_whose_client_left_gets_no_answer_but_a_cancellation_otherwise_is_500()
    {
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        var (left, leftHandled, leftLogger) = await HandleAsync(new OperationCanceledException(), http => http.RequestAborted = gone.Token);
        var (stayed, _, stayedLogger) = await HandleAsync(new OperationCanceledException());

        Assert.True(leftHandled);
        Assert.Equal(200, left.Response.StatusCode);
        Assert.Equal(0, left.Response.Body.Length);
        Assert.Empty(leftLogger.Entries);
        Assert.Equal(500, stayed.Response.StatusCode);
        Assert.Single(stayedLogger.Entries);
    }

    [Fact]
    public async Task A_response_already_started_is_left_to_the_server()
    {
        var logger = new CapturingLogger<ApiExceptionHandler>();
        var http = new DefaultHttpContext();
        var started = new StartedResponse();
        http.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(started);

        Assert.False(await new ApiExceptionHandler(logger).TryHandleAsync(http, new InvalidOperationException("x"), Ct));
        Assert.Empty(logger.Entries);
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await new ApiExceptionHandler(logger).TryHandleAsync(null!, new InvalidOperationException("x"), Ct));
    }

    private static async Task<(DefaultHttpContext Http, bool Handled, CapturingLogger<ApiExceptionHandler> Logger)> HandleAsync(
        Exception exception, Action<DefaultHttpContext>? arrange = null)
    {
        var logger = new CapturingLogger<ApiExceptionHandler>();
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = "/api/carts";
        http.Response.Body = new MemoryStream();
        arrange?.Invoke(http);
        var handled = await new ApiExceptionHandler(logger).TryHandleAsync(http, exception, Ct);
        return (http, handled, logger);
    }

    private static JsonElement Body(DefaultHttpContext http) =>
        JsonDocument.Parse(((MemoryStream)http.Response.Body).ToArray()).RootElement;

    private sealed class StartedResponse : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}
