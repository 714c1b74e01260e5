using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using CartOrders.Application;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CartOrders.Functions.Hosting;

public static class FunctionsObservability
{
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringKey = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// OpenTelemetry in the worker: the Functions defaults (the invocation's activity continues the
    /// host's trace of the HTTP request or timer tick), the product's "CartOrders" source and meter
    /// (command spans, whose trace id the events keep as correlation id, and feed batches linked to
    /// those traces), exported to Application Insights when its connection string is set.
    /// </summary>
    public static IServiceCollection AddFunctionsObservability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .ConfigureResource(resource => resource.AddService("cartorders-functions"))
            .WithTracing(tracing => tracing.AddSource(Telemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(Telemetry.Name));
        if (configuration[ConnectionStringKey] is { Length: > 0 } connectionString)
        {
            var credential = CredentialFor(configuration[AuthenticationStringKey]);
            telemetry.UseAzureMonitorExporter(exporter =>
            {
                exporter.ConnectionString = connectionString;
                exporter.Credential = credential;
            });
        }

        return services;
    }

    /// <summary>
    /// <c>Authorization=AAD</c> (with <c>ClientId=</c> for a user-assigned identity) means ingestion
    /// takes an Entra token, as the host's own telemetry does; anything else sends with the key.
    /// </summary>
    public static TokenCredential? CredentialFor(string? authenticationString)
    {
        var parts = (authenticationString ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = parts.GetValueOrDefault("ClientId") });
    }
}
