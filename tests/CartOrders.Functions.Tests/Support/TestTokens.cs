using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CartOrders.Functions.Tests.Support;

/// <summary>
/// A stand-in for the Entra ID tenant: an RSA key whose public half the app is given as the
/// tenant's signing key (instead of fetching metadata), and v2-style access tokens signed with it.
/// </summary>
public sealed class TestTokens : IDisposable
{
    public const string TenantId = "6f1c2d3e-0000-4000-8000-00000000a11c";
    public const string ClientId = "0a1b2c3d-0000-4000-8000-0000000000c1";
    public const string Audience = "api://" + ClientId;
    public const string Issuer = "https://login.microsoftonline.com/" + TenantId + "/v2.0";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly JsonWebTokenHandler _handler = new();

    public TestTokens()
    {
        Key = new RsaSecurityKey(_rsa) { KeyId = "test-signing-key" };
        Configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        Configuration.SigningKeys.Add(Key);
    }

    public RsaSecurityKey Key { get; }

    /// <summary>What the app would read from the tenant's metadata document.</summary>
    public OpenIdConnectConfiguration Configuration { get; }

    /// <summary>An access token as Entra ID issues v2 tokens: <c>aud</c> the bare client id, <c>sub</c> the user.</summary>
    public string For(
        string userId,
        string[]? roles = null,
        string audience = ClientId,
        string issuer = Issuer,
        DateTime? expires = null,
        SecurityKey? signingKey = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = userId, ["scp"] = "access_as_user" };
        if (roles is { Length: > 0 })
        {
            claims["roles"] = roles;
        }

        var expiry = expires ?? now.AddHours(1);
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry < now ? expiry.AddHours(-1) : now,
            NotBefore = expiry < now ? expiry.AddHours(-1) : now,
            Expires = expiry,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => _rsa.Dispose();
}
