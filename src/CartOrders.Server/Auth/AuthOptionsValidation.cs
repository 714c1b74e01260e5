using Microsoft.Extensions.Options;

namespace CartOrders.Server.Auth;

/// <summary>
/// Refuses to start with a configuration that would let anyone mint tokens where real identities
/// are expected: development tokens together with Entra ID, or anywhere in Azure (App Service and
/// Functions set WEBSITE_SITE_NAME / FUNCTIONS_WORKER_RUNTIME).
/// </summary>
public sealed class AuthOptionsValidation(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    private static readonly string[] s_azureMarkers = ["WEBSITE_SITE_NAME", "FUNCTIONS_WORKER_RUNTIME"];

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.DevelopmentTokens && options.Mode == AuthMode.EntraId)
        {
            failures.Add("Auth:DevelopmentTokens must be false when Auth:Mode is EntraId.");
        }

        var azure = s_azureMarkers.FirstOrDefault(v => !string.IsNullOrEmpty(configuration[v]) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
        if (options.DevelopmentTokens && azure is not null)
        {
            failures.Add($"Auth:DevelopmentTokens must be false in Azure ({azure} is set).");
        }

        if (options.Mode == AuthMode.EntraId && (string.IsNullOrWhiteSpace(options.TenantId) || string.IsNullOrWhiteSpace(options.Audience)))
        {
            failures.Add("Auth:TenantId and Auth:Audience are required when Auth:Mode is EntraId.");
        }

        if (options.DevelopmentTokenLifetime <= TimeSpan.Zero)
        {
            failures.Add("Auth:DevelopmentTokenLifetime must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
