using CartOrders.Application;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CartOrders.Server.Hosting;

public static class Observability
{
    /// <summary>
    /// Logs: one line per entry in Development, JSON elsewhere. OpenTelemetry traces (ASP.NET Core
    /// and the product's "CartOrders" source, whose command spans give events their correlation id)
    /// and metrics (ASP.NET Core and the "CartOrders" meter); exported over OTLP, logs included,
    /// only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.ClearProviders();

        // ASP.NET Core's request lines ("Request starting ... /api/negotiate?access_token=...") hold
        // the whole query, and browsers must send their hub token there. They stay off even when
        // Microsoft.AspNetCore is turned up for a diagnosis; only configuring this exact category
        // brings them back (docs/local-server.md).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddPublishedEventLog(builder.Environment.IsDevelopment() ? ConsoleFormatterNames.Simple : ConsoleFormatterNames.Json);
        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(console =>
            {
                console.IncludeScopes = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("cartorders-server"))
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource(Telemetry.Name))
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddMeter(Telemetry.Name));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithLogging().UseOtlpExporter();
        }

        return builder;
    }
}
