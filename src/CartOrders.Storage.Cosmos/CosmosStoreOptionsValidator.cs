using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos;

/// <summary>Checks <see cref="CosmosStoreOptions"/> at start, with messages that say which key to fix and how.</summary>
public sealed class CosmosStoreOptionsValidator : IValidateOptions<CosmosStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, CosmosStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> Errors(CosmosStoreOptions options)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasEndpoint = !string.IsNullOrWhiteSpace(options.AccountEndpoint);
        if (!hasConnectionString && !hasEndpoint)
        {
            yield return "Cosmos: set Cosmos:ConnectionString (an account key or the emulator's connection string) or Cosmos:AccountEndpoint (Microsoft Entra ID through DefaultAzureCredential).";
        }
        else if (hasConnectionString && hasEndpoint)
        {
            yield return "Cosmos: set only one of Cosmos:ConnectionString and Cosmos:AccountEndpoint, not both.";
        }
        else if (hasConnectionString && !CosmosConnection.TryParse(options.ConnectionString!, out _, out var problem))
        {
            yield return "Cosmos:ConnectionString " + problem;
        }
        else if (hasEndpoint && !CosmosConnection.IsEndpoint(options.AccountEndpoint!))
        {
            yield return $"Cosmos:AccountEndpoint '{options.AccountEndpoint}' is not an absolute http(s) URL such as https://<account>.documents.azure.com:443/.";
        }

        if (options.Emulator == true && !hasConnectionString)
        {
            yield return "Cosmos:Emulator needs Cosmos:ConnectionString with the emulator's endpoint and well-known key.";
        }

        if (!IsResourceName(options.DatabaseName))
        {
            yield return $"Cosmos:DatabaseName '{options.DatabaseName}' must be 1-255 characters without '/', '\\', '?' or '#'.";
        }

        string[] containers = [options.EventsContainer, options.ViewsContainer, options.LeasesContainer];
        foreach (var (key, value) in new[] { ("EventsContainer", options.EventsContainer), ("ViewsContainer", options.ViewsContainer), ("LeasesContainer", options.LeasesContainer) })
        {
            if (!IsResourceName(value))
            {
                yield return $"Cosmos:{key} '{value}' must be 1-255 characters without '/', '\\', '?' or '#'.";
            }
        }

        if (containers.Distinct(StringComparer.Ordinal).Count() != containers.Length)
        {
            yield return "Cosmos:EventsContainer, Cosmos:ViewsContainer and Cosmos:LeasesContainer must name three different containers.";
        }

        if (options.IdempotencyTtl < TimeSpan.FromSeconds(1) || options.IdempotencyTtl.TotalSeconds > int.MaxValue)
        {
            yield return $"Cosmos:IdempotencyTtl {options.IdempotencyTtl} must be at least one second (and at most {int.MaxValue} seconds).";
        }

        if (options.MaxRetryAttemptsOnRateLimitedRequests < 0)
        {
            yield return "Cosmos:MaxRetryAttemptsOnRateLimitedRequests must be 0 or more.";
        }

        if (options.MaxRetryWaitTimeOnRateLimitedRequests < TimeSpan.Zero)
        {
            yield return "Cosmos:MaxRetryWaitTimeOnRateLimitedRequests must not be negative.";
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            yield return "Cosmos:RequestTimeout must be positive.";
        }

        if (options.SweepInterval < TimeSpan.FromSeconds(1))
        {
            yield return "Cosmos:SweepInterval must be at least 1 second.";
        }

        foreach (var retired in options.RetiredSubscriptions.Where(r => !IsResourceName(r) || r.Length > 200))
        {
            yield return $"Cosmos:RetiredSubscriptions '{retired}' must be 1-200 characters without '/', '\\', '?' or '#' (a subscription name).";
        }

        if (options.FeedPollInterval <= TimeSpan.Zero)
        {
            yield return "Cosmos:FeedPollInterval must be positive.";
        }
    }

    private static bool IsResourceName(string? name) =>
        !string.IsNullOrWhiteSpace(name)
        && name.Length <= 255
        && name.IndexOfAny(['/', '\\', '?', '#']) < 0
        && !name.EndsWith(' ');
}
