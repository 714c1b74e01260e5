namespace CartOrders.Server.Auth;

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

    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    public string? TenantId { get; set; }

    /// <summary>The API's application id URI or client id, as tokens carry it in <c>aud</c>.</summary>
    public string? Audience { get; set; }

    public string Authority => Instance.TrimEnd('/') + "/" + TenantId + "/v2.0";
}
