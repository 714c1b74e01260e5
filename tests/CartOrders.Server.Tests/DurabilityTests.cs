using CartOrders.Server.Tests.Fixtures;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CartOrders.Server.Tests;

/// <summary>
/// The server as shipped acknowledges a write only after it has been fsynced: with no
/// <c>Sqlite:Durability</c> in its configuration its writer runs with synchronous=FULL.
/// (Every other test host asks for Normal, for speed.)
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task The_server_without_a_durability_setting_writes_with_synchronous_FULL()
    {
        // Null: the factory leaves Sqlite:Durability unset, as the shipped appsettings.json does.
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Sqlite:Durability"] = null });
        _ = factory.Server;

        var options = factory.Services.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
        var synchronous = await WriterSynchronousAsync(factory.Services.GetRequiredService<SqliteDatabase>());

        Assert.Equal(SqliteDurability.Full, options.Durability);
        Assert.Equal(2, synchronous);
    }

    [Fact]
    public async Task The_test_hosts_durability_Normal_reaches_the_writer()
    {
        await using var factory = new ServerFactory();
        _ = factory.Server;

        Assert.Equal(1, await WriterSynchronousAsync(factory.Services.GetRequiredService<SqliteDatabase>()));
    }

    private static Task<long> WriterSynchronousAsync(SqliteDatabase database) =>
        database.Writer.WriteAsync(statements =>
        {
            using var command = statements.Connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous";
            return (long)command.ExecuteScalar()!;
        }, TestContext.Current.CancellationToken);
}
