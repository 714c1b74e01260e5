using System.Text.Json;
using CartOrders.Application.Rebuilds;
using CartOrders.Functions.Http;
using CartOrders.Functions.Tests.Support;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>
/// The operator's projection endpoints through their HTTP functions (<c>/api/admin/projections</c>):
/// the local server's contract, with the rebuild moving on in the FeedPump ticks.
/// </summary>
public sealed class ProjectionAdminFunctionTests
{
    private const string Projector = "/api/admin/projections/projector";

    [Fact]
    public async Task An_operator_starts_a_rebuild_follows_its_progress_in_the_list_and_sees_the_new_generation_go_live()
    {
        // A budget shorter than one batch: each tick builds one batch of two events, so the rebuild's progress shows between ticks.
        await using var app = FunctionsApp.Start(new Dictionary<string, string?> { ["Feed:TickBudget"] = "00:00:00.001" });
        app.Get<ProjectionRebuilder>().BatchSize = 2;
        var aliceId = Unique("alice");
        var alice = app.Tokens.For(aliceId);
        var olga = app.Tokens.For(Unique("olga"), roles: ["operator"]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await app.AddItemAsync(alice, await app.CreateCartAsync(alice))).Status);
        }

        await app.TickAsync();
        var before = Assert.Single((await ListAsync(app, olga)).EnumerateArray());
        Assert.Equal(("projector", "live", 1), (before.GetProperty("name").GetString(), before.GetProperty("status").GetString(), before.GetProperty("generation").GetInt32()));
        Assert.False(before.TryGetProperty("rebuild", out _));

        var started = await RebuildAsync(app, olga, "projector");
        var again = await RebuildAsync(app, olga, "projector");

        Assert.Equal(202, started.Status);
        Assert.Equal(Projector, started.Headers.Location.ToString());
        Assert.Equal("rebuilding", started.Json().GetProperty("status").GetString());
        Assert.Equal((2, 0L), (started.Json().GetProperty("rebuild").GetProperty("generation").GetInt32(), started.Json().GetProperty("rebuild").GetProperty("position").GetInt64()));
        Assert.Equal((409, "rebuild-running"), (again.Status, again.ProblemCode()));

        await app.TickAsync();
        var midway = Assert.Single((await ListAsync(app, olga)).EnumerateArray());
        var progress = midway.GetProperty("rebuild");
        Assert.Equal(("rebuilding", 1), (midway.GetProperty("status").GetString(), midway.GetProperty("generation").GetInt32()));
        Assert.Equal(2, progress.GetProperty("position").GetInt64());
        Assert.True(progress.GetProperty("remaining").GetInt64() > 0, progress.ToString());
        Assert.Equal((409, "rebuild-running"), await StatusAndCodeAsync(RebuildAsync(app, olga, "projector")));

        var live = await GetAsync(app, olga, "projector");
        for (var ticks = 0; ticks < 50 && live.Json().GetProperty("status").GetString() != "live"; ticks++)
        {
            await app.TickAsync();
            live = await GetAsync(app, olga, "projector");
        }

        Assert.Equal(200, live.Status);
        Assert.Equal(("live", 2), (live.Json().GetProperty("status").GetString(), live.Json().GetProperty("generation").GetInt32()));
        Assert.False(live.Json().TryGetProperty("rebuild", out _));
        var carts = await app.CallAsync(nameof(CartFunctions.ListCarts), HttpMethod.Get, "/api/carts", CartFunctions.ListCarts, alice);
        Assert.Equal(3, carts.Json().GetArrayLength());
        Assert.Equal(202, (await RebuildAsync(app, olga, "projector")).Status);
    }

    [Fact]
    public async Task Only_operators_see_or_rebuild_projections_and_an_unknown_name_is_not_found()
    {
        await using var app = FunctionsApp.Start();
        var alice = app.Tokens.For(Unique("alice"));
        var olga = app.Tokens.For(Unique("olga"), roles: ["operator"]);

        Assert.Equal((401, "unauthorized"), await StatusAndCodeAsync(app.CallAsync(nameof(AdminFunctions.ListProjections), HttpMethod.Get, "/api/admin/projections", AdminFunctions.ListProjections)));
        Assert.Equal((401, "unauthorized"), await StatusAndCodeAsync(GetAsync(app, null, "projector")));
        Assert.Equal((401, "unauthorized"), await StatusAndCodeAsync(RebuildAsync(app, null, "projector")));
        Assert.Equal((403, "operator-only"), await StatusAndCodeAsync(app.CallAsync(nameof(AdminFunctions.ListProjections), HttpMethod.Get, "/api/admin/projections", AdminFunctions.ListProjections, alice)));
        Assert.Equal((403, "operator-only"), await StatusAndCodeAsync(GetAsync(app, alice, "projector")));
        Assert.Equal((403, "operator-only"), await StatusAndCodeAsync(RebuildAsync(app, alice, "projector")));
        Assert.Equal((404, "projection-not-found"), await StatusAndCodeAsync(GetAsync(app, olga, "no-such-projection")));
        Assert.Equal((404, "projection-not-found"), await StatusAndCodeAsync(RebuildAsync(app, olga, "no-such-projection")));

        var projector = await GetAsync(app, olga, "projector");
        Assert.Equal((200, "live"), (projector.Status, projector.Json().GetProperty("status").GetString()));
    }

    private static async Task<JsonElement> ListAsync(FunctionsApp app, string token)
    {
        var response = await app.CallAsync(nameof(AdminFunctions.ListProjections), HttpMethod.Get, "/api/admin/projections", AdminFunctions.ListProjections, token);
        Assert.Equal(200, response.Status);
        return response.Json();
    }

    private static Task<TestResponse> GetAsync(FunctionsApp app, string? token, string name) =>
        app.CallAsync(nameof(AdminFunctions.GetProjection), HttpMethod.Get, $"/api/admin/projections/{name}", r => AdminFunctions.GetProjection(r, name), token);

    private static Task<TestResponse> RebuildAsync(FunctionsApp app, string? token, string name) =>
        app.CallAsync(nameof(AdminFunctions.RebuildProjection), HttpMethod.Post, $"/api/admin/projections/{name}/rebuild", r => AdminFunctions.RebuildProjection(r, name), token);

    private static async Task<(int Status, string Code)> StatusAndCodeAsync(Task<TestResponse> call)
    {
        var response = await call;
        return (response.Status, response.ProblemCode());
    }
}
