using System.Net.Security;
using System.Text.Json;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos.Tests;

public sealed class CosmosStoreOptionsTests
{
    private const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
    private const string Emulator = "AccountEndpoint=https://localhost:8081/;AccountKey=" + EmulatorKey + ";DisableServerCertificateValidation=True";
    private const string Account = "AccountEndpoint=https://contoso.documents.azure.com:443/;AccountKey=" + EmulatorKey + ";";

    [Fact]
    public void Neither_a_connection_string_nor_an_endpoint_is_refused_naming_both_keys()
    {
        var failure = Validate(new CosmosStoreOptions());

        Assert.Contains("Cosmos:ConnectionString", failure, StringComparison.Ordinal);
        Assert.Contains("Cosmos:AccountEndpoint", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_a_connection_string_and_an_endpoint_is_refused()
    {
        var failure = Validate(new CosmosStoreOptions { ConnectionString = Account, AccountEndpoint = "https://contoso.documents.azure.com:443/" });

        Assert.Contains("only one of Cosmos:ConnectionString and Cosmos:AccountEndpoint", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountKey=abc", "AccountEndpoint")]
    [InlineData("AccountEndpoint=https://localhost:8081/", "AccountKey")]
    [InlineData("AccountEndpoint=not a url;AccountKey=abc", "AccountEndpoint")]
    [InlineData("AccountEndpoint=https://localhost:8081/;AccountKey=abc;DisableServerCertificateValidation=maybe", "True or False")]
    public void A_connection_string_without_what_it_needs_is_refused_with_the_missing_part_named(string connectionString, string named)
    {
        Assert.Contains(named, Validate(new CosmosStoreOptions { ConnectionString = connectionString }), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_bad_settings_are_refused_each_with_its_key()
    {
        var options = new CosmosStoreOptions
        {
            AccountEndpoint = "contoso",
            DatabaseName = "a/b",
            ViewsContainer = "events",
            IdempotencyTtl = TimeSpan.Zero,
            FeedPollInterval = TimeSpan.Zero,
            RequestTimeout = TimeSpan.Zero,
            MaxRetryAttemptsOnRateLimitedRequests = -1,
            SweepInterval = TimeSpan.Zero,
        };
        options.RetiredSubscriptions.Add("old/reporting");
        var failure = Validate(options);

        foreach (var key in new[] { "Cosmos:AccountEndpoint", "Cosmos:DatabaseName", "three different containers", "Cosmos:IdempotencyTtl", "Cosmos:FeedPollInterval", "Cosmos:RequestTimeout", "Cosmos:MaxRetryAttemptsOnRateLimitedRequests", "Cosmos:SweepInterval", "Cosmos:RetiredSubscriptions 'old/reporting'" })
        {
            Assert.Contains(key, failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_defaults_with_an_endpoint_are_valid()
    {
        var options = new CosmosStoreOptions { AccountEndpoint = "https://contoso.documents.azure.com:443/" };

        Assert.True(new CosmosStoreOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(("cartorders", true, "events", "views", "leases", TimeSpan.FromHours(24)), (options.DatabaseName, options.CreateIfNotExists, options.EventsContainer, options.ViewsContainer, options.LeasesContainer, options.IdempotencyTtl));
    }

    [Fact]
    public void The_emulators_connection_string_selects_gateway_mode_the_given_endpoint_only_and_accepts_its_certificate()
    {
        var options = new CosmosStoreOptions { ConnectionString = Emulator };

        var connection = CosmosConnection.From(options);
        var client = connection.ClientOptions(options);

        Assert.True(connection.Emulator);
        Assert.Equal(EmulatorKey, connection.AccountKey);
        Assert.Equal(ConnectionMode.Gateway, client.ConnectionMode);
        Assert.True(client.LimitToEndpoint);
        Assert.NotNull(client.HttpClientFactory);
        Assert.Null(client.ServerCertificateCustomValidationCallback);
        using var handler = CosmosConnection.CreateEmulatorHandler();
        Assert.True(handler.ServerCertificateCustomValidationCallback!(new HttpRequestMessage(), null, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void An_account_connection_string_uses_direct_mode_and_the_platforms_certificate_checks()
    {
        var options = new CosmosStoreOptions { ConnectionString = Account };

        var connection = CosmosConnection.From(options);
        var client = connection.ClientOptions(options);

        Assert.False(connection.Emulator);
        Assert.Equal(ConnectionMode.Direct, client.ConnectionMode);
        Assert.False(client.LimitToEndpoint);
        Assert.Null(client.HttpClientFactory);
        Assert.Equal(ConnectionMode.Gateway, connection.ClientOptions(new CosmosStoreOptions { ConnectionString = Account, ConnectionMode = ConnectionMode.Gateway }).ConnectionMode);
    }

    [Fact]
    public void The_emulator_flag_overrides_the_detection_either_way()
    {
        Assert.False(CosmosConnection.From(new CosmosStoreOptions { ConnectionString = Emulator, Emulator = false }).Emulator);
        Assert.True(CosmosConnection.From(new CosmosStoreOptions { ConnectionString = Account, Emulator = true }).Emulator);
    }

    [Theory]
    [InlineData(Emulator, null)]
    [InlineData(Account, null)]
    [InlineData(null, "https://contoso.documents.azure.com:443/")]
    public void The_sdk_accepts_the_client_options_for_each_way_in(string? connectionString, string? endpoint)
    {
        var options = new CosmosStoreOptions { ConnectionString = connectionString, AccountEndpoint = endpoint };

        // Building a client does no I/O: it validates the options and connects lazily.
        using var client = CosmosConnection.From(options).CreateClient(options);

        Assert.Equal(new Uri(connectionString is null ? endpoint! : connectionString.Split(';')[0]["AccountEndpoint=".Length..]), client.Endpoint);
    }

    [Fact]
    public void An_endpoint_signs_in_with_entra_id_and_never_shows_a_key()
    {
        var connection = CosmosConnection.From(new CosmosStoreOptions { AccountEndpoint = "https://contoso.documents.azure.com:443/" });

        Assert.Null(connection.AccountKey);
        Assert.Contains("Entra ID", connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(EmulatorKey, CosmosConnection.From(new CosmosStoreOptions { ConnectionString = Account }).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_sdk_gets_our_throttling_retry_budget_and_camel_case_system_text_json()
    {
        var options = new CosmosStoreOptions { ConnectionString = Account, MaxRetryAttemptsOnRateLimitedRequests = 3, MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(4) };

        var client = CosmosConnection.From(options).ClientOptions(options);

        Assert.Equal(3, client.MaxRetryAttemptsOnRateLimitedRequests);
        Assert.Equal(TimeSpan.FromSeconds(4), client.MaxRetryWaitTimeOnRateLimitedRequests);
        Assert.Equal(JsonNamingPolicy.CamelCase, client.UseSystemTextJsonSerializerWithOptions?.PropertyNamingPolicy);
    }

    [Fact]
    public void The_cosmos_section_binds_to_the_options_and_every_port_is_registered()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cosmos:AccountEndpoint"] = "https://contoso.documents.azure.com:443/",
                ["Cosmos:DatabaseName"] = "shop",
                ["Cosmos:CreateIfNotExists"] = "false",
                ["Cosmos:EventsContainer"] = "ev",
                ["Cosmos:IdempotencyTtl"] = "12:00:00",
                ["Cosmos:Emulator"] = "false",
            })
            .Build();
        var services = new ServiceCollection();

        services.AddCosmosStore(configuration);

        var bound = configuration.GetSection(CosmosStoreOptions.Section).Get<CosmosStoreOptions>()!;
        Assert.Equal(("shop", false, "ev", TimeSpan.FromHours(12), (bool?)false), (bound.DatabaseName, bound.CreateIfNotExists, bound.EventsContainer, bound.IdempotencyTtl, bound.Emulator));
        foreach (var port in new[] { typeof(IEventStore), typeof(IEventFeed), typeof(ICheckpointStore), typeof(IViewStore), typeof(IParkedEventStore) })
        {
            Assert.Contains(services, d => d.ServiceType == port && d.Lifetime == ServiceLifetime.Singleton);
        }

        Assert.Contains(services, d => d.ServiceType == typeof(IValidateOptions<CosmosStoreOptions>));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(CosmosStoreInitializer));
    }

    [Fact]
    public void Each_bad_setting_is_refused_with_its_own_message()
    {
        static CosmosStoreOptions Valid() => new() { AccountEndpoint = "https://contoso.documents.azure.com:443/" };
        var name255 = new string('d', 255);

        Assert.Equal("Cosmos:AccountEndpoint 'contoso' is not an absolute http(s) URL such as https://<account>.documents.azure.com:443/.", Validate(new CosmosStoreOptions { AccountEndpoint = "contoso" }));
        Assert.Equal("Cosmos:ConnectionString needs AccountKey=<key>; to sign in with Microsoft Entra ID instead, set Cosmos:AccountEndpoint and no connection string.", Validate(new CosmosStoreOptions { ConnectionString = "AccountEndpoint=https://localhost:8081/;AccountKey= " }));
        Assert.Equal("Cosmos:ConnectionString is not a connection string of the form AccountEndpoint=https://...;AccountKey=...;", Validate(new CosmosStoreOptions { ConnectionString = "AccountEndpoint" }));
        Assert.Equal("Cosmos:Emulator needs Cosmos:ConnectionString with the emulator's endpoint and well-known key.", Validate(Valid().With(o => o.Emulator = true)));
        Assert.Equal($"Cosmos:DatabaseName '{name255}d' must be 1-255 characters without '/', '\\', '?' or '#'.", Validate(Valid().With(o => o.DatabaseName = name255 + "d")));
        Assert.Equal("Cosmos:LeasesContainer 'lea ' must be 1-255 characters without '/', '\\', '?' or '#'.", Validate(Valid().With(o => o.LeasesContainer = "lea ")));
        Assert.Equal("Cosmos:EventsContainer 'e?' must be 1-255 characters without '/', '\\', '?' or '#'.", Validate(Valid().With(o => o.EventsContainer = "e?")));
        Assert.Equal("Cosmos:ViewsContainer 'v\\' must be 1-255 characters without '/', '\\', '?' or '#'.", Validate(Valid().With(o => o.ViewsContainer = "v\\")));
        Assert.Equal("Cosmos:ViewsContainer '/v' must be 1-255 characters without '/', '\\', '?' or '#'.", Validate(Valid().With(o => o.ViewsContainer = "/v")));
        Assert.Contains("Cosmos:ViewsContainer ' '", Validate(Valid().With(o => o.ViewsContainer = " ")), StringComparison.Ordinal);
        Assert.Equal($"Cosmos:IdempotencyTtl {TimeSpan.FromMilliseconds(999)} must be at least one second (and at most {int.MaxValue} seconds).", Validate(Valid().With(o => o.IdempotencyTtl = TimeSpan.FromMilliseconds(999))));
        Assert.Contains("Cosmos:IdempotencyTtl", Validate(Valid().With(o => o.IdempotencyTtl = TimeSpan.FromSeconds(int.MaxValue + 1L))), StringComparison.Ordinal);
        Assert.Equal("Cosmos:MaxRetryAttemptsOnRateLimitedRequests must be 0 or more.", Validate(Valid().With(o => o.MaxRetryAttemptsOnRateLimitedRequests = -1)));
        Assert.Equal("Cosmos:MaxRetryWaitTimeOnRateLimitedRequests must not be negative.", Validate(Valid().With(o => o.MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromTicks(-1))));
        Assert.Equal("Cosmos:RequestTimeout must be positive.", Validate(Valid().With(o => o.RequestTimeout = TimeSpan.FromTicks(-1))));
        Assert.Equal("Cosmos:SweepInterval must be at least 1 second.", Validate(Valid().With(o => o.SweepInterval = TimeSpan.FromMilliseconds(999))));
        Assert.Equal("Cosmos:FeedPollInterval must be positive.", Validate(Valid().With(o => o.FeedPollInterval = TimeSpan.FromTicks(-1))));
        Assert.Equal($"Cosmos:RetiredSubscriptions '{new string('r', 201)}' must be 1-200 characters without '/', '\\', '?' or '#' (a subscription name).", Validate(Valid().With(o => o.RetiredSubscriptions.Add(new string('r', 201)))));
        Assert.Contains("Cosmos:RetiredSubscriptions 'a#b'", Validate(Valid().With(o => o.RetiredSubscriptions.Add("a#b"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_at_their_limits_are_valid()
    {
        var options = new CosmosStoreOptions
        {
            ConnectionString = Emulator,
            Emulator = true,
            DatabaseName = new string('d', 255),
            EventsContainer = "e",
            ViewsContainer = "v v",
            LeasesContainer = new string('l', 255),
            IdempotencyTtl = TimeSpan.FromSeconds(1),
            MaxRetryAttemptsOnRateLimitedRequests = 0,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.Zero,
            RequestTimeout = TimeSpan.FromTicks(1),
            SweepInterval = TimeSpan.FromSeconds(1),
            FeedPollInterval = TimeSpan.FromTicks(1),
        };
        options.RetiredSubscriptions.Add(new string('r', 200));

        Assert.True(new CosmosStoreOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new CosmosStoreOptionsValidator().Validate(null, new CosmosStoreOptions { AccountEndpoint = "http://localhost:8081/", IdempotencyTtl = TimeSpan.FromSeconds(int.MaxValue) }).Succeeded);
        Assert.Throws<ArgumentNullException>(() => new CosmosStoreOptionsValidator().Validate(null, null!));
    }

    [Fact]
    public void A_connection_that_cannot_be_made_is_refused_naming_the_setting()
    {
        var badString = Assert.Throws<InvalidOperationException>(() => CosmosConnection.From(new CosmosStoreOptions { ConnectionString = "AccountKey=abc" }));
        Assert.Equal("Cosmos:ConnectionString needs AccountEndpoint=<absolute http(s) URL>.", badString.Message);
        var badEndpoint = Assert.Throws<InvalidOperationException>(() => CosmosConnection.From(new CosmosStoreOptions { AccountEndpoint = "ftp://contoso/" }));
        Assert.Equal("Cosmos: set Cosmos:ConnectionString or an absolute Cosmos:AccountEndpoint.", badEndpoint.Message);
        Assert.Throws<InvalidOperationException>(() => CosmosConnection.From(new CosmosStoreOptions { AccountEndpoint = " " }));
        Assert.Throws<ArgumentNullException>(() => CosmosConnection.From(null!));
        Assert.Throws<ArgumentNullException>(() => CosmosConnection.From(new CosmosStoreOptions { ConnectionString = Account }).ClientOptions(null!));
        Assert.True(CosmosConnection.IsEndpoint("http://localhost:8081/"));
        Assert.False(CosmosConnection.IsEndpoint("ftp://localhost/"));
        Assert.False(CosmosConnection.IsEndpoint("/relative"));
    }

    [Fact]
    public void A_connection_reads_as_its_endpoint_and_how_it_signs_in()
    {
        Assert.Equal("https://localhost:8081/ (account key, emulator)", CosmosConnection.From(new CosmosStoreOptions { ConnectionString = Emulator }).ToString());
        Assert.Equal("https://contoso.documents.azure.com/ (account key)", CosmosConnection.From(new CosmosStoreOptions { ConnectionString = Account }).ToString());
        Assert.Equal("https://contoso.documents.azure.com/ (Entra ID)", CosmosConnection.From(new CosmosStoreOptions { AccountEndpoint = "https://contoso.documents.azure.com:443/" }).ToString());
        Assert.True(CosmosConnection.TryParse(Account + "DisableServerCertificateValidation=False", out var account, out var problem));
        Assert.Equal((false, (string?)null), (account.Emulator, problem));
        Assert.Equal("CartOrders", account.ClientOptions(new CosmosStoreOptions()).ApplicationName);
        Assert.False(account.ClientOptions(new CosmosStoreOptions()).EnableContentResponseOnWrite);
    }

    private static string Validate(CosmosStoreOptions options)
    {
        var result = new CosmosStoreOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        return result.FailureMessage;
    }
}

internal static class OptionsChanges
{
    /// <summary>The options after one change, for a test that varies one setting of valid options.</summary>
    public static CosmosStoreOptions With(this CosmosStoreOptions options, Action<CosmosStoreOptions> change)
    {
        change(options);
        return options;
    }
}
