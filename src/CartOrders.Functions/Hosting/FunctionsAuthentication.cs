using CartOrders.Api.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Hosting;

public static class FunctionsAuthentication
{
    /// <summary>
    /// Microsoft Entra ID bearer tokens only, with the rules every host shares
    /// (<see cref="BearerAuthentication"/>): authority <c>{Auth:Instance}{Auth:TenantId}/v2.0</c>,
    /// audiences <c>Auth:Audience</c> and its bare client id, the user is <c>sub</c>, roles are
    /// <c>roles</c>. The worker middleware authenticates each HTTP call with this scheme.
    /// </summary>
    public static IServiceCollection AddFunctionsAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, EntraIdOnly>());
        services.AddAuthentication(BearerAuthentication.Scheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(BearerAuthentication.Scheme).Configure<IOptions<AuthOptions>>((bearer, auth) =>
        {
            BearerAuthentication.ConfigureCommon(bearer);
            BearerAuthentication.ConfigureEntraId(bearer, auth.Value);
        });
        return services;
    }
}

/// <summary>
/// The function app knows one kind of token, Microsoft Entra ID's. Development tokens exist only on
/// the local server: here they cannot be turned on, and the app refuses to start if asked to.
/// </summary>
public sealed class EntraIdOnly : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.DevelopmentTokens)
        {
            failures.Add("Auth:DevelopmentTokens must be false: the function app never issues development tokens.");
        }

        if (options.Mode != AuthMode.EntraId)
        {
            failures.Add("Auth:Mode must be EntraId: the function app validates Microsoft Entra ID tokens only.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
