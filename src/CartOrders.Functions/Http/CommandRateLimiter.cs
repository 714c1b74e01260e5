using System.Threading.RateLimiting;
using CartOrders.Api.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Http;

/// <summary>
/// The per-user command limit of the API (<see cref="CommandRateLimiting"/>: the same buckets and
/// the same options, section <c>RateLimiting</c>) without the ASP.NET Core middleware. Like the
/// local server's, it counts per process: each function app instance keeps its own buckets.
/// </summary>
public sealed class CommandRateLimiter(IOptions<CommandRateLimitOptions> limits) : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter =
        PartitionedRateLimiter.Create<HttpContext, string>(http => CommandRateLimiting.PartitionOf(http, limits.Value));

    public ValueTask<RateLimitLease> AcquireAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return _limiter.AcquireAsync(http, 1, http.RequestAborted);
    }

    public void Dispose() => _limiter.Dispose();
}
