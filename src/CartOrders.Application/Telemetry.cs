using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CartOrders.Application;

/// <summary>The product's trace source and meter, both named "CartOrders".</summary>
public static class Telemetry
{
    public const string Name = "CartOrders";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> CommandsAppended = Meter.CreateCounter<long>("cartorders.commands.appended", description: "Commands whose events were appended");

    public static readonly Counter<long> WriteConflicts = Meter.CreateCounter<long>("cartorders.append.conflicts", description: "Appends refused for a wrong expected version");

    public static readonly Counter<long> FeedEventsHandled = Meter.CreateCounter<long>("cartorders.feed.events", description: "Feed events handled, by subscription");
}
