using Azure.Messaging.ServiceBus;
using CartOrders.Application.Integration;

namespace CartOrders.Messaging.ServiceBus;

/// <summary>
/// The Service Bus form of an integration event: CloudEvents structured mode (the whole event
/// as the JSON body), with the broker properties that give duplicate detection (MessageId =
/// event id) and per-stream order (SessionId = stream id), and the CloudEvents attributes
/// repeated as application properties for subscription filters.
/// </summary>
public static class IntegrationMessage
{
    public const string ContentType = "application/cloudevents+json; charset=utf-8";

    /// <exception cref="ArgumentException">An id does not fit the broker's limits (128 characters).</exception>
    public static ServiceBusMessage Create(IntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return new ServiceBusMessage(BinaryData.FromBytes(integrationEvent.ToJson()))
        {
            MessageId = integrationEvent.Id,
            SessionId = integrationEvent.StreamId,
            Subject = integrationEvent.Type,
            CorrelationId = integrationEvent.CorrelationId,
            ContentType = ContentType,
            ApplicationProperties =
            {
                ["cloudEvents:specversion"] = integrationEvent.SpecVersion,
                ["cloudEvents:type"] = integrationEvent.Type,
                ["cloudEvents:id"] = integrationEvent.Id,
                ["cloudEvents:source"] = integrationEvent.Source,
                ["cloudEvents:subject"] = integrationEvent.Subject,
            },
        };
    }
}
