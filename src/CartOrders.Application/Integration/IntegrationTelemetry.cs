using System.Diagnostics.Metrics;

namespace CartOrders.Application.Integration;

/// <summary>Integration publishing counters on the product's <see cref="Telemetry.Meter"/>.</summary>
public static class IntegrationTelemetry
{
    public static readonly Counter<long> Published = Telemetry.Meter.CreateCounter<long>(
        "cartorders.integration.published", description: "Integration events accepted by the broker (or logged when publishing is off)");

    public static readonly Counter<long> Poisoned = Telemetry.Meter.CreateCounter<long>(
        "cartorders.integration.poisoned", description: "Integration events that could never be published and were set aside");

    public static readonly Counter<long> SendRetries = Telemetry.Meter.CreateCounter<long>(
        "cartorders.integration.send_retries", description: "Broker calls retried after a transient failure");
}
