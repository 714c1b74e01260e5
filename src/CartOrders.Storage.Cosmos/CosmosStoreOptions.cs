using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// Configuration section <c>Cosmos</c>. Exactly one of <see cref="ConnectionString"/> (account key,
/// or the emulator) and <see cref="AccountEndpoint"/> (Microsoft Entra ID through DefaultAzureCredential,
/// which honours AZURE_CLIENT_ID for a user-assigned managed identity) must be set.
/// </summary>
public sealed class CosmosStoreOptions
{
    public const string Section = "Cosmos";

    /// <summary><c>AccountEndpoint=...;AccountKey=...</c>; add <c>DisableServerCertificateValidation=True</c> for the emulator.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account's endpoint, e.g. <c>https://myaccount.documents.azure.com:443/</c>, reached with Entra ID.</summary>
    public string? AccountEndpoint { get; set; }

    public string DatabaseName { get; set; } = "cartorders";

    /// <summary>
    /// Create the database and containers (with their indexing policies) when missing. On in local
    /// runs; infrastructure that creates them itself sets it to false, and then a missing container
    /// fails the start with a message naming it.
    /// </summary>
    public bool CreateIfNotExists { get; set; } = true;

    public string EventsContainer { get; set; } = "events";

    public string ViewsContainer { get; set; } = "views";

    public string LeasesContainer { get; set; } = "leases";

    /// <summary>How long an idempotency record is kept (its own <c>ttl</c>); the API replays within this window.</summary>
    public TimeSpan IdempotencyTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Emulator mode (Gateway connection, the emulator's self-signed certificate accepted, requests
    /// limited to the given endpoint). Null detects it from <c>DisableServerCertificateValidation=True</c>
    /// in the connection string.
    /// </summary>
    public bool? Emulator { get; set; }

    /// <summary>Direct (TCP, the default against Azure) or Gateway (HTTPS only). The emulator always uses Gateway.</summary>
    public ConnectionMode? ConnectionMode { get; set; }

    /// <summary>How many times the SDK itself retries a throttled (429) request before the store reports it busy.</summary>
    public int MaxRetryAttemptsOnRateLimitedRequests { get; set; } = 9;

    /// <summary>The most time the SDK spends waiting across those retries (whole seconds).</summary>
    public TimeSpan MaxRetryWaitTimeOnRateLimitedRequests { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest the store waits for one Cosmos request, the SDK's own retries included; past it the
    /// store reports the store busy (503 with Retry-After). A write given up on this way is one batch,
    /// so it either lands whole later or never.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a waiting feed consumer peeks at the change feed.</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Feed subscriptions taken out of service: their checkpoints, parked events and parked-stream
    /// lists are deleted by the retention sweep (<see cref="CosmosRetention"/>), so they do not pile
    /// up in the leases container. A name still in service must never be listed here.
    /// </summary>
    public IList<string> RetiredSubscriptions { get; } = [];

    /// <summary>How often the retention sweep runs (only when there are retired subscriptions).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
