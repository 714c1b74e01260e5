using Azure.Messaging.ServiceBus;
using CartOrders.Application.Integration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Messaging.ServiceBus;

/// <summary>
/// Publishes integration events to the topic in the order given, packed into as few batches as
/// the broker's size limit allows. Returns once the broker accepted every batch; transient
/// failures are retried (see <see cref="TransientRetry"/>) and then thrown, so the feed
/// checkpoint stays where it was and the whole feed batch is published again later (the same
/// MessageIds, which duplicate detection drops). A message that can never be sent, because it is
/// too large even alone or invalid, comes back rejected and the rest still go.
/// </summary>
public sealed partial class ServiceBusIntegrationPublisher(
    ServiceBusSender sender,
    IOptions<ServiceBusPublishingOptions> options,
    TimeProvider time,
    ILogger<ServiceBusIntegrationPublisher> logger) : IIntegrationPublisher
{
    private readonly TransientRetry _retry = new(options.Value, time, logger);

    public bool IsEnabled => true;

    public async Task<PublishResult> PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rejected = new List<RejectedIntegrationEvent>();
        var published = 0;
        var pending = new List<IntegrationEvent>();
        ServiceBusMessageBatch? batch = null;
        try
        {
            foreach (var integrationEvent in events)
            {
                ServiceBusMessage message;
                try
                {
                    message = IntegrationMessage.Create(integrationEvent);
                }
                catch (ArgumentException error)
                {
                    rejected.Add(new(integrationEvent, "invalid message: " + error.Message));
                    continue;
                }

                batch ??= await CreateBatchAsync(cancellationToken);
                if (batch.TryAddMessage(message))
                {
                    pending.Add(integrationEvent);
                    continue;
                }

                if (batch.Count > 0)
                {
                    published += await SendAsync(batch, pending, rejected, cancellationToken);
                    batch.Dispose();
                    batch = null;
                    pending.Clear();
                    batch = await CreateBatchAsync(cancellationToken);
                    if (batch.TryAddMessage(message))
                    {
                        pending.Add(integrationEvent);
                        continue;
                    }
                }

                rejected.Add(new(integrationEvent, $"too large for one message: {message.Body.ToMemory().Length} bytes of JSON, a batch allows {batch.MaxSizeInBytes}"));
            }

            if (batch is { Count: > 0 })
            {
                published += await SendAsync(batch, pending, rejected, cancellationToken);
            }
        }
        finally
        {
            batch?.Dispose();
        }

        return new PublishResult(published, rejected);
    }

    private Task<ServiceBusMessageBatch> CreateBatchAsync(CancellationToken cancellationToken) =>
        _retry.RunAsync("create batch", async ct => await sender.CreateMessageBatchAsync(ct), cancellationToken);

    /// <summary>Sends one batch; returns how many of its messages the broker accepted.</summary>
    private async Task<int> SendAsync(
        ServiceBusMessageBatch batch, List<IntegrationEvent> inBatch, List<RejectedIntegrationEvent> rejected, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.RunAsync("send", async ct => { await sender.SendMessagesAsync(batch, ct); return true; }, cancellationToken);
            LogSent(logger, batch.Count, sender.EntityPath);
            return batch.Count;
        }
        catch (ServiceBusException error) when (error.Reason == ServiceBusFailureReason.MessageSizeExceeded)
        {
            if (inBatch.Count == 1)
            {
                rejected.Add(new(inBatch[0], "the broker refused it as too large: " + error.Message));
                return 0;
            }

            // The broker's limit was below what the batch allowed: one at a time, so that only
            // the messages that are too large themselves are set aside.
            var sent = 0;
            foreach (var integrationEvent in inBatch)
            {
                using var single = await CreateBatchAsync(cancellationToken);
                if (single.TryAddMessage(IntegrationMessage.Create(integrationEvent)))
                {
                    sent += await SendAsync(single, [integrationEvent], rejected, cancellationToken);
                }
                else
                {
                    rejected.Add(new(integrationEvent, "too large for one message"));
                }
            }

            return sent;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent {Count} integration events to {Topic}")]
    private static partial void LogSent(ILogger logger, int count, string topic);
}
