using System.Text;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Integration;

/// <summary>The publisher when no broker is configured: each event is logged, and publishing reports itself off.</summary>
public sealed partial class LoggingIntegrationPublisher(ILogger<LoggingIntegrationPublisher> logger) : IIntegrationPublisher
{
    public bool IsEnabled => false;

    public Task<PublishResult> PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (logger.IsEnabled(LogLevel.Information))
        {
            foreach (var e in events)
            {
                var json = Encoding.UTF8.GetString(e.ToJson());
                LogEvent(logger, e.Type, e.Id, e.Subject, json);
            }
        }

        return Task.FromResult(PublishResult.AllOf(events.Count));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Integration event {Type} {Id} for {Subject} (publishing is off): {Json}")]
    private static partial void LogEvent(ILogger logger, string type, string id, string subject, string json);
}
