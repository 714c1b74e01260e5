using System.Text.Json;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

// Prints the CartOrders integration events of one subscription of the topic, one session
// (= one cart or order stream) at a time, so each stream's events arrive in order.
//
//   dotnet run --project samples/CartOrders.EventsConsumer -- [subscription]
//
// SERVICEBUS_CONNECTION_STRING, or SERVICEBUS_NAMESPACE (my-namespace.servicebus.windows.net)
// to sign in with DefaultAzureCredential; SERVICEBUS_TOPIC (default cartorders-events);
// the subscription from the first argument, else SERVICEBUS_SUBSCRIPTION, else sample-consumer.

var subscription = args.FirstOrDefault() ?? Setting("SERVICEBUS_SUBSCRIPTION") ?? "sample-consumer";
var topic = Setting("SERVICEBUS_TOPIC") ?? "cartorders-events";
var connectionString = Setting("SERVICEBUS_CONNECTION_STRING");
var fullyQualifiedNamespace = Setting("SERVICEBUS_NAMESPACE");
if (connectionString is null && fullyQualifiedNamespace is null)
{
    await Console.Error.WriteLineAsync("Set SERVICEBUS_CONNECTION_STRING, or SERVICEBUS_NAMESPACE to sign in with Azure credentials.");
    return 2;
}

await using var client = connectionString is not null
    ? new ServiceBusClient(connectionString)
    : new ServiceBusClient(fullyQualifiedNamespace, new DefaultAzureCredential());
await using var processor = client.CreateSessionProcessor(topic, subscription, new ServiceBusSessionProcessorOptions
{
    AutoCompleteMessages = false,
    MaxConcurrentSessions = 8,
    SessionIdleTimeout = TimeSpan.FromSeconds(10),
});

processor.ProcessMessageAsync += async args =>
{
    var message = args.Message;
    CloudEventHeader header;
    try
    {
        header = CloudEventHeader.Read(message.Body);
    }
    catch (JsonException error)
    {
        // Not a CloudEvent: retrying would not help, so it goes to the dead-letter queue.
        await args.DeadLetterMessageAsync(message, "not-a-cloudevent", error.Message, args.CancellationToken);
        return;
    }

    Console.WriteLine($"{header.Type,-40} {header.Subject,-24} {header.Id}  (session {args.SessionId}, #{message.SequenceNumber})");
    await args.CompleteMessageAsync(message, args.CancellationToken);
};
processor.ProcessErrorAsync += args =>
{
    Console.Error.WriteLine($"{args.ErrorSource} on {args.EntityPath}: {args.Exception.Message}");
    return Task.CompletedTask;
};

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await processor.StartProcessingAsync(stop.Token);
Console.WriteLine($"Reading {topic}/{subscription}; Ctrl+C stops.");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

await processor.StopProcessingAsync(CancellationToken.None);
return 0;

static string? Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

/// <summary>The CloudEvents attributes this sample prints; <c>data</c> is left to each consumer.</summary>
internal sealed record CloudEventHeader(string Id, string Type, string? Subject)
{
    public static CloudEventHeader Read(BinaryData body)
    {
        using var json = JsonDocument.Parse(body.ToMemory());
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("specversion", out var version) || version.GetString() != "1.0"
            || !root.TryGetProperty("id", out var id) || !root.TryGetProperty("type", out var type))
        {
            throw new JsonException("The body is not a CloudEvents 1.0 JSON event.");
        }

        return new CloudEventHeader(
            id.GetString() ?? "",
            type.GetString() ?? "",
            root.TryGetProperty("subject", out var subject) ? subject.GetString() : null);
    }
}
