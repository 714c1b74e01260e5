namespace CartOrders.Api.Auth;

public enum AuthMode
{
    /// <summary>Tokens signed with the key in the data folder (issued by the dev token endpoint when it is on).</summary>
    Development,

    /// <summary>Microsoft Entra ID access tokens.</summary>
    EntraId,
}

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";
    public const string DevelopmentIssuer = "cartorders-dev";

    public AuthMode Mode { get; set; } = AuthMode.Development;

    /// <summary>
    /// Serves <c>POST /api/dev/tokens</c>, which signs a token for any user: the local server's
    /// appsettings turn it on; the server refuses to start with it in Entra ID mode or in Azure.
    /// </summary>
    public bool DevelopmentTokens { get; set; }

    /// <summary>
    /// The token endpoint answers only requests that arrived on a loopback address (127.0.0.0/8,
    /// ::1): anyone who can reach the server from elsewhere must not mint tokens. True serves it on
    /// every address the server listens on (a development server shared on a trusted network).
    /// </summary>
    public bool DevelopmentTokensOnAnyAddress { get; set; }

    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    public string? TenantId { get; set; }

    /// <summary>
    /// The API's application id URI (<c>api://&lt;client id&gt;</c>) or client id. Entra ID v2 access
    /// tokens carry the bare client id in <c>aud</c>, so an <c>api://</c> URI accepts that too
    /// (<see cref="BearerAuthentication.AudiencesOf"/>).
    /// </summary>
    public string? Audience { get; set; }

    public string Authority => Instance.TrimEnd('/') + "/" + TenantId + "/v2.0";
}
