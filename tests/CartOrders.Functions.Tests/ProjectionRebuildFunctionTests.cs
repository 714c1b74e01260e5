using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Rebuilds;
using CartOrders.Functions.Feed;
using CartOrders.Functions.Http;
using CartOrders.Functions.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>The views' blue/green rebuild in the function app: the feed's timer function rebuilds a new projection version by itself.</summary>
public sealed class ProjectionRebuildFunctionTests
{
    [Fact]
    public async Task The_feed_timer_of_an_app_deployed_with_a_new_projection_version_rebuilds_the_views_and_swaps_them_in()
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-functions-rebuild-");
        try
        {
            var settings = new Dictionary<string, string?> { ["Sqlite:Path"] = Path.Combine(folder.FullName, "cartorders.db") };
            var aliceId = Unique("alice");
            await using (var first = FunctionsApp.Start(settings))
            {
                var alice = first.Tokens.For(aliceId);
                for (var i = 0; i < 3; i++)
                {
                    await first.CreateCartAsync(alice);
                }

                await first.TickAsync();
                var adopted = await first.Get<IViewGenerations>().ReadAsync(TestContext.Current.CancellationToken);
                Assert.Equal((1, Projector.Version, null), (adopted.Live, adopted.LiveVersion, adopted.Rebuild));
            }

            var bumped = new ProjectionDefinition(Projector.Name, Projector.Version + 1);
            await using var second = FunctionsApp.Start(settings, services => services.Replace(ServiceDescriptor.Singleton(bumped)));
            await second.TickAsync();

            var state = await second.Get<IViewGenerations>().ReadAsync(TestContext.Current.CancellationToken);
            Assert.Equal((2, bumped.Version, null, 1), (state.Live, state.LiveVersion, state.Rebuild, state.Retired));
            var list = await second.CallAsync(nameof(CartFunctions.ListCarts), HttpMethod.Get, "/api/carts", CartFunctions.ListCarts, second.Tokens.For(aliceId));
            Assert.Equal(200, list.Status);
            Assert.Equal(3, list.Json().GetArrayLength());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
