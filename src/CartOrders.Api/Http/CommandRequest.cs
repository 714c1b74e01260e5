using CartOrders.Application.Commands;
using CartOrders.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Http;

/// <summary>
/// What every command request carries besides its own fields: the caller, If-Match, the
/// Idempotency-Key with its fingerprint, the time, and the body's fields.
/// </summary>
public sealed record CommandRequest(Actor Actor, CommandContext Context, JsonFields Body)
{
    /// <summary>Reads headers, then the body (limit, media type, JSON). Call after the path ids were checked.</summary>
    public static async Task<CommandRequest> ReadAsync(HttpContext http, Actor actor, bool bodyRequired)
    {
        ArgumentNullException.ThrowIfNull(http);
        var expectedVersion = ETags.ParseIfMatch(http.Request);
        var key = IdempotencyKeys.Parse(http.Request);
        var body = await RequestBodies.ReadAsync(http.Request, http.RequestAborted);
        var json = RequestBodies.ParseObject(body, bodyRequired);
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var fingerprint = key is null ? null : IdempotencyKeys.Fingerprint(http.Request, body);
        return new CommandRequest(actor, new CommandContext(actor, now, expectedVersion, key, fingerprint), JsonFields.Of(json));
    }
}
