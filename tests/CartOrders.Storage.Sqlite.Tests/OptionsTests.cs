using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSqliteStore(configuration).BuildServiceProvider();
    }
}
