using CartOrders.Api.Auth;
using CartOrders.Api.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace CartOrders.Functions.Http;

/// <summary>
/// What the local server's ASP.NET Core pipeline does around an endpoint, for one HTTP function:
/// the last-resort exception handler (problem+json, never a stack trace), bearer authentication
/// with the 401 challenge where a caller is required, and the per-user limit on commands (429).
/// The API's handlers do the rest themselves in both hosts: the 64 KiB body limit, JSON parsing,
/// If-Match, Idempotency-Key and the problems of the contract.
/// </summary>
public sealed class ApiPipeline(CommandRateLimiter limiter, IEnumerable<IExceptionHandler> exceptionHandlers)
{
    /// <summary>Runs the function inside the pipeline and writes its result.</summary>
    public async Task RunAsync(HttpContext http, HttpFunctionPolicy policy, Func<Task<IResult?>> function)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(function);
        try
        {
            if (!await AuthenticateAsync(http, policy))
            {
                return;
            }

            using var lease = policy.IsCommand ? await limiter.AcquireAsync(http) : null;
            if (lease is { IsAcquired: false })
            {
                await CommandRateLimiting.Rejection(lease).ExecuteAsync(http);
                return;
            }

            if (await function() is { } result)
            {
                await result.ExecuteAsync(http);
            }
        }
#pragma warning disable CA1031 // handed to the API's exception handler, as ASP.NET Core's middleware does; rethrown if none takes it
        catch (Exception error)
#pragma warning restore CA1031
        {
            if (!await HandleAsync(http, error))
            {
                throw;
            }
        }
    }

    /// <summary>
    /// Authenticates every call (a valid token makes the caller known even where none is required)
    /// and challenges where a caller is required: the shared bearer rules answer 401 problem+json.
    /// </summary>
    private static async Task<bool> AuthenticateAsync(HttpContext http, HttpFunctionPolicy policy)
    {
        var result = await http.AuthenticateAsync(BearerAuthentication.Scheme);
        if (result.Succeeded)
        {
            http.User = result.Principal;
        }

        if (policy.RequiresCaller && http.User.Identity?.IsAuthenticated != true)
        {
            await http.ChallengeAsync(BearerAuthentication.Scheme);
            return false;
        }

        return true;
    }

    private async Task<bool> HandleAsync(HttpContext http, Exception error)
    {
        foreach (var handler in exceptionHandlers)
        {
            if (await handler.TryHandleAsync(http, error, http.RequestAborted))
            {
                return true;
            }
        }

        return false;
    }
}
