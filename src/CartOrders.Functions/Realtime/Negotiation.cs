using CartOrders.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Realtime;

/// <summary>The negotiate answer that sends a SignalR client on to the service (the client library follows it).</summary>
public sealed record NegotiateResponse(string Url, string AccessToken);

/// <summary>Issues the caller's connection details: the hub's client URL and a token carrying the caller's user id.</summary>
public sealed class SignalRNegotiator(SignalRService service, SignalRAccess access, SignalRRestClient rest, IOptions<SignalROptions> options)
{
    public async Task<NegotiateResponse> NegotiateAsync(string userId, CancellationToken cancellationToken = default)
    {
        var lifetime = options.Value.ClientTokenLifetime;
        var token = access.SignClientToken(service.ClientUrl, userId, lifetime)
            ?? await rest.GenerateClientTokenAsync(userId, lifetime, cancellationToken);
        return new NegotiateResponse(service.ClientUrl, token);
    }
}

public static class Negotiation
{
    /// <summary>
    /// <c>POST /api/negotiate</c>, where a SignalR client configured with the hub URL <c>{base}/api</c>
    /// negotiates: authenticated like every other call, so a connection is always someone's.
    /// </summary>
    public static Task<IResult> NegotiateAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var negotiator = http.RequestServices.GetService<SignalRNegotiator>() ?? throw RealtimeProblems.NotConfigured();
        try
        {
            return TypedResults.Ok(await negotiator.NegotiateAsync(actor.UserId.Value, http.RequestAborted));
        }
        catch (HttpRequestException error)
        {
            throw RealtimeProblems.ServiceFailed(error, http.RequestServices.GetRequiredService<ILogger<SignalRNegotiator>>(), "negotiation");
        }
    });
}
