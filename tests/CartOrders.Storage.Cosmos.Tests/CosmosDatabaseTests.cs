using CartOrders.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// How the store gets its database ready before first use: created with its containers when
/// allowed, else checked, refusing a missing database, missing containers or a wrong partition key
/// with a message that says what to fix; each test uses databases of its own on the contract's endpoint.
/// </summary>
public sealed class CosmosDatabaseTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>, IAsyncDisposable
{
    private readonly List<string> _databases = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_store_that_may_not_create_refuses_a_missing_database_naming_it_and_how_to_create_it()
    {
        using var database = Open(NewName(), createIfNotExists: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.ReadyAsync(Ct));

        Assert.Equal(
            $"The Cosmos database '{database.Options.DatabaseName}' does not exist, nor its containers. "
            + "Create them (partition keys: events /streamId, views /pk, leases /id; indexing policies in docs/cosmos.md; the infra/ Bicep does this) "
            + "or set Cosmos:CreateIfNotExists=true to let the store create them.",
            error.Message);
        Assert.IsType<CosmosException>(error.InnerException);
    }

    [Fact]
    public async Task A_store_that_may_not_create_refuses_a_database_without_its_containers_naming_each_missing_one()
    {
        var name = NewName();
        var created = await fixture.Database.Client.CreateDatabaseAsync(name, cancellationToken: Ct);
        await created.Database.CreateContainerAsync(new ContainerProperties("events", "/streamId"), cancellationToken: Ct);
        using var database = Open(name, createIfNotExists: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.ReadyAsync(Ct));

        Assert.StartsWith($"The Cosmos database '{name}' lacks the container(s) 'views' (/pk), 'leases' (/id). Create them (partition keys:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("events", "/id", "/streamId", "EventsContainer")]
    [InlineData("views", "/id", "/pk", "ViewsContainer")]
    [InlineData("leases", "/pk", "/id", "LeasesContainer")]
    public async Task A_container_partitioned_by_another_key_is_refused_naming_the_setting_that_points_at_it(string container, string path, string needed, string key)
    {
        var name = NewName();
        using (var creator = Open(name, createIfNotExists: true))
        {
            await creator.ReadyAsync(Ct);
        }

        var existing = fixture.Database.Client.GetDatabase(name);
        await existing.GetContainer(container).DeleteContainerAsync(cancellationToken: Ct);
        await existing.CreateContainerAsync(new ContainerProperties(container, path), cancellationToken: Ct);
        using var database = Open(name, createIfNotExists: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.ReadyAsync(Ct));

        Assert.Equal(
            $"The Cosmos container '{container}' in database '{name}' is partitioned by {path}, but the store needs {needed}. "
            + $"A partition key cannot change: delete and recreate the container (or point Cosmos:{key} at another one).",
            error.Message);
    }

    [Fact]
    public async Task A_store_that_may_not_create_is_ready_on_a_database_with_all_its_containers_and_reads_them_one_by_one()
    {
        var name = NewName();
        using (var creator = Open(name, createIfNotExists: true))
        {
            await creator.ReadyAsync(Ct);
        }

        var requests = new CapturingLogger<CosmosRequests>();
        var log = new CapturingLogger<CosmosDatabase>();
        using var database = Open(name, createIfNotExists: false, requests, log);

        await database.ReadyAsync(Ct);

        Assert.Equal(
            [("read-database", string.Empty), ("read-container", "events"), ("read-container", "views"), ("read-container", "leases")],
            Operations(requests));
        var ready = Assert.Single(log.Entries, e => e.Message.Contains("is ready", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Information, $"Cosmos database {name} is ready (created if missing: False)"), (ready.Level, ready.Message));
        Assert.DoesNotContain(log.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task A_store_that_may_create_makes_the_database_and_each_container_once_and_then_answers_from_memory()
    {
        var requests = new CapturingLogger<CosmosRequests>();
        var log = new CapturingLogger<CosmosDatabase>();
        using var database = Open(NewName(), createIfNotExists: true, requests, log);

        await database.ReadyAsync(Ct);
        await database.ReadyAsync(Ct);
        await database.ReadyAsync(Ct);

        Assert.Equal(
            [("create-database", string.Empty), ("create-container", "events"), ("create-container", "views"), ("create-container", "leases")],
            Operations(requests));
        Assert.Contains(log.Entries, e => e.Message == $"Cosmos database {database.Options.DatabaseName} is ready (created if missing: True)");
        var events = await database.Events.ReadContainerAsync(cancellationToken: Ct);
        Assert.Equal((-1, "/streamId"), (events.Resource.DefaultTimeToLive, events.Resource.PartitionKeyPath));
        var views = await database.Views.ReadContainerAsync(cancellationToken: Ct);
        Assert.Equal("/pk", views.Resource.PartitionKeyPath);
        var leases = await database.Leases.ReadContainerAsync(cancellationToken: Ct);
        Assert.Equal("/id", leases.Resource.PartitionKeyPath);
    }

    [Fact]
    public async Task An_events_container_with_time_to_live_off_is_used_with_a_warning_that_idempotency_records_never_expire()
    {
        var name = NewName();
        var created = await fixture.Database.Client.CreateDatabaseAsync(name, cancellationToken: Ct);
        await created.Database.CreateContainerAsync(new ContainerProperties("events", "/streamId"), cancellationToken: Ct);
        await created.Database.CreateContainerAsync(new ContainerProperties("views", "/pk"), cancellationToken: Ct);
        await created.Database.CreateContainerAsync(new ContainerProperties("leases", "/id"), cancellationToken: Ct);
        var log = new CapturingLogger<CosmosDatabase>();
        using var database = Open(name, createIfNotExists: false, log: log);

        await database.ReadyAsync(Ct);

        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(
            $"Cosmos container events in {name} has time-to-live off, so idempotency records never expire; set its default TTL to -1 (on, no default expiry)",
            warning.Message);
    }

    [Fact]
    public async Task A_failed_start_is_tried_again_by_the_next_caller()
    {
        var name = NewName();
        using var database = Open(name, createIfNotExists: false);
        await Assert.ThrowsAsync<InvalidOperationException>(() => database.ReadyAsync(Ct));

        using (var creator = Open(name, createIfNotExists: true))
        {
            await creator.ReadyAsync(Ct);
        }

        await database.ReadyAsync(Ct);
    }

    [Fact]
    public async Task A_store_built_from_its_options_logs_where_it_connects_without_the_key()
    {
        var log = new CapturingLogger<CosmosDatabase>();
        var options = new CosmosStoreOptions { ConnectionString = fixture.ConnectionString, DatabaseName = NewName() };

        using var database = new CosmosDatabase(Options.Create(options), fixture.Requests, log);

        var connecting = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Information, connecting.Level);
        Assert.Equal($"Cosmos store: {CosmosConnection.From(options)}, database {options.DatabaseName}", connecting.Message);
        Assert.DoesNotContain(CosmosConnection.From(options).AccountKey!, connecting.Message, StringComparison.Ordinal);
        Assert.Equal((options.DatabaseName, "events", "views", "leases"), (database.Options.DatabaseName, database.Events.Id, database.Views.Id, database.Leases.Id));
    }

    [Fact]
    public void A_store_needs_a_client_and_options()
    {
        Assert.Throws<ArgumentNullException>(() => new CosmosDatabase(null!, new CosmosStoreOptions(), fixture.Requests, NullLogger<CosmosDatabase>.Instance));
        Assert.Throws<ArgumentNullException>(() => new CosmosDatabase(fixture.Database.Client, null!, fixture.Requests, NullLogger<CosmosDatabase>.Instance));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _databases)
        {
            try
            {
                await fixture.Database.Client.GetDatabase(name).DeleteAsync();
            }
            catch (CosmosException error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // The test never created it.
            }
        }
    }

    private static List<(string, string)> Operations(CapturingLogger<CosmosRequests> log) =>
        [.. log.Entries.Select(e => ((string)e.Values["Operation"]!, (string)e.Values["Container"]!))];

    private string NewName()
    {
        var name = $"cartorders-db-test-{Guid.NewGuid():N}";
        _databases.Add(name);
        return name;
    }

    private CosmosDatabase Open(string name, bool createIfNotExists, CapturingLogger<CosmosRequests>? requests = null, ILogger<CosmosDatabase>? log = null)
    {
        var options = new CosmosStoreOptions { ConnectionString = fixture.ConnectionString, DatabaseName = name, CreateIfNotExists = createIfNotExists };
        return new CosmosDatabase(
            Options.Create(options),
            requests is null ? fixture.Requests : CosmosContractDatabase.RequestsLoggingTo(requests),
            log ?? NullLogger<CosmosDatabase>.Instance);
    }
}
