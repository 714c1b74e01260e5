using System.Text;
using CartOrders.Api.Problems;

namespace CartOrders.Server.Realtime;

/// <summary>
/// SignalR answers its own transport errors on the hub's paths as text/plain (a GET of <c>/api</c>
/// without a connection id: 400 "Connection ID required"; a forged id: 404 "No Connection with
/// that ID"). Every error of the API is a problem, so on <c>/api</c> and <c>/api/negotiate</c> an
/// error answer that is not one already is rewritten to a problem with the same status, SignalR's
/// text as its detail. Successful transport traffic (long polling, server-sent events) passes
/// through untouched; WebSocket requests are not wrapped at all.
/// </summary>
public static class HubErrorProblems
{
    public static WebApplication UseHubErrorsAsProblems(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var onHub = path.Equals(RealtimeServices.HubPath, StringComparison.OrdinalIgnoreCase)
                || path.Equals(RealtimeServices.HubPath + "/", StringComparison.OrdinalIgnoreCase)
                || path.Equals(RealtimeServices.HubPath + "/negotiate", StringComparison.OrdinalIgnoreCase);
            if (!onHub || context.WebSockets.IsWebSocketRequest)
            {
                await next(context);
                return;
            }

            // Decided when the headers go out (the first write starts the response), while they can
            // still change; the body writes that follow are then replaced.
            var original = context.Response.Body;
            var stream = new ProblemOnErrorStream(context.Response, original);
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                if (response.StatusCode >= 400 && response.ContentType?.StartsWith(ProblemBody.ContentType, StringComparison.OrdinalIgnoreCase) != true)
                {
                    stream.Replace = true;
                    response.ContentType = ProblemBody.ContentType;
                    response.ContentLength = null;
                }

                return Task.CompletedTask;
            });
            context.Response.Body = stream;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }
        });
        return app;
    }

    private sealed class ProblemOnErrorStream(HttpResponse response, Stream inner) : Stream
    {
        private const int MaxDetail = 200;
        private bool _written;

        /// <summary>Set when the response started as an error that is not a problem.</summary>
        public bool Replace { get; set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Replace)
            {
                await inner.WriteAsync(buffer, cancellationToken);
                return;
            }

            if (_written || buffer.IsEmpty)
            {
                return; // the rest of SignalR's text
            }

            _written = true;
            var text = Encoding.UTF8.GetString(buffer.Span).Trim();
            var detail = text.Length is > 0 and <= MaxDetail && !text.Any(char.IsControl) ? text : null;
            await inner.WriteAsync(ProblemBody.Of(ApiProblem.ForStatus(response.StatusCode), detail).ToUtf8(), cancellationToken);
        }
    }
}
