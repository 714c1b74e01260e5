using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>Where the account is and how to sign in: a key from a connection string, or Entra ID for an endpoint.</summary>
internal sealed record CosmosConnection(Uri Endpoint, string? AccountKey, bool Emulator)
{
    private const string DisableCertificateValidationKey = "DisableServerCertificateValidation";

    public static CosmosConnection From(CosmosStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (!TryParse(options.ConnectionString, out var parsed, out var problem))
            {
                throw new InvalidOperationException("Cosmos:ConnectionString " + problem);
            }

            return options.Emulator is { } emulator ? parsed with { Emulator = emulator } : parsed;
        }

        if (string.IsNullOrWhiteSpace(options.AccountEndpoint) || !IsEndpoint(options.AccountEndpoint))
        {
            throw new InvalidOperationException("Cosmos: set Cosmos:ConnectionString or an absolute Cosmos:AccountEndpoint.");
        }

        return new CosmosConnection(new Uri(options.AccountEndpoint), null, false);
    }

    /// <summary>Reads <c>AccountEndpoint</c>, <c>AccountKey</c> and <c>DisableServerCertificateValidation</c> (which marks the emulator).</summary>
    public static bool TryParse(string connectionString, [NotNullWhen(true)] out CosmosConnection? connection, [NotNullWhen(false)] out string? problem)
    {
        connection = null;
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            problem = "is not a connection string of the form AccountEndpoint=https://...;AccountKey=...;";
            return false;
        }

        if (!builder.TryGetValue("AccountEndpoint", out var endpoint) || endpoint is not string endpointText || !IsEndpoint(endpointText))
        {
            problem = "needs AccountEndpoint=<absolute http(s) URL>.";
            return false;
        }

        if (!builder.TryGetValue("AccountKey", out var key) || key is not string keyText || string.IsNullOrWhiteSpace(keyText))
        {
            problem = "needs AccountKey=<key>; to sign in with Microsoft Entra ID instead, set Cosmos:AccountEndpoint and no connection string.";
            return false;
        }

        var emulator = false;
        if (builder.TryGetValue(DisableCertificateValidationKey, out var flag) && flag is string flagText)
        {
            if (!bool.TryParse(flagText, out emulator))
            {
                problem = $"has {DisableCertificateValidationKey}={flagText}; use True or False.";
                return false;
            }
        }

        connection = new CosmosConnection(new Uri(endpointText), keyText, emulator);
        problem = null;
        return true;
    }

    public static bool IsEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>
    /// The SDK's options: our retry budget for 429s, System.Text.Json (camelCase) for documents, and
    /// in emulator mode Gateway mode, no endpoint discovery and the emulator's self-signed certificate
    /// accepted through our own HttpClient (the SDK's certificate callback cannot be combined with one).
    /// </summary>
    public CosmosClientOptions ClientOptions(CosmosStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "CartOrders",
            ConnectionMode = Emulator ? ConnectionMode.Gateway : options.ConnectionMode ?? ConnectionMode.Direct,
            MaxRetryAttemptsOnRateLimitedRequests = options.MaxRetryAttemptsOnRateLimitedRequests,
            MaxRetryWaitTimeOnRateLimitedRequests = options.MaxRetryWaitTimeOnRateLimitedRequests,
            UseSystemTextJsonSerializerWithOptions = CosmosJson.CreateOptions(),
            EnableContentResponseOnWrite = false,
        };
        if (Emulator)
        {
            clientOptions.LimitToEndpoint = true;
            clientOptions.HttpClientFactory = () => new HttpClient(CreateEmulatorHandler(), disposeHandler: true);
        }

        return clientOptions;
    }

    /// <summary>An HTTP handler that accepts the emulator's self-signed certificate. Never used against Azure.</summary>
    public static HttpClientHandler CreateEmulatorHandler() => new()
    {
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    };

    public CosmosClient CreateClient(CosmosStoreOptions options) =>
        AccountKey is { } key
            ? new CosmosClient(Endpoint.AbsoluteUri, key, ClientOptions(options))
            : new CosmosClient(Endpoint.AbsoluteUri, new DefaultAzureCredential(), ClientOptions(options));

    // The key never reaches logs through a record's generated ToString.
    public override string ToString() => $"{Endpoint} ({(AccountKey is null ? "Entra ID" : "account key")}{(Emulator ? ", emulator" : string.Empty)})";
}
