using System.Text;
using Azure.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Functions.Realtime;

/// <summary>How the app proves itself to the service, and whether it can sign client tokens itself.</summary>
public abstract class SignalRAccess
{
    /// <summary>The bearer token for one REST call to <paramref name="requestUrl"/>.</summary>
    public abstract ValueTask<string> BearerForAsync(Uri requestUrl, CancellationToken cancellationToken);

    /// <summary>A client token for the user, signed here; null when only the service can issue one.</summary>
    public abstract string? SignClientToken(string clientUrl, string userId, TimeSpan lifetime);
}

/// <summary>
/// The service's access key signs JWTs (HS256) itself: for a REST call <c>aud</c> is the request URL
/// without its query, for a client the client URL (query included), whose <c>nameid</c> claim the
/// service takes as the connection's user id. For local runs and the emulator; in Azure keys are off.
/// </summary>
public sealed class AccessKeySignalRAccess(string accessKey, TimeProvider clock) : SignalRAccess
{
    /// <summary>The claim Azure SignalR Service reads a client's user id from (ClaimTypes.NameIdentifier, short name).</summary>
    public const string UserIdClaim = "nameid";

    /// <summary>How long a token for one REST call lives: long enough for its retries, and no longer.</summary>
    public static readonly TimeSpan RestTokenLifetime = TimeSpan.FromMinutes(5);

    private readonly SigningCredentials _signing = new(
        new SymmetricSecurityKey(Encoding.UTF8.GetBytes(accessKey ?? throw new ArgumentNullException(nameof(accessKey)))),
        SecurityAlgorithms.HmacSha256);

    private readonly JsonWebTokenHandler _handler = new();

    public override ValueTask<string> BearerForAsync(Uri requestUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestUrl);
        return ValueTask.FromResult(Sign(requestUrl.GetLeftPart(UriPartial.Path), RestTokenLifetime, userId: null));
    }

    public override string? SignClientToken(string clientUrl, string userId, TimeSpan lifetime) => Sign(clientUrl, lifetime, userId);

    private string Sign(string audience, TimeSpan lifetime, string? userId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = _signing,
        };
        if (userId is not null)
        {
            descriptor.Claims = new Dictionary<string, object> { [UserIdClaim] = userId };
        }

        return _handler.CreateToken(descriptor);
    }
}

/// <summary>
/// Microsoft Entra ID: the app's identity (a managed identity in Azure) gets a token for the service
/// (role SignalR REST API Owner); client tokens come from the service's generateToken API.
/// </summary>
public sealed class EntraIdSignalRAccess(TokenCredential credential) : SignalRAccess
{
    public const string Scope = "https://signalr.azure.com/.default";

    private static readonly TokenRequestContext s_request = new([Scope]);

    public override async ValueTask<string> BearerForAsync(Uri requestUrl, CancellationToken cancellationToken) =>
        (await credential.GetTokenAsync(s_request, cancellationToken)).Token;

    public override string? SignClientToken(string clientUrl, string userId, TimeSpan lifetime) => null;
}
