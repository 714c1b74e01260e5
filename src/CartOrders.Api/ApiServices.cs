using System.Text.Json.Serialization;
using CartOrders.Api.Health;
using CartOrders.Api.Problems;
using CartOrders.Api.RateLimiting;
using CartOrders.Application.Abandonment;
using CartOrders.Application.Commands;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api;

public static class ApiServices
{
    /// <summary>
    /// What the endpoints need from the host's container: the product's JSON shape for typed
    /// results, problem details for bare statuses (unknown routes, challenges), the last-resort
    /// exception handler, and the per-user command rate limit. The host adds authentication.
    /// </summary>
    public static IServiceCollection AddCartOrdersApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
        });
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var details = context.ProblemDetails;
            var problem = details.Extensions.ContainsKey("code")
                ? null
                : ApiProblem.ForStatus(details.Status ?? context.HttpContext.Response.StatusCode);
            if (problem is not null)
            {
                details.Extensions["code"] = problem.Code;
                details.Type = problem.Type;
                details.Title = problem.Title;
                details.Detail ??= problem.Title;
            }
        });
        services.AddExceptionHandler<ApiExceptionHandler>();

        // Protects the continuation tokens of lists (ListPaging). Each host may persist its keys
        // where its instances share them; by default they are the framework's per-machine keys.
        services.AddDataProtection();
        services.AddCommandRateLimiting(configuration);
        services.AddOptions<CommandLimits>().Bind(configuration.GetSection(CommandLimits.Section))
            .Validate(
                l => l.OpenCartsPerUser >= 1 && l.CollaboratorsPerCart >= 0 && l.EventsPerCart >= 2,
                "Limits:OpenCartsPerUser must be at least 1, Limits:CollaboratorsPerCart at least 0 and Limits:EventsPerCart at least 2.")
            .ValidateOnStart();
        services.AddOptions<AbandonmentOptions>().Bind(configuration.GetSection(AbandonmentOptions.Section))
            .Validate(o => o.IdleFor >= TimeSpan.FromMinutes(1) && o.Interval >= TimeSpan.FromSeconds(1), "Abandonment:IdleFor must be at least 1 minute and Abandonment:Interval at least 1 second.")
            .ValidateOnStart();
        services.AddOptions<HealthOptions>();
        return services;
    }
}
