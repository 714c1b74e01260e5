using CartOrders.Application.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("4097")]
    public void A_writer_cache_out_of_range_fails_at_start_with_a_clear_message(string megabytes)
    {
        using var services = Build(new() { ["Sqlite:WriterCacheMegabytes"] = megabytes });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Sqlite:WriterCacheMegabytes must be between 1 and 4096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_writer_cache_defaults_to_16_MiB_and_can_be_set()
    {
        using var defaults = Build([]);
        using var configured = Build(new() { ["Sqlite:WriterCacheMegabytes"] = "256" });

        defaults.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(16, defaults.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.WriterCacheMegabytes);
        Assert.Equal(256, configured.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.WriterCacheMegabytes);
    }

    [Theory]
    [InlineData("Sqlite:Path", " ", "Sqlite:Path must name the database file.")]
    [InlineData("Sqlite:IdempotencyRetention", "00:00:59", "Sqlite:IdempotencyRetention must be at least 1 minute")]
    [InlineData("Sqlite:SweepInterval", "00:00:00.999", "Sqlite:SweepInterval at least 1 second")]
    public void A_missing_path_or_a_too_short_retention_or_sweep_fails_at_start_with_a_clear_message(string key, string value, string message)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_of_1_minute_and_a_sweep_every_second_are_allowed_and_the_defaults_are_24_hours_and_1_hour()
    {
        using var defaults = Build([]);
        using var shortest = Build(new() { ["Sqlite:IdempotencyRetention"] = "00:01:00", ["Sqlite:SweepInterval"] = "00:00:01", ["Sqlite:WriterCacheMegabytes"] = "1" });
        using var largest = Build(new() { ["Sqlite:WriterCacheMegabytes"] = "4096" });

        defaults.GetRequiredService<IStartupValidator>().Validate();
        shortest.GetRequiredService<IStartupValidator>().Validate();
        largest.GetRequiredService<IStartupValidator>().Validate();
        var options = defaults.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
        Assert.Equal((TimeSpan.FromHours(24), TimeSpan.FromHours(1), Path.Combine("data", "cartorders.db")), (options.IdempotencyRetention, options.SweepInterval, options.Path));
    }

    [Fact]
    public async Task Every_storage_port_is_served_by_the_one_SQLite_store_and_the_retention_sweep_runs_as_a_hosted_service()
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-services-");
        var services = new ServiceCollection()
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSqliteStore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sqlite:Path"] = Path.Combine(folder.FullName, "store.db") }).Build())
            .BuildServiceProvider();
        try
        {
            var events = services.GetRequiredService<SqliteEventStore>();
            Assert.Same(events, services.GetRequiredService<IEventStore>());
            Assert.Same(events, services.GetRequiredService<IEventFeed>());
            var views = services.GetRequiredService<SqliteViewStore>();
            Assert.Same(views, services.GetRequiredService<IViewStore>());
            Assert.Same(views, services.GetRequiredService<IViewGenerations>());
            Assert.IsType<SqliteCheckpointStore>(services.GetRequiredService<ICheckpointStore>());
            Assert.IsType<SqliteParkedEventStore>(services.GetRequiredService<IParkedEventStore>());
            Assert.Same(services.GetRequiredService<SqliteRetention>(), Assert.Single(services.GetServices<IHostedService>()));
            Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
            Assert.Same(services.GetRequiredService<SqliteDatabase>(), services.GetRequiredService<SqliteDatabase>());
        }
        finally
        {
            await services.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_clock_registered_before_the_store_is_kept()
    {
        var clock = new FixedClock();
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddSqliteStore(new ConfigurationBuilder().Build()).BuildServiceProvider();

        Assert.Same(clock, services.GetRequiredService<TimeProvider>());
    }

    private sealed class FixedClock : TimeProvider;

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSqliteStore(configuration).BuildServiceProvider();
    }
}
