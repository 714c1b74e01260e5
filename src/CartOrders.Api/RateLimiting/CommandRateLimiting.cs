using System.Threading.RateLimiting;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CartOrders.Api.RateLimiting;

/// <summary>
/// Configuration section <c>RateLimiting</c>: a token bucket per user for commands. The defaults
/// are well above the contract's floor (50 commands/s sustained, bursts of 100).
/// </summary>
public sealed class CommandRateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Tokens added per second (the sustained rate).</summary>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>The bucket's size: how many commands may arrive at once.</summary>
    public int Burst { get; set; } = 200;
}

public static class CommandRateLimiting
{
    public const string Policy = "commands";

    public static IServiceCollection AddCommandRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommandRateLimitOptions>()
            .Bind(configuration.GetSection(CommandRateLimitOptions.Section))
            .Validate(o => o.PermitsPerSecond >= 1 && o.Burst >= 1, "RateLimiting:PermitsPerSecond and RateLimiting:Burst must be at least 1.")
            .ValidateOnStart();
        services.AddRateLimiter(options => options.OnRejected = RejectAsync);
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<CommandRateLimitOptions>>((options, limits) =>
            options.AddPolicy(Policy, http => RateLimitPartition.GetTokenBucketLimiter(PartitionKey(http), _ => Bucket(limits.Value))));
        return services;
    }

    /// <summary>
    /// Refills in slices of about a tenth of a second, so the bucket never sits empty for a whole
    /// second after a burst; a tiny rate (tests) refills one token at a time.
    /// </summary>
    public static TokenBucketRateLimiterOptions Bucket(CommandRateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var tokensPerPeriod = Math.Max(1, limits.PermitsPerSecond / 10);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)tokensPerPeriod / limits.PermitsPerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>Per user; a request without a user (refused by authorization anyway) shares its address's bucket.</summary>
    private static string PartitionKey(HttpContext http) =>
        http.User.FindFirst(Caller.SubjectClaim)?.Value is { } user
            ? "user:" + user
            : "address:" + http.Connection.RemoteIpAddress;

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        await new ProblemResult(ApiProblem.RateLimited, "Too many commands from this user; retry after the delay in Retry-After.") { RetryAfter = retryAfter }
            .ExecuteAsync(context.HttpContext);
    }
}
