using Microsoft.Extensions.Options;

namespace CartOrders.Messaging.ServiceBus;

/// <summary>
/// Configuration section <c>ServiceBus</c>. Exactly one of <see cref="ConnectionString"/> (local,
/// keys) or <see cref="FullyQualifiedNamespace"/> (Azure, managed identity through
/// DefaultAzureCredential, which honours <c>AZURE_CLIENT_ID</c>) is set; with neither, events are only logged.
/// </summary>
public sealed class ServiceBusPublishingOptions
{
    public const string SectionName = "ServiceBus";
    public const string DefaultTopicName = "cartorders-events";

    public string? ConnectionString { get; set; }

    /// <summary>A host name such as <c>my-namespace.servicebus.windows.net</c>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    public string TopicName { get; set; } = DefaultTopicName;

    /// <summary>Attempts per broker call on transient failures (on top of the SDK's own retries) before the batch fails.</summary>
    public int MaxSendAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; doubled for each next one, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);
}

/// <summary>Checks the section at start, so a wrong setting stops the host with a message that says what to change.</summary>
public sealed class ServiceBusPublishingOptionsValidator : IValidateOptions<ServiceBusPublishingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceBusPublishingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasNamespace = !string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace);
        if (hasConnectionString && hasNamespace)
        {
            failures.Add("ServiceBus: set either ConnectionString (with keys) or FullyQualifiedNamespace (with managed identity), not both.");
        }
        else if (!hasConnectionString && !hasNamespace)
        {
            failures.Add("ServiceBus: set ConnectionString, or FullyQualifiedNamespace (e.g. 'my-namespace.servicebus.windows.net') to use managed identity.");
        }

        if (hasConnectionString && !options.ConnectionString!.Contains("Endpoint=", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add("ServiceBus:ConnectionString is not a Service Bus connection string (expected 'Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...').");
        }

        if (hasNamespace && (options.FullyQualifiedNamespace!.Contains("://", StringComparison.Ordinal)
            || options.FullyQualifiedNamespace.Contains('/', StringComparison.Ordinal)
            || options.FullyQualifiedNamespace.Contains(';', StringComparison.Ordinal)))
        {
            failures.Add("ServiceBus:FullyQualifiedNamespace is a host name such as 'my-namespace.servicebus.windows.net', without 'sb://', a path or keys.");
        }

        if (string.IsNullOrWhiteSpace(options.TopicName))
        {
            failures.Add("ServiceBus:TopicName must not be empty (default 'cartorders-events').");
        }

        if (options.MaxSendAttempts < 1)
        {
            failures.Add("ServiceBus:MaxSendAttempts must be at least 1.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add("ServiceBus:RetryDelay must not be negative, nor greater than ServiceBus:MaxRetryDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
